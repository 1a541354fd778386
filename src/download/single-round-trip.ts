/**
 * get_download_url in one Kaltura round trip. A multirequest fetches the entry, its flavors and,
 * speculatively, the URL of each flavor the choice can fall on: the requested one; or the READY
 * original and the first READY flavor, found by filtered lists and `{N:result:...}` references.
 * The choice itself is then made exactly as the sequential strategy makes it, over the full
 * list; a second request is sent only when no speculated URL is the chosen flavor's.
 */
import { DOWNLOADABLE_STATUSES, selectFlavor } from '../flavors.js';
import { unwrap, type KalturaCall, type MultiResult } from '../kaltura/client-manager.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  getFlavorUrl,
  getMediaEntry,
  listFlavorAssets,
} from '../kaltura/requests.js';
import {
  choiceFailure,
  downloadInfo,
  validateDownloadRequest,
  type DownloadAnswer,
  type DownloadRequest,
  type KalturaDoor,
  OPERATION,
} from './answer.js';
import { catchKaltura } from '../answer.js';
import { completeFlavorList } from '../kaltura/flavor-list.js';

/** The statuses Kaltura serves a file for, as a `statusIn` filter. */
const DOWNLOADABLE = DOWNLOADABLE_STATUSES.join(',');
/** flavorParamsId 0 is the source, which Kaltura marks isOriginal. */
const SOURCE_PARAMS_ID = 0;

/** The requests to send, and where in the answer each speculated flavor's URL sits. */
interface Plan {
  calls: KalturaCall[];
  /** The speculated URL result for `flavorId`, if the plan asked for it. */
  urlFor(results: MultiResult[], flavorId: string): MultiResult | undefined;
}

/** Slots 1 and 2 (1-based) are always the entry and its first page of flavors. */
function plan({ entryId, flavorId, fileName }: DownloadRequest): Plan {
  const base = [getMediaEntry(entryId), listFlavorAssets({ entryIdEqual: entryId })];
  if (flavorId) {
    return {
      calls: [...base, getFlavorUrl(flavorId, fileName)],
      urlFor: (results, id) => (id === flavorId ? results[2] : undefined),
    };
  }
  return {
    calls: [
      ...base,
      // 3, 4: the READY original, and its URL.
      listFlavorAssets({ entryIdEqual: entryId, flavorParamsIdEqual: SOURCE_PARAMS_ID, statusIn: DOWNLOADABLE }, 1, 1),
      getFlavorUrl('{3:result:objects:0:id}', fileName),
      // 5, 6: the first READY flavor, and its URL.
      listFlavorAssets({ entryIdEqual: entryId, statusIn: DOWNLOADABLE }, 1, 1),
      getFlavorUrl('{5:result:objects:0:id}', fileName),
    ],
    urlFor: (results, id) => {
      for (const [listSlot, urlSlot] of [
        [2, 3],
        [4, 5],
      ] as const) {
        const list = results[listSlot];
        if (list?.ok && firstId(list.value) === id) return results[urlSlot];
      }
      return undefined;
    },
  };
}

function firstId(listResult: unknown): string | undefined {
  const objects = (listResult as { objects?: Array<{ id?: unknown }> } | null)?.objects;
  const id = Array.isArray(objects) ? objects[0]?.id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** get_download_url with one Kaltura request in the common cases; answers exactly as the sequential strategy. */
export async function getDownloadUrlSingleRoundTrip(
  door: KalturaDoor,
  request: DownloadRequest,
): Promise<DownloadAnswer> {
  const invalid = validateDownloadRequest(request);
  if (invalid) return invalid;
  const { entryId } = request;
  return catchKaltura(OPERATION, { entry_id: entryId }, async () => {
    const { calls, urlFor } = plan(request);
    const results = await door.multi(calls);
    const entry = asMediaEntry(unwrap(results[0]));
    const flavors = await completeFlavorList(door, { entryIdEqual: entryId }, asFlavorPage(unwrap(results[1])));
    const choice = selectFlavor(flavors, request.flavorId);
    if (choice.kind !== 'chosen') return choiceFailure(entryId, choice);
    const speculated = urlFor(results, choice.flavor.id);
    const url = speculated ? unwrap(speculated) : await door.call(getFlavorUrl(choice.flavor.id, request.fileName));
    return { ok: true, data: downloadInfo(entryId, entry, choice.flavor, asDownloadUrl(url)) };
  });
}
