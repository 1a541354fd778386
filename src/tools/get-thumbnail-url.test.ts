/**
 * get_thumbnail_url, its rules run in-process over a fake Kaltura (test/helpers/fake-kaltura.ts).
 * The end-to-end proof against the sandbox is test/media-tools.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fakeKaltura, type FakeEntry } from '../../test/helpers/fake-kaltura.js';
import { jsonOf, textOf, toolClient } from '../../test/helpers/tool-harness.js';

const THUMBS = 'https://cdn.example.com/p/1/thumbnail/entry_id';
const ENTRIES: FakeEntry[] = [
  { id: '1_video001', name: 'Video', mediaType: 1, thumbnailUrl: `${THUMBS}/1_video001/version/3` },
  { id: '1_image001', name: 'Image', mediaType: 2, thumbnailUrl: `${THUMBS}/1_image001/version/1?token=abc` },
  { id: '1_nothumb1', name: 'No thumbnail', mediaType: 1 },
];

async function setUp() {
  const kaltura = fakeKaltura(ENTRIES);
  return { kaltura, ...(await toolClient(kaltura.door)) };
}

describe('get_thumbnail_url', () => {
  it("sizes a video's thumbnail in the thumbnail API's path form, from the second asked (default 120x90 at 5 s)", async () => {
    const { call } = await setUp();
    expect((await call('get_thumbnail_url', { entry_id: '1_video001' })).structuredContent).toEqual({
      entryId: '1_video001',
      entryName: 'Video',
      mediaType: 1,
      thumbnailUrl: `${THUMBS}/1_video001/version/3/width/120/height/90/vid_sec/5`,
      width: 120,
      height: 90,
      second: 5,
    });
    const sized = await call('get_thumbnail_url', { entry_id: '1_video001', width: 400, height: 300, second: 30 });
    expect(sized.structuredContent).toMatchObject({
      thumbnailUrl: `${THUMBS}/1_video001/version/3/width/400/height/300/vid_sec/30`,
    });
  });

  it('takes no frame from an image (second is null), and keeps its query after the path', async () => {
    const { call } = await setUp();
    expect((await call('get_thumbnail_url', { entry_id: '1_image001', second: 9 })).structuredContent).toMatchObject({
      thumbnailUrl: `${THUMBS}/1_image001/version/1/width/120/height/90?token=abc`,
      second: null,
    });
  });

  it("answers the original's text when the entry has no thumbnail", async () => {
    const { call } = await setUp();
    const result = await call('get_thumbnail_url', { entry_id: '1_nothumb1' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('{"error": "No thumbnail available for this entry", "entryId": "1_nothumb1"}');
  });

  it("states the original's bounds, without asking Kaltura", async () => {
    const { kaltura, call } = await setUp();
    const dimensions = { error: 'Invalid dimensions: width and height must be between 1 and 4096' };
    expect(jsonOf(await call('get_thumbnail_url', { entry_id: '1_video001', width: 0 }))).toEqual(dimensions);
    expect(jsonOf(await call('get_thumbnail_url', { entry_id: '1_video001', height: 4097 }))).toEqual(dimensions);
    expect(jsonOf(await call('get_thumbnail_url', { entry_id: '1_video001', second: -1 }))).toEqual({
      error: 'Invalid second parameter: must be non-negative',
    });
    expect(kaltura.roundTrips).toHaveLength(0);
  });
});
