/**
 * get_download_urls, its rules run in-process over a fake Kaltura (test/helpers/fake-kaltura.ts).
 * How it finds the one entry that makes Kaltura "die" is src/downloads/locate-many.test.ts; the
 * end-to-end proof against the sandbox is test/quality-and-batch.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fakeKaltura, type FakeEntry } from '../../test/helpers/fake-kaltura.js';
import { jsonOf, toolClient } from '../../test/helpers/tool-harness.js';

/** Thirty lectures, each with a 1080p original and a 720p and a 360p mp4. */
const LECTURES: FakeEntry[] = Array.from({ length: 30 }, (_, i) => {
  const id = `1_lect${String(i).padStart(4, '0')}`;
  return {
    id,
    name: `Lecture ${i}`,
    flavors: [
      { id: `${id}s`, isOriginal: true, height: 1080, fileExt: 'mov', size: 900_000 },
      { id: `${id}h`, height: 720, fileExt: 'mp4', size: 80_000 },
      { id: `${id}l`, height: 360, fileExt: 'mp4', size: 20_000 },
    ],
  };
});
const CONVERTING: FakeEntry = { id: '1_convert1', flavors: [{ id: '1_convsrc', isOriginal: true, status: 1 }] };

async function setUp() {
  const kaltura = fakeKaltura([...LECTURES, CONVERTING]);
  return { kaltura, ...(await toolClient(kaltura.door)) };
}

type Results = { results: Array<Record<string, unknown>> };

describe('get_download_urls', () => {
  it('answers thirty entries in two round trips, in the order asked, each chosen by the same criteria', async () => {
    const { kaltura, call } = await setUp();
    const ids = LECTURES.map((e) => e.id).reverse();
    const result = await call('get_download_urls', { entry_ids: ids, max_height: 720, format: 'mp4' });
    const { results } = result.structuredContent as Results;
    expect(results.map((r) => r.entry_id)).toEqual(ids);
    expect(results.every((r) => r.ok === true && r.height === 720 && r.format === 'mp4')).toBe(true);
    expect(results[0]).toMatchObject({ entry_id: ids[0], entryId: ids[0], flavorId: `${ids[0]}h` });
    // Every entry and all their flavors, then every chosen flavor's URL.
    expect(kaltura.roundTrips).toHaveLength(2);
  });

  it('fails only the entries that fail, each saying why', async () => {
    const { call } = await setUp();
    const result = await call('get_download_urls', {
      entry_ids: ['1_lect0001', '1_missing1', 'not-an-id', '1_convert1'],
    });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as Results).results).toEqual([
      expect.objectContaining({ entry_id: '1_lect0001', ok: true, flavorId: '1_lect0001s' }),
      { entry_id: '1_missing1', ok: false, error: 'Entry id "1_missing1" not found', errorType: 'ENTRY_ID_NOT_FOUND' },
      { entry_id: 'not-an-id', ok: false, error: 'Invalid entry ID format', errorType: 'INVALID_ENTRY_ID' },
      {
        entry_id: '1_convert1',
        ok: false,
        error:
          'No flavor of entry 1_convert1 is ready for download yet (1_convsrc: CONVERTING); try again once Kaltura has finished converting it',
        errorType: 'NO_READY_FLAVOR',
      },
    ]);
  });

  it('takes 1 to 50 distinct ids, and says so', async () => {
    const { kaltura, call } = await setUp();
    const rule = { error: 'Invalid entry_ids: give 1 to 50 entry ids, each at most once' };
    expect(jsonOf(await call('get_download_urls', { entry_ids: [] }))).toEqual(rule);
    expect(jsonOf(await call('get_download_urls', { entry_ids: ['1_lect0001', '1_lect0001'] }))).toEqual(rule);
    const tooMany = Array.from({ length: 51 }, (_, i) => `1_x${i}`);
    expect(jsonOf(await call('get_download_urls', { entry_ids: tooMany }))).toEqual(rule);
    expect(kaltura.roundTrips).toHaveLength(0);
  });
});
