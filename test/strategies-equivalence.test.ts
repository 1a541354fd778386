/**
 * The single-round-trip strategy must answer exactly as the plain sequential one, over every
 * sandbox fixture and every way of asking, while sending fewer requests. Both run in-process
 * through a real KalturaClientManager (real HTTP, real kaltura-client) against the sandbox.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KalturaClientManager, type RequestStats } from '../src/kaltura/client-manager.js';
import { createLogger } from '../src/logging.js';
import { Redactor } from '../src/redact.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { findDownloadUrl, type DownloadRequest } from '../src/downloads/locate.js';
import { answerWith, type DownloadStrategy } from './helpers/download-strategies.js';
import { ENTRIES } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { sandboxEnv } from './helpers/server-process.js';
import { getDownloadUrlSequential } from './strategies/sequential.js';

let sandbox: Sandbox;
let manager: KalturaClientManager;

beforeAll(async () => {
  sandbox = await startSandbox();
  const redactor = new Redactor();
  manager = new KalturaClientManager({
    env: sandboxEnv(sandbox.url),
    log: createLogger(redactor, { debug: () => false, write: () => {} }),
    masker: redactor,
  });
});

afterAll(async () => {
  await sandbox?.close();
});

/** Every way of asking: each entry by default and for each of its flavors, plus the edge cases. */
function requests(): DownloadRequest[] {
  const out: DownloadRequest[] = [];
  for (const entry of ENTRIES) {
    out.push({ entryId: entry.id });
    for (const flavor of entry.flavors) out.push({ entryId: entry.id, flavorId: flavor.id });
    out.push({ entryId: entry.id, flavorId: '1_notthere' });
    out.push({ entryId: entry.id, fileName: 'my clip.mp4' });
    out.push(
      { entryId: entry.id, quality: 'highest' },
      { entryId: entry.id, quality: 'lowest' },
      { entryId: entry.id, quality: 'original' },
      { entryId: entry.id, maxHeight: 400 },
      { entryId: entry.id, format: 'MOV' },
      { entryId: entry.id, quality: 'lowest', format: 'mp4', maxHeight: 720 },
    );
  }
  out.push({ entryId: '1_missing1' }, { entryId: '1_missing1', flavorId: '1_demof001' }, { entryId: 'bad id' });
  out.push({ entryId: '1_demo0001', flavorId: 'bad/flavor' });
  return out;
}

/** The sandbox signs a fresh token into every URL; the rest must match to the byte. */
function comparable(answer: CallToolResult): unknown {
  return JSON.parse(JSON.stringify(answer).replace(/\/ks\/[^/]+\//g, '/ks/TOKEN/'));
}

async function run(strategy: DownloadStrategy, request: DownloadRequest) {
  const stats: RequestStats = { requests: 0 };
  const answer = await answerWith(strategy, manager.forCall({ stats }), request);
  return { answer: comparable(answer), requests: stats.requests };
}

describe('single round trip vs sequential', () => {
  it('answers exactly the same for every fixture and every way of asking', async () => {
    const cases = requests();
    expect(cases.length).toBeGreaterThan(150);
    for (const request of cases) {
      const fast = await run(findDownloadUrl, request);
      const slow = await run(getDownloadUrlSequential, request);
      expect(fast.answer, JSON.stringify(request)).toEqual(slow.answer);
      expect(fast.requests, JSON.stringify(request)).toBeLessThanOrEqual(slow.requests);
    }
  });

  it.each([
    ['the original listed first', { entryId: '1_demo0001' }],
    ['the original listed last', { entryId: '1_origlast' }],
    ['an entry without original', { entryId: '1_noorig01' }],
    ['a requested flavor', { entryId: '1_demo0001', flavorId: '1_demof002' }],
    ['an original that is not READY', { entryId: '1_convert1' }],
    ['the original past the 30th flavor', { entryId: '1_many0001' }],
  ])('needs one request for %s, where the sequential way needs three', async (_, request) => {
    const fast = await run(findDownloadUrl, request);
    const slow = await run(getDownloadUrlSequential, request);
    expect(fast.requests).toBe(1);
    expect(slow.requests).toBe(3);
    expect((fast.answer as CallToolResult).isError).toBeUndefined();
  });

  it("keeps kaltura-client's 96k-line model file out of memory", () => {
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.some((file) => file.endsWith('kaltura-client/KalturaServices.js'))).toBe(true);
    expect(loaded.some((file) => file.endsWith('kaltura-client/KalturaModel.js'))).toBe(false);
  });
});
