/**
 * save_media_files, its rules run in-process over a fake Kaltura (test/helpers/fake-kaltura.ts)
 * and a file server of the test's own on 127.0.0.1. Categories, captions, thumbnails, resuming,
 * tasks and the request bound are proved end to end in test/save-media-files.e2e.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKaltura, type FakeEntry } from '../../test/helpers/fake-kaltura.js';
import { testFolder } from '../../test/helpers/temp.js';
import { jsonOf, toolClient } from '../../test/helpers/tool-harness.js';

const BYTES = Buffer.alloc(50_000, 9);
const TALKS: FakeEntry[] = ['1', '2', '3'].map((n) => ({
  id: `1_talk000${n}`,
  name: `Talk ${n}: "quoted"`,
  tags: 'talks',
  flavors: [{ id: `1_talksrc${n}`, isOriginal: true, height: 720, fileExt: 'mp4', sizeInBytes: BYTES.length }],
}));

let files: Server;
let filesAt: string;

beforeAll(async () => {
  files = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': BYTES.length });
    res.end(req.method === 'HEAD' ? undefined : BYTES);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesAt = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => files.close(() => resolve())));

async function setUp(downloadDir: string | undefined) {
  const kaltura = fakeKaltura(TALKS, { filesAt });
  return { kaltura, ...(await toolClient(kaltura.door, { downloadDir })) };
}

describe('save_media_files', () => {
  it("saves a search's entries as '<name> [<id>].<ext>', with a manifest, in two round trips past the listing", async () => {
    const folder = testFolder('library');
    const { kaltura, call } = await setUp(folder);
    const result = await call('save_media_files', { search_text: 'talk', limit: 2 });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      entries: 2,
      saved: 2,
      skipped: 0,
      failed: 0,
      bytes: 2 * BYTES.length,
    });
    expect(readdirSync(folder).sort()).toEqual([
      'Talk 1_ _quoted_ [1_talk0001].mp4',
      'Talk 2_ _quoted_ [1_talk0002].mp4',
      'kaltura-manifest.json',
    ]);
    expect(readFileSync(join(folder, 'Talk 1_ _quoted_ [1_talk0001].mp4')).equals(BYTES)).toBe(true);
    // The listing page, the batch's flavors, the batch's URLs.
    expect(kaltura.roundTrips).toHaveLength(3);
  });

  it.each([
    [{}, 'Choose exactly one selection: entry_ids, category_id, or search_text (with or without media_type)'],
    [{ entry_ids: ['1_talk0001'], search_text: 'talk' }, 'Choose exactly one selection'],
    [{ category_id: 7, limit: 1001 }, 'Invalid limit: must be between 1 and 1000'],
    [{ entry_ids: ['1_talk0001'], limit: 2 }, 'limit applies to category_id or a search, not to entry_ids'],
    [{ entry_ids: Array.from({ length: 501 }, (_, i) => `1_x${i}`) }, 'Invalid entry_ids: give 1 to 500 entry ids'],
    [{ category_id: 0 }, 'Invalid category_id'],
    [{ entry_ids: ['1_talk0001'], captions: ['all', 'en'] }, 'Invalid captions'],
  ])('refuses %j before asking Kaltura', async (args, text) => {
    const { kaltura, call } = await setUp(testFolder('library'));
    const result = await call('save_media_files', args);
    expect(result.isError).toBe(true);
    expect(String(jsonOf(result).error)).toContain(text);
    expect(kaltura.roundTrips).toHaveLength(0);
  });

  it('names KALTURA_DOWNLOAD_DIR when it is not set', async () => {
    const { call } = await setUp(undefined);
    expect(jsonOf(await call('save_media_files', { entry_ids: ['1_talk0001'] }))).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: expect.stringContaining('KALTURA_DOWNLOAD_DIR is not set'),
    });
  });
});
