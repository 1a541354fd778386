/**
 * Where one entry's file is: the entry, its flavors, the flavor a request chooses and its
 * download URL, in one Kaltura round trip in the common cases. What get_download_url answers
 * and what save_media_file fetches.
 */
import { z } from 'zod';
import { ToolFailure } from '../failure.js';
import { flavorSizeInBytes, selectFlavor, type FlavorChoice, type FlavorRequest } from '../flavors.js';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import type { KalturaRequest } from '../kaltura/connection.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  completeFlavorList,
  flavorListRequest,
  flavorUrlRequest,
  mediaGetRequest,
  unwrap,
  type FlavorFilter,
} from '../kaltura/requests.js';
import {
  DOWNLOADABLE_STATUSES,
  flavorStatusName,
  numberOrNull,
  SOURCE_FLAVOR_PARAMS_ID,
  stringOrNull,
  type FlavorAsset,
  type MediaEntry,
} from '../kaltura/types.js';

/** What to download: the entry, and which flavor (by id or by criteria). */
export interface DownloadRequest extends FlavorRequest {
  entryId: string;
  /** Name for the downloaded file (Kaltura's `options.fileName`). */
  fileName?: string;
}

/** The answer's shape: the original's seven fields, names and units, then the picture's size. */
export const downloadInfoSchema = z.object({
  entryId: z.string().describe('The entry id asked for'),
  entryName: z.string().nullable().describe("The entry's name"),
  flavorId: z.string().describe('The flavor (rendition) whose file the URL serves'),
  fileSize: z.number().nullable().describe('File size in bytes, or null when Kaltura does not know it'),
  bitrate: z.number().nullable().describe('Bitrate in kbps'),
  format: z.string().nullable().describe('File extension, e.g. mp4'),
  downloadUrl: z.string().describe('The download URL; treat it as a credential'),
  width: z.number().nullable().describe('Pixels; 0 or null for audio'),
  height: z.number().nullable().describe('Pixels; 0 or null for audio'),
});

/** Where one entry's chosen file is, and what it is. */
export type DownloadInfo = z.infer<typeof downloadInfoSchema>;

/**
 * Why no flavor could be chosen, as the failure to answer with: the original's texts where it
 * had the case (`bare`, on one line, as it wrote them), ours for the cases it did not see.
 */
export function noChoice(
  entryId: string,
  choice: Exclude<FlavorChoice, { kind: 'chosen' }>,
  request: FlavorRequest = {},
): ToolFailure {
  const bare = (code: string, message: string, details?: Record<string, unknown>) =>
    new ToolFailure(code, message, { style: 'bare', details });
  switch (choice.kind) {
    case 'requested-not-found':
      return bare('FLAVOR_NOT_FOUND', `Flavor ID ${choice.flavorId} not found for entry ${entryId}`);
    case 'no-flavors':
      return bare('NO_FLAVORS', 'No flavor assets found for this entry');
    case 'requested-not-ready': {
      const status = flavorStatusName(choice.flavor.status);
      return bare(
        'FLAVOR_NOT_READY',
        `Flavor ID ${choice.flavor.id} of entry ${entryId} is not ready for download (status ${status}); ` +
          'try again once it is READY, or omit flavor_id to get the best ready flavor',
        { flavorId: choice.flavor.id, status },
      );
    }
    case 'none-ready': {
      const statuses = choice.flavors.map((f) => `${f.id}: ${flavorStatusName(f.status)}`);
      return bare(
        'NO_READY_FLAVOR',
        `No flavor of entry ${entryId} is ready for download yet (${statuses.join(', ')}); ` +
          'try again once Kaltura has finished converting it',
      );
    }
    case 'none-match': {
      const ready = choice.ready.map((f) => ({
        flavorId: f.id,
        height: numberOrNull(f.height),
        format: stringOrNull(f.fileExt),
        bitrate: numberOrNull(f.bitrate),
      }));
      const listed = ready.map(
        (f) => `${f.flavorId} (${f.height ?? '?'}p ${f.format ?? '?'}, ${f.bitrate ?? '?'} kbps)`,
      );
      return bare(
        'NO_MATCHING_FLAVOR',
        `No READY flavor of entry ${entryId} matches ${describeCriteria(request)}; ` +
          `the READY flavors are ${listed.join(', ')}: ask with other criteria, or pass one of them as flavor_id`,
        { readyFlavors: ready },
      );
    }
  }
}

function describeCriteria(request: FlavorRequest): string {
  const parts = [
    `quality ${request.quality ?? 'highest'}`,
    ...(request.maxHeight !== undefined ? [`max_height ${request.maxHeight}`] : []),
    ...(request.format !== undefined ? [`format ${request.format}`] : []),
  ];
  return parts.join(', ');
}

/** The answer's fields from the entry, the chosen flavor and its URL. */
export function downloadInfo(
  entryId: string,
  entry: MediaEntry,
  flavor: FlavorAsset,
  downloadUrl: string,
): DownloadInfo {
  return {
    entryId,
    entryName: stringOrNull(entry.name),
    flavorId: flavor.id,
    fileSize: flavorSizeInBytes(flavor),
    bitrate: numberOrNull(flavor.bitrate),
    format: stringOrNull(flavor.fileExt),
    downloadUrl,
    width: numberOrNull(flavor.width),
    height: numberOrNull(flavor.height),
  };
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
  const base = [mediaGetRequest(entryId), flavorListRequest({ entryIdEqual: entryId })];
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
 * The download URL of the flavor the request chooses, with one Kaltura request in the common
 * cases. The choice is made over the full flavor list, exactly as the plain sequential algorithm
 * makes it; a second request is sent only when no speculated URL is the chosen flavor's.
 * Throws a {@link ToolFailure} when no flavor can be chosen, a KalturaError when Kaltura fails.
 */
export async function findDownloadUrl(door: KalturaDoor, request: DownloadRequest): Promise<DownloadInfo> {
  const { entryId } = request;
  const { requests, urlFor } = plan(request);
  const results = await door.multi(requests);
  const entry = asMediaEntry(unwrap(results[0]));
  const flavors = await completeFlavorList(door, { entryIdEqual: entryId }, asFlavorPage(unwrap(results[1])));
  const choice = selectFlavor(flavors, request);
  if (choice.kind !== 'chosen') throw noChoice(entryId, choice, request);
  const speculated = urlFor(results, choice.flavor.id);
  const url = speculated ? unwrap(speculated) : await door.call(flavorUrlRequest(choice.flavor.id, request.fileName));
  return downloadInfo(entryId, entry, choice.flavor, asDownloadUrl(url, choice.flavor.id));
}
