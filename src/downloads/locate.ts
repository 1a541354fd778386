/**
 * Where one entry's file is: the entry (any type, through `baseEntry.get`), its flavors, the
 * flavor a request chooses and its download URL, in one Kaltura round trip in the common cases;
 * or, for an image or a document without flavors, the entry's own file. What get_download_url
 * answers and what save_media_file fetches.
 */
import type { CaptionRequest } from '../captions.js';
import { selectFlavor, type FlavorRequest } from '../flavors.js';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import type { KalturaRequest } from '../kaltura/connection.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  baseEntryGetRequest,
  completeFlavorList,
  flavorListRequest,
  flavorUrlRequest,
  unwrap,
  type FlavorFilter,
} from '../kaltura/requests.js';
import { DOWNLOADABLE_STATUSES, SOURCE_FLAVOR_PARAMS_ID } from '../kaltura/types.js';
import {
  captionLinks,
  missingCaptions,
  flavorFile,
  noChoice,
  ownFile,
  servesOwnFile,
  type LocatedFile,
  type LocateOptions,
} from './entry-files.js';
import { findDownloadUrls } from './locate-many.js';

/** What to download: the entry, and which flavor (by id or by criteria). */
export interface DownloadRequest extends FlavorRequest {
  entryId: string;
  /** Name for the downloaded file (Kaltura's `options.fileName`). */
  fileName?: string;
}

/** The statuses Kaltura serves a file for, as a `statusIn` filter. */
const DOWNLOADABLE = DOWNLOADABLE_STATUSES.join(',');

/**
 * The flavors the choice is likely to fall on, each as a one-item filtered list whose first id a
 * `{N:result:objects:0:id}` reference can hand to getUrl in the same round trip. Nothing is
 * guessed for a format or a height: Kaltura cannot filter by them.
 */
function likelyChoices({ entryId, quality, maxHeight, format }: DownloadRequest): FlavorFilter[] {
  if (maxHeight !== undefined || format !== undefined) return [];
  const ready = { entryIdEqual: entryId, statusIn: DOWNLOADABLE };
  const original = { ...ready, flavorParamsIdEqual: SOURCE_FLAVOR_PARAMS_ID };
  switch (quality) {
    case undefined:
      return [original, ready];
    case 'original':
      return [original];
    // The largest file is almost always the highest rendition, the smallest the lowest.
    case 'highest':
      return [{ ...ready, orderBy: '-size' }];
    case 'lowest':
      return [{ ...ready, orderBy: '+size' }];
  }
}

/** The requests to send, and where in the answer each speculated flavor's URL sits. */
interface Plan {
  requests: KalturaRequest[];
  /** The speculated URL result for `flavorId`, if the plan asked for it. */
  urlFor(results: MultiResult[], flavorId: string): MultiResult | undefined;
}

/**
 * One multirequest that fetches the entry, its flavors and, speculatively, the URL of each
 * flavor the choice can fall on: the requested one, or the likely choices. Slots 1 and 2
 * (1-based) are always the entry and its first page of flavors; then a list and a URL for each
 * likely choice.
 */
function plan(request: DownloadRequest): Plan {
  const { entryId, flavorId, fileName } = request;
  const base = [baseEntryGetRequest(entryId), flavorListRequest({ entryIdEqual: entryId })];
  if (flavorId) {
    return {
      requests: [...base, flavorUrlRequest(flavorId, fileName)],
      urlFor: (results, id) => (id === flavorId ? results[2] : undefined),
    };
  }
  const likely = likelyChoices(request);
  return {
    requests: [
      ...base,
      ...likely.flatMap((filter, i) => [
        flavorListRequest(filter, 1, 1),
        flavorUrlRequest(`{${3 + 2 * i}:result:objects:0:id}`, fileName),
      ]),
    ],
    urlFor: (results, id) => {
      for (let i = 0; i < likely.length; i += 1) {
        const list = results[2 + 2 * i];
        if (list?.ok && firstId(list.value) === id) return results[3 + 2 * i];
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

/**
 * The download URL of the file the request chooses, with one Kaltura request in the common
 * cases: the flavor chosen over the full flavor list, exactly as the plain sequential algorithm
 * chooses it (a second request is sent only when no speculated URL is the chosen flavor's); or,
 * for an entry without flavors that Kaltura serves itself (an image), its own file.
 * Throws a {@link ToolFailure} when nothing can be chosen, a KalturaError when Kaltura fails.
 */
export async function findDownloadUrl(
  door: KalturaDoor,
  request: DownloadRequest,
  options: LocateOptions & { captions?: CaptionRequest },
): Promise<LocatedFile> {
  const { entryId } = request;
  // With captions, the batch's two steps: the listing (entry, flavors, captions), then every URL.
  if (options.captions) {
    const [one] = await findDownloadUrls(door, [entryId], {
      ...options,
      criteria: request,
      fileName: request.fileName,
    });
    if (!one?.ok) throw one?.failure ?? new Error('no answer for the entry');
    const missing = missingCaptions(one.captionsMissing);
    return {
      info: { ...one.info, captions: captionLinks(one.captions), ...(missing.length ? { missing } : {}) },
      identity: one.identity,
    };
  }
  const { requests, urlFor } = plan(request);
  const results = await door.multi(requests);
  const entry = asMediaEntry(unwrap(results[0]));
  const flavors = await completeFlavorList(door, { entryIdEqual: entryId }, asFlavorPage(unwrap(results[1])));
  if (flavors.length === 0 && !request.flavorId && servesOwnFile(entry)) return ownFile(entry, request, options);
  const choice = selectFlavor(flavors, request);
  if (choice.kind !== 'chosen') throw noChoice(entryId, choice, request);
  const speculated = urlFor(results, choice.flavor.id);
  const url = speculated ? unwrap(speculated) : await door.call(flavorUrlRequest(choice.flavor.id, request.fileName));
  return flavorFile(entryId, entry, choice.flavor, asDownloadUrl(url, choice.flavor.id));
}
