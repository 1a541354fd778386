/**
 * save_media_file, its rules run in-process over a fake Kaltura (test/helpers/fake-kaltura.ts)
 * and a file server of the test's own on 127.0.0.1. Resuming, room checks, proxies and the
 * rest of a download manager's work are proved end to end in test/save-media-file.e2e.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKaltura, type FakeEntry } from '../../test/helpers/fake-kaltura.js';
import { testFolder } from '../../test/helpers/temp.js';
import { jsonOf, toolClient } from '../../test/helpers/tool-harness.js';

const BYTES = Buffer.alloc(300_000, 7);
const LECTURE: FakeEntry = {
  id: '1_lecture1',
  name: 'Lecture 1: intro',
  flavors: [
    { id: '1_lecsrc', isOriginal: true, height: 1080, fileExt: 'mov', size: 900_000 },
    { id: '1_lec720', height: 720, fileExt: 'mp4', sizeInBytes: BYTES.length },
  ],
};

let files: Server;
let filesAt: string;
const served: string[] = [];

beforeAll(async () => {
  files = createServer((req, res) => {
    served.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': BYTES.length });
    res.end(req.method === 'HEAD' ? undefined : BYTES);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesAt = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => files.close(() => resolve())));

async function setUp(downloadDir: string | undefined) {
  served.length = 0;
  const kaltura = fakeKaltura([LECTURE], { filesAt });
  return { kaltura, ...(await toolClient(kaltura.door, { downloadDir })) };
}

describe('save_media_file', () => {
  it("saves the chosen flavor into KALTURA_DOWNLOAD_DIR under the entry's name, with progress", async () => {
    const folder = testFolder('saves');
    const { call } = await setUp(folder);
    const progress: number[] = [];
    const result = await call('save_media_file', { entry_id: '1_lecture1', max_height: 720 }, (done) =>
      progress.push(done),
    );
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      entryId: '1_lecture1',
      flavorId: '1_lec720',
      path: join(folder, 'Lecture 1_ intro [1_lecture1].mp4'),
      bytes: BYTES.length,
      format: 'mp4',
      skipped: false,
      resumedFrom: 0,
    });
    expect(readFileSync(join(folder, 'Lecture 1_ intro [1_lecture1].mp4')).equals(BYTES)).toBe(true);
    // Progress as it goes (at most every 250 ms), never past the file's length.
    expect(progress.length).toBeGreaterThan(0);
    expect(Math.max(...progress)).toBeLessThanOrEqual(BYTES.length);
    // Nothing else is left in the folder: no part, no record.
    expect(readdirSync(folder)).toEqual(['Lecture 1_ intro [1_lecture1].mp4']);
  });

  it('skips a file that is already there, whole, after comparing its bytes, and never overwrites one', async () => {
    const folder = testFolder('saves');
    const { call } = await setUp(folder);
    await call('save_media_file', { entry_id: '1_lecture1', flavor_id: '1_lec720' });
    served.length = 0;
    const again = await call('save_media_file', { entry_id: '1_lecture1', flavor_id: '1_lec720' });
    expect(again.structuredContent).toMatchObject({ skipped: true, bytes: BYTES.length });
    // This server ignores ranges: one GET, its body compared as it streams, nothing written.
    expect(served.filter((s) => s.startsWith('GET'))).toHaveLength(1);
    expect(readdirSync(folder)).toEqual(['Lecture 1_ intro [1_lecture1].mp4']);
  });

  it('says how to set the folder when KALTURA_DOWNLOAD_DIR is not set, before asking Kaltura', async () => {
    const { kaltura, call } = await setUp(undefined);
    expect(jsonOf(await call('save_media_file', { entry_id: '1_lecture1' }))).toEqual({
      error:
        'Failed to save media file: KALTURA_DOWNLOAD_DIR is not set: set it to the folder files may be saved into (an absolute path such as /home/me/Videos/kaltura), then restart the server',
      errorType: 'CONFIGURATION_ERROR',
      operation: 'save media file',
      entry_id: '1_lecture1',
    });
    expect(kaltura.roundTrips).toHaveLength(0);
  });

  it('refuses a relative folder, naming the full path to write instead', async () => {
    const { call } = await setUp('Videos');
    expect(String(jsonOf(await call('save_media_file', { entry_id: '1_lecture1' })).error)).toMatch(
      /^Failed to save media file: KALTURA_DOWNLOAD_DIR must be an absolute path, not "Videos" .*: write the full path, e\.g\. \/.*Movies$/,
    );
  });
});
