/**
 * The sandbox itself keeps to the real server's wire behaviour where the product does not reach
 * it on its own (it always sends format 1 and well-formed references).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signKsV2 } from '../src/kaltura/ks.js';
import { OTHER_PARTNER_ID, SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from './sandbox/fixtures.js';
import { checkKs } from './sandbox/ks.js';
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

describe('App Tokens and widget sessions, as Kaltura keeps them', () => {
  /** One api_v3 call in JSON; resolves with Kaltura's parsed answer (an error object included). */
  const call = async (service: string, action: string, params: Record<string, unknown>) => {
    const response = await fetch(`${sandbox.url}/api_v3/service/${service}/action/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...params, format: 1 }),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  const userKs = (privileges = '', userId = 'viewer') =>
    signKsV2({
      adminSecret: SANDBOX_ADMIN_SECRET,
      partnerId: SANDBOX_PARTNER_ID,
      userId,
      type: 0,
      privileges,
      expiresAt: Math.floor(Date.now() / 1000) + 600,
    });
  const widget = async () =>
    String((await call('session', 'startWidgetSession', { widgetId: `_${SANDBOX_PARTNER_ID}` })).ks);
  const hash = (algorithm: string, ks: string, token: string) =>
    createHash(algorithm)
      .update(ks + token)
      .digest('hex');
  const start = async (
    token: { id: string; token: string },
    extra: Record<string, unknown> = {},
    algorithm = 'sha256',
  ) => {
    const ks = await widget();
    return call('apptoken', 'startSession', {
      id: token.id,
      tokenHash: hash(algorithm, ks, token.token),
      ks,
      ...extra,
    });
  };
  const add = (fields: Record<string, unknown>) =>
    sandbox.addAppToken(SANDBOX_PARTNER_ID, {
      sessionType: 0,
      sessionUserId: 'kaltura-mcp',
      hashType: 'SHA256',
      ...fields,
    });

  it('startWidgetSession needs no KS and gives a USER session of user 0 with view:*,widget:1', async () => {
    const answer = await call('session', 'startWidgetSession', { widgetId: `_${SANDBOX_PARTNER_ID}` });
    expect(answer).toEqual({
      partnerId: SANDBOX_PARTNER_ID,
      ks: expect.any(String),
      userId: 0,
      objectType: 'KalturaStartWidgetSessionResponse',
    });
    expect(checkKs(String(answer.ks), SANDBOX_ADMIN_SECRET, Math.floor(Date.now() / 1000))).toMatchObject({
      ok: true,
      ks: { type: 0, userId: '0', privileges: ['view:*', 'widget:1'] },
    });
    expect(await call('session', 'startWidgetSession', { widgetId: '_111' })).toEqual({
      code: 'INVALID_WIDGET_ID',
      message: 'Unknown widget [_111]',
      objectType: 'KalturaAPIException',
      args: { WIDGET_ID: '_111' },
    });
  });

  it('manages tokens with ADMIN sessions only; a USER or widget session is forbidden', async () => {
    const added = await call('apptoken', 'add', {
      ks: ks(),
      appToken: { objectType: 'KalturaAppToken', sessionPrivileges: 'list:*' },
    });
    expect(added).toMatchObject({
      id: expect.stringMatching(/^0_[a-z0-9]{8}$/),
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
      partnerId: SANDBOX_PARTNER_ID,
      status: 2,
      sessionDuration: 86400,
      hashType: 'SHA1',
      objectType: 'KalturaAppToken',
    });
    for (const other of [userKs('list:*'), await widget()]) {
      expect(await call('apptoken', 'list', { ks: other })).toEqual({
        code: 'SERVICE_FORBIDDEN',
        message: 'The access to service [apptoken->list] is forbidden',
        objectType: 'KalturaAPIException',
        args: { SERVICE: 'apptoken->list' },
      });
    }
    expect(await call('apptoken', 'add', { ks: ks(), appToken: { hashType: 'sha256' } })).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      message:
        'Invalid enumeration value "sha256" for parameter "hashType", expecting enumeration type "KalturaAppTokenHashType"',
    });
    expect(await call('apptoken', 'add', { ks: ks(), appToken: { sessionUserId: 'two words' } })).toMatchObject({
      code: 'INVALID_FIELD_VALUE',
      message: 'value in field [sessionUserId] is not valid',
    });
  });

  it('checks the hash over the exact KS of the request, in lowercase hex, with the token’s hash type', async () => {
    const token = add({ sessionPrivileges: 'list:*' });
    expect(await start(token)).toMatchObject({ objectType: 'KalturaSessionInfo' });
    const ks = await widget();
    const refused = {
      code: 'INVALID_APP_TOKEN_HASH',
      message: 'Invalid application token hash',
      objectType: 'KalturaAPIException',
      args: [],
    };
    // Upper-case hex, another hash type, another KS than the request's: all refused.
    expect(
      await call('apptoken', 'startSession', {
        id: token.id,
        tokenHash: hash('sha256', ks, token.token).toUpperCase(),
        ks,
      }),
    ).toEqual(refused);
    expect(
      await call('apptoken', 'startSession', { id: token.id, tokenHash: hash('sha1', ks, token.token), ks }),
    ).toEqual(refused);
    expect(
      await call('apptoken', 'startSession', {
        id: token.id,
        tokenHash: hash('sha256', await widget(), token.token),
        ks,
      }),
    ).toEqual(refused);
    // Any valid session may start one: a USER session too.
    const user = userKs();
    expect(
      await call('apptoken', 'startSession', { id: token.id, tokenHash: hash('sha256', user, token.token), ks: user }),
    ).toMatchObject({ objectType: 'KalturaSessionInfo' });
  });

  it('answers in the real order: not found (another partner’s too), not active, hash, expired', async () => {
    const theirs = sandbox.addAppToken(OTHER_PARTNER_ID, {});
    expect(await start(theirs)).toMatchObject({
      code: 'APP_TOKEN_ID_NOT_FOUND',
      message: `Application token id "${theirs.id}" not found`,
      args: { ID: theirs.id },
    });
    const disabled = add({ expiry: 1 });
    sandbox.disableAppToken(disabled.id);
    expect(await start({ ...disabled, token: 'wrong' })).toMatchObject({
      code: 'APP_TOKEN_NOT_ACTIVE',
      message: `Application token id "${disabled.id}" not active`,
    });
    const expired = add({ expiry: Math.floor(Date.now() / 1000) - 1 });
    expect(await start({ ...expired, token: 'wrong' })).toMatchObject({ code: 'INVALID_APP_TOKEN_HASH' });
    expect(await start(expired)).toMatchObject({
      code: 'APP_TOKEN_EXPIRED',
      message: `Application token id "${expired.id}" expired`,
      args: { ID: expired.id },
    });
    expect(await start(add({}), { type: 1 })).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      args: { PARAM_NAME: 'type', ENUM_TYPE: 'KalturaSessionType' },
    });
  });

  it('lets the token fix type, user and privileges; the caller narrows a * or adds what is not reserved', async () => {
    const token = add({
      sessionPrivileges: 'list:*,sview:*,download:*',
      sessionDuration: 3600,
      expiry: Math.floor(Date.now() / 1000) + 1800,
    });
    const info = await start(token, {
      type: 2,
      userId: 'admin',
      expiry: 7200,
      sessionPrivileges: 'sview:1_demo0001,edit:*,disableentitlement,myapp:yes,sessionid:0_other',
    });
    expect(info).toMatchObject({
      sessionType: 0,
      partnerId: SANDBOX_PARTNER_ID,
      userId: 'kaltura-mcp',
      privileges: `sessionid:${token.id},apptoken:${token.id},list:*,sview:1_demo0001,download:*,myapp:yes`,
    });
    // The session lasts no longer than the token has left (30 minutes), whatever was asked.
    expect(Number(info.expiry) - Math.floor(Date.now() / 1000)).toBeGreaterThan(1790);
    expect(Number(info.expiry) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(1800);
    // With nothing fixed, the caller's type and user stand; USER when neither says.
    const open = add({ sessionType: undefined, sessionUserId: undefined });
    expect(await start(open, { type: 2, userId: 'someone' })).toMatchObject({ sessionType: 2, userId: 'someone' });
    const plain = await start(open);
    expect(plain).toMatchObject({ sessionType: 0, privileges: `sessionid:${open.id},apptoken:${open.id}` });
    expect(plain).not.toHaveProperty('userId');
  });

  it('delete hides the token and ends every session started from it (INVALID_KS LOGOUT)', async () => {
    const token = add({ sessionPrivileges: 'list:*' });
    const session = String((await start(token)).ks);
    expect(await call('media', 'get', { entryId: '1_demo0001', ks: session })).toMatchObject({ id: '1_demo0001' });
    expect(await call('apptoken', 'delete', { id: token.id, ks: ks() })).toBeNull();
    expect(await call('media', 'get', { entryId: '1_demo0001', ks: session })).toMatchObject({
      code: 'INVALID_KS',
      message: 'Invalid KS "LOGOUT", Error "-1,INVALID_STR"',
    });
    for (const action of ['get', 'delete']) {
      expect(await call('apptoken', action, { id: token.id, ks: ks() })).toMatchObject({
        code: 'APP_TOKEN_ID_NOT_FOUND',
      });
    }
    expect(await start(token)).toMatchObject({ code: 'APP_TOKEN_ID_NOT_FOUND' });
    const listed = await call('apptoken', 'list', {
      ks: ks(),
      filter: { objectType: 'KalturaAppTokenFilter' },
      pager: { pageSize: 500 },
    });
    expect((listed.objects as Array<{ id: string }>).map((t) => t.id)).not.toContain(token.id);
    expect(await call('apptoken', 'list', { ks: ks(), filter: { sessionUserIdEqual: 'nobody-at-all' } })).toEqual({
      totalCount: 0,
      objectType: 'KalturaAppTokenListResponse',
    });
  });

  it('media.list gives a USER session without list:* only its own user’s entries', async () => {
    const list = (session: string) => call('media', 'list', { ks: session, pager: { pageSize: 500 } });
    expect(Number((await list(userKs('sview:*', 'viewer'))).totalCount)).toBe(0);
    expect(Number((await list(userKs('sview:*', 'sandbox-owner'))).totalCount)).toBeGreaterThan(5);
    expect(Number((await list(userKs('list:*', 'viewer'))).totalCount)).toBeGreaterThan(5);
    expect(Number((await list(ks())).totalCount)).toBeGreaterThan(5);
  });
});
