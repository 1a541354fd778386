/**
 * get_media_entry, its rules run in-process over a fake Kaltura (test/helpers/fake-kaltura.ts).
 * The end-to-end proof against the sandbox is test/media-tools.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fakeKaltura, type FakeEntry, type FakeFlavor } from '../../test/helpers/fake-kaltura.js';
import { jsonOf, toolClient } from '../../test/helpers/tool-harness.js';

/** An entry with more flavors than one page of Kaltura's holds (500). */
const MANY: FakeFlavor[] = Array.from({ length: 503 }, (_, i) => ({
  id: `1_many${String(i).padStart(4, '0')}`,
  height: i,
}));
const ENTRIES: FakeEntry[] = [
  {
    id: '1_talk0001',
    name: 'Talk',
    description: 'A talk',
    updatedAt: 1_700_000_500,
    width: 1920,
    height: 1080,
    flavors: [{ id: '1_talksrc', isOriginal: true, height: 1080, width: 1920, status: 1 }],
    captions: [
      { id: '1_talkcen', language: 'English', languageCode: 'en', label: 'English', format: '3', isDefault: true },
    ],
  },
  { id: '1_many0001', name: 'Many renditions', flavors: MANY },
  { id: '1_report01', name: 'Report', type: 10 },
];

async function setUp() {
  const kaltura = fakeKaltura(ENTRIES);
  return { kaltura, ...(await toolClient(kaltura.door)) };
}

describe('get_media_entry', () => {
  it('shows the entry and every flavor with its status, in one round trip', async () => {
    const { kaltura, call } = await setUp();
    const result = await call('get_media_entry', { entry_id: '1_talk0001' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      id: '1_talk0001',
      name: 'Talk',
      description: 'A talk',
      updatedAt: '2023-11-14T22:21:40.000Z',
      width: 1920,
      flavors: [{ flavorId: '1_talksrc', isOriginal: true, status: 'CONVERTING', height: 1080 }],
      captions: [
        {
          id: '1_talkcen',
          language: 'English',
          languageCode: 'en',
          label: 'English',
          format: 'vtt',
          isDefault: true,
          status: 'READY',
        },
      ],
    });
    expect(kaltura.roundTrips).toHaveLength(1);
    expect(kaltura.actions()).toEqual(['baseentry.get', 'flavorasset.list', 'caption_captionasset.list']);
  });

  it('fetches the pages after the first when an entry has more than 500 flavors', async () => {
    const { kaltura, call } = await setUp();
    const result = await call('get_media_entry', { entry_id: '1_many0001' });
    expect((result.structuredContent as { flavors: unknown[] }).flavors).toHaveLength(503);
    expect(kaltura.roundTrips).toHaveLength(2);
  });

  it("shows a document too (the original's media.get answered it not found, though the download tools save it)", async () => {
    const { call } = await setUp();
    const result = await call('get_media_entry', { entry_id: '1_report01' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: '1_report01', name: 'Report', mediaType: null });
  });

  it("answers Kaltura's not-found in the original's error object", async () => {
    const { call } = await setUp();
    expect(jsonOf(await call('get_media_entry', { entry_id: '1_nothere1' }))).toEqual({
      error: 'Failed to get media entry: Entry id "1_nothere1" not found (ENTRY_ID_NOT_FOUND)',
      errorType: 'ENTRY_ID_NOT_FOUND',
      operation: 'get media entry',
      entry_id: '1_nothere1',
    });
  });

  it('refuses a malformed entry id without asking Kaltura', async () => {
    const { kaltura, call } = await setUp();
    expect(jsonOf(await call('get_media_entry', { entry_id: '../etc' }))).toEqual({ error: 'Invalid entry ID format' });
    expect(kaltura.roundTrips).toHaveLength(0);
  });
});
