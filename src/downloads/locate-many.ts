/**
 * Where many entries' files are, each chosen by the same rules as {@link findDownloadUrl}, in
 * two Kaltura requests for up to 50 entries of up to 10 flavors each: every entry and all their
 * flavors in one multirequest, then every chosen flavor's URL in another. One bad entry never
 * fails the others.
 */
import { ToolFailure } from '../failure.js';
import { flavorsByEntry, selectFlavor, type FlavorRequest } from '../flavors.js';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import { KalturaDied, KalturaError } from '../kaltura/errors.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  baseEntryGetRequest,
  completeFlavorList,
  flavorListRequest,
  flavorUrlRequest,
  unwrap,
} from '../kaltura/requests.js';
import type { FlavorAsset, MediaEntry } from '../kaltura/types.js';
import { flavorFile, noChoice, ownFile, servesOwnFile, type LocatedFile, type LocateOptions } from './locate.js';

/** One entry's outcome: where its file is, or why there is none (a failure of this entry alone). */
export type Located = ({ ok: true } & LocatedFile) | { ok: false; failure: ToolFailure };

/** HEAD requests at once for entries' own files (images, documents). */
const HEADS_AT_ONCE = 4;

/**
 * The URLs of `flavorIds` in one multirequest. When one entry's own settings (its access control)
 * make Kaltura "die", which loses every slot, halves until that entry is alone; a die about the
 * session or the partner would only repeat in every half, so it fails the call.
 */
async function flavorUrls(door: KalturaDoor, flavorIds: string[]): Promise<MultiResult[]> {
  if (flavorIds.length === 0) return [];
  try {
    return await door.multi(flavorIds.map((id) => flavorUrlRequest(id)));
  } catch (error) {
    if (!(error instanceof KalturaDied) || !error.aboutOneEntry) throw error;
    if (flavorIds.length === 1) return [{ ok: false, error }];
    const half = Math.ceil(flavorIds.length / 2);
    return [...(await flavorUrls(door, flavorIds.slice(0, half))), ...(await flavorUrls(door, flavorIds.slice(half)))];
  }
}

/** A failure about one entry (Kaltura's, or a refusal), as that entry's failure; anything else is thrown on. */
function entryFailure(error: unknown): ToolFailure {
  if (error instanceof ToolFailure) return error;
  if (error instanceof KalturaError) return new ToolFailure(error.code, error.message);
  throw error;
}

/**
 * Each of `entryIds` (distinct, valid ids) located by `criteria`, in the order given. Throws only
 * for a failure of the whole call (the session, the network).
 */
export async function findDownloadUrls(
  door: KalturaDoor,
  entryIds: string[],
  criteria: FlavorRequest,
  options: LocateOptions,
): Promise<Located[]> {
  const results: Located[] = [];
  if (entryIds.length === 0) return results;
  const chosen: Array<{ at: number; entry: MediaEntry; flavor: FlavorAsset }> = [];
  const ownFiles: Array<{ at: number; entry: MediaEntry }> = [];
  const filter = { entryIdIn: entryIds.join(',') };
  const answers = await door.multi([...entryIds.map(baseEntryGetRequest), flavorListRequest(filter)]);
  const flavors = flavorsByEntry(await completeFlavorList(door, filter, asFlavorPage(unwrap(answers.at(-1)))));
  entryIds.forEach((entryId, at) => {
    try {
      const entry = asMediaEntry(unwrap(answers[at]));
      const listed = flavors.get(entryId) ?? [];
      if (listed.length === 0 && servesOwnFile(entry)) return void ownFiles.push({ at, entry });
      const choice = selectFlavor(listed, criteria);
      if (choice.kind === 'chosen') return void chosen.push({ at, entry, flavor: choice.flavor });
      results[at] = { ok: false, failure: noChoice(entryId, choice, criteria) };
    } catch (error) {
      results[at] = { ok: false, failure: entryFailure(error) };
    }
  });
  const urls = await flavorUrls(
    door,
    chosen.map((c) => c.flavor.id),
  );
  chosen.forEach(({ at, entry, flavor }, k) => {
    const entryId = entryIds[at]!;
    try {
      results[at] = { ok: true, ...flavorFile(entryId, entry, flavor, asDownloadUrl(unwrap(urls[k]), flavor.id)) };
    } catch (error) {
      results[at] = { ok: false, failure: entryFailure(error) };
    }
  });
  for (let i = 0; i < ownFiles.length; i += HEADS_AT_ONCE) {
    await Promise.all(
      ownFiles.slice(i, i + HEADS_AT_ONCE).map(async ({ at, entry }) => {
        try {
          results[at] = { ok: true, ...(await ownFile(entry, criteria, options)) };
        } catch (error) {
          results[at] = { ok: false, failure: entryFailure(error) };
        }
      }),
    );
  }
  return results;
}
