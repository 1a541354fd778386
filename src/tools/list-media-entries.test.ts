/**
 * list_media_entries, its rules run in-process over a fake Kaltura (test/helpers/fake-kaltura.ts).
 * The end-to-end proof against the sandbox is test/media-tools.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fakeKaltura, type FakeEntry } from '../../test/helpers/fake-kaltura.js';
import { jsonOf, textOf, toolClient } from '../../test/helpers/tool-harness.js';

const VIDEO = 1;
const AUDIO = 5;

const LIBRARY: FakeEntry[] = [
  {
    id: '1_onboard1',
    name: 'Onboarding: week one',
    tags: 'onboarding,hr',
    createdAt: 1_700_000_000,
    duration: 600,
    flavors: [
      { id: '1_onb_src', isOriginal: true, height: 1080, fileExt: 'mp4', size: 500_000 },
      { id: '1_onb_480', height: 480, fileExt: 'mp4', size: 60_000, sizeInBytes: 61_000_000 },
    ],
  },
  {
    id: '1_podcast1',
    name: 'Podcast 12',
    mediaType: AUDIO,
    flavors: [{ id: '1_pod_src', isOriginal: true, fileExt: 'mp3' }],
  },
  { id: '1_allhands', name: 'All hands', flavors: [] },
  { id: '1_manual01', name: 'Onboarding manual', type: 10, flavors: [{ id: '1_man_pdf', fileExt: 'pdf' }] },
];

async function setUp(options: Parameters<typeof fakeKaltura>[1] = {}) {
  const kaltura = fakeKaltura(LIBRARY, options);
  return { kaltura, ...(await toolClient(kaltura.door)) };
}

describe('list_media_entries', () => {
  it('lists a page of media entries, each with every one of its flavors, in one round trip', async () => {
    const { kaltura, call } = await setUp();
    const result = await call('list_media_entries', {});
    expect(result.isError).toBeFalsy();
    const page = result.structuredContent as {
      totalCount: number;
      page: number;
      pageSize: number;
      entries: Array<Record<string, unknown>>;
    };
    // A media list holds media clips only: the document is not one.
    expect(page).toMatchObject({ totalCount: 3, page: 1, pageSize: 20 });
    expect(page.entries.map((e) => e.id)).toEqual(['1_onboard1', '1_podcast1', '1_allhands']);
    expect(page.entries[0]).toMatchObject({
      name: 'Onboarding: week one',
      mediaType: VIDEO,
      createdAt: '2023-11-14T22:13:20.000Z',
      duration: 600,
      flavors: [
        expect.objectContaining({ flavorId: '1_onb_src', isOriginal: true, status: 'READY', fileSize: 500_000 * 1024 }),
        expect.objectContaining({ flavorId: '1_onb_480', isOriginal: false, fileSize: 61_000_000 }),
      ],
    });
    expect(page.entries[2]).toMatchObject({ id: '1_allhands', flavors: [] });
    expect(kaltura.roundTrips).toHaveLength(1);
    // The flavors of every entry on the page, named by reference to the list's answer.
    expect(kaltura.roundTrips[0]!.map((r) => r.action)).toEqual(['media.list', 'flavorasset.list']);
  });

  it('searches with Kaltura free text and filters by media type', async () => {
    const { kaltura, call } = await setUp();
    const found = await call('list_media_entries', { search_text: 'onboarding', media_type: 'video' });
    expect((found.structuredContent as { entries: Array<{ id: string }> }).entries.map((e) => e.id)).toEqual([
      '1_onboard1',
    ]);
    expect(kaltura.roundTrips[0]![0]!.params.filter).toMatchObject({ freeText: 'onboarding', mediaTypeEqual: 1 });
  });

  it('pages as the original did: the page that holds entry number offset', async () => {
    const { kaltura, call } = await setUp();
    const result = await call('list_media_entries', { limit: 2, offset: 3 });
    expect(result.structuredContent).toMatchObject({ page: 2, pageSize: 2, totalCount: 3 });
    expect(kaltura.roundTrips[0]![0]!.params.pager).toMatchObject({ pageIndex: 2, pageSize: 2 });
  });

  it('asks again by the ids themselves where Kaltura cannot resolve a reference to the whole list (before 2018)', async () => {
    const { kaltura, call } = await setUp({ legacyReferences: true });
    const result = await call('list_media_entries', { limit: 1 });
    expect((result.structuredContent as { entries: Array<{ flavors: unknown[] }> }).entries[0]!.flavors).toHaveLength(
      2,
    );
    expect(kaltura.roundTrips).toHaveLength(2);
    expect(kaltura.roundTrips[1]![0]!.params.filter).toMatchObject({ entryIdIn: '1_onboard1' });
  });

  it('states its bounds, and refuses unknown arguments naming the accepted ones, without asking Kaltura', async () => {
    const { kaltura, call } = await setUp();
    expect(jsonOf(await call('list_media_entries', { limit: 501 }))).toEqual({
      error: 'Invalid limit: must be between 1 and 500',
    });
    const unknown = await call('list_media_entries', { serch_text: 'x' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('unknown argument \\"serch_text\\" (did you mean \\"search_text\\"?)');
    expect(textOf(unknown)).toContain('The accepted arguments are: search_text, media_type, limit, offset.');
    expect(kaltura.roundTrips).toHaveLength(0);
  });
});
