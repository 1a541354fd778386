/**
 * get_download_urls when Kaltura "dies" on the URLs: it looks for the one entry whose own
 * settings caused it, and gives up at once on a die about the session or the partner (which
 * would repeat in every half). In-process, over a scripted door.
 */
import { describe, expect, it } from 'vitest';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import { dieError, KalturaError } from '../kaltura/errors.js';
import { getDownloadUrlsTool } from '../tools/get-download-urls.js';

const IDS = Array.from({ length: 16 }, (_, i) => `1_entry${String(i).padStart(2, '0')}`);

/** A door whose first multirequest finds every entry with one READY flavor, and whose URL requests die with `dieCode` when they include a flavor of `dying`. */
function scriptedDoor(dieCode: string, dying: (flavorIndex: number) => boolean) {
  let multis = 0;
  const door: KalturaDoor = {
    call: () => Promise.reject(new Error('not expected')),
    multi: async (requests) => {
      multis += 1;
      if (multis === 1) {
        const entries: MultiResult[] = IDS.map((id) => ({ ok: true, value: { id, name: id } }));
        const flavors = IDS.map((id, i) => ({
          id: `${id}f`,
          entryId: id,
          status: 2,
          isOriginal: true,
          flavorIndex: i,
        }));
        return [...entries, { ok: true, value: { objects: flavors, totalCount: flavors.length } }];
      }
      // Each URL request is a builder; which flavors it asks for is told by its position in the batch.
      const asked = requests.map((build) => {
        let id = '';
        build({ services: { flavorAsset: { getUrl: (flavorId: string) => ((id = flavorId), {}) } } } as never);
        return IDS.indexOf(id.slice(0, -1));
      });
      if (asked.some(dying)) {
        throw dieError({ 'x-kaltura': `error-${dieCode}`, 'x-kaltura-app': `exiting on error ${dieCode} - test` });
      }
      return asked.map((i) => ({ ok: true, value: `https://cdn.example/${IDS[i]}` }));
    },
  };
  return { door, multis: () => multis };
}

const run = (door: KalturaDoor) =>
  getDownloadUrlsTool.run(door, { entry_ids: IDS }, { requestTimeoutMs: 1000, saveSlots: { run: (task) => task() } });

describe('get_download_urls and the die answer', () => {
  it('finds the one entry whose access control made Kaltura die, and answers the others', async () => {
    const { door, multis } = scriptedDoor('3', (i) => i === 11);
    const { results } = (await run(door)) as { results: Array<{ ok: boolean; errorType?: string }> };
    expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ errorType: 'ACCESS_CONTROL_RESTRICTED' })]);
    expect(results[11]!.ok).toBe(false);
    // 1 entries request, 1 failed URL request, then halves down to the entry: a handful, not one per entry.
    expect(multis()).toBeLessThanOrEqual(2 + 2 * Math.ceil(Math.log2(IDS.length)));
  });

  it('gives up at once on a die about the partner, which every half would repeat', async () => {
    const { door, multis } = scriptedDoor('30', () => true);
    await expect(run(door)).rejects.toBeInstanceOf(KalturaError);
    expect(multis()).toBe(2);
  });
});
