/**
 * The sandbox itself keeps to the real server's wire behaviour where the product does not reach
 * it on its own (it always sends format 1 and well-formed references).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signKsV2 } from '../src/kaltura/ks.js';
import { SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from './sandbox/fixtures.js';
import { resolveReferences, startSandbox, type Sandbox } from './sandbox/server.js';
import type { Json } from './sandbox/wire.js';

let sandbox: Sandbox;
const ks = () =>
  signKsV2({
    adminSecret: SANDBOX_ADMIN_SECRET,
    partnerId: SANDBOX_PARTNER_ID,
    userId: '',
    type: 2,
    privileges: '',
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  });
const post = (body: Record<string, unknown>) =>
  fetch(`${sandbox.url}/api_v3/service/media/action/get`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

describe('response formats', () => {
  it('answers in XML when the request names no format, as Kaltura does', async () => {
    const response = await post({ entryId: '1_demo0001', ks: ks() });
    expect(await response.text()).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?><xml><result><mediaType>1<\/mediaType>/,
    );
  });

  it('dies on an unknown format: an empty 200 with the X-Kaltura headers', async () => {
    const response = await post({ entryId: '1_demo0001', ks: ks(), format: 7 });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(response.headers.get('x-kaltura')).toBe('error- UNKNOWN_RESPONSE_FORMAT');
    expect(response.headers.get('x-kaltura-app')).toBe(
      'exiting on error UNKNOWN_RESPONSE_FORMAT - Response format provided [7] is not recognized by server',
    );
  });

  it('reads the body only when it is sent as exactly application/json', async () => {
    const response = await fetch(`${sandbox.url}/api_v3/service/media/action/get`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ entryId: '1_demo0001', ks: ks(), format: 1 }),
    });
    // No parameters were read: no format (so XML) and no KS.
    expect(await response.text()).toContain('<code>SERVICE_FORBIDDEN</code>');
  });

  it("sends Kaltura's clock in the Date header", async () => {
    sandbox.setClockSkew(3600);
    const response = await post({ entryId: '1_demo0001', ks: ks(), format: 1 });
    sandbox.setClockSkew(0);
    const offset = (Date.parse(response.headers.get('date')!) - Date.now()) / 1000;
    expect(Math.abs(offset - 3600)).toBeLessThan(3);
  });
});

describe('result references', () => {
  const list: Json = {
    objects: [{ id: '1_a' }, { name: 'no id' }, { id: '1_b' }],
    objectType: 'KalturaMediaListResponse',
  };

  it('joins a field of every item with `_all`, skipping items without it, trailing comma included', () => {
    expect(resolveReferences('{1:result:objects:_all:id}', [list])).toBe('1_a,1_b,');
  });

  it('resolves `_all` to "" on a server from before October 2018', () => {
    expect(resolveReferences('{1:result:objects:_all:id}', [list], true)).toBe('');
  });

  it('resolves a path that leads nowhere, or a failed result, to ""', () => {
    const failed: Json = { code: 'X', message: 'x', objectType: 'KalturaAPIException', args: [] };
    expect(resolveReferences('{1:result:objects:5:id}', [list])).toBe('');
    expect(resolveReferences('{1:result:id}', [failed])).toBe('');
    expect(resolveReferences('{2:result}', [list])).toBe('');
  });
});
