/**
 * get_download_url's algorithm, the original's steps with its corrections:
 * validate, fetch the entry and all its flavors, choose, ask for the URL.
 */
import { flavorSizeInBytes, flavorStatusName, selectFlavor, type FlavorAsset, type FlavorChoice } from './flavors.js';
import type { KalturaClientManager } from './kaltura/client-manager.js';
import { KalturaError } from './kaltura/errors.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  getFlavorUrl,
  getMediaEntry,
  listFlavorAssets,
  MAX_PAGE_SIZE,
  type MediaEntry,
} from './kaltura/requests.js';
import type { ErrorLayout } from './tools/result.js';
import { validateEntryId, validateFlavorId } from './validation.js';

/** The door to Kaltura as the algorithm sees it. */
export type KalturaDoor = Pick<KalturaClientManager, 'call' | 'multi'>;

/** The tool's arguments after schema validation. */
export interface DownloadRequest {
  entryId: string;
  /** An empty string counts as not given, as in the original. */
  flavorId?: string;
  /** Name for the saved file (Kaltura's `options.fileName`). */
  fileName?: string;
}

/** The answer's seven fields, the original's names and units. */
export interface DownloadInfo {
  [field: string]: unknown;
  entryId: string;
  entryName: string | null;
  flavorId: string;
  /** Bytes (Kaltura's KB × 1024), or null when Kaltura does not know the size. */
  fileSize: number | null;
  /** kbps, as Kaltura gives it. */
  bitrate: number | null;
  format: string | null;
  downloadUrl: string;
}

/** What the tool answers: the info, or an error object and its original layout. */
export type DownloadAnswer =
  { ok: true; info: DownloadInfo } | { ok: false; error: Record<string, unknown>; layout: ErrorLayout };

/** The original's `operation` for error objects. */
export const OPERATION = 'get download URL';

/** Pages fetched at most per entry: 20 × 500 flavors is far past any real entry. */
const MAX_FLAVOR_PAGES = 20;

/** Checks the ids before anything reaches Kaltura; returns the error answer, or undefined if fine. */
export function validateDownloadRequest(request: DownloadRequest): DownloadAnswer | undefined {
  if (!validateEntryId(request.entryId)) {
    return { ok: false, error: { error: 'Invalid entry ID format' }, layout: 'indented' };
  }
  if (request.flavorId && !validateFlavorId(request.flavorId)) {
    return { ok: false, error: { error: 'Invalid flavor ID format' }, layout: 'indented' };
  }
  return undefined;
}

/** The original's error object for a failed Kaltura call (`handle_kaltura_error`). */
export function kalturaFailure(entryId: string, error: KalturaError): DownloadAnswer {
  return {
    ok: false,
    error: {
      error: `Failed to ${OPERATION}: ${error.message}`,
      errorType: error.code,
      operation: OPERATION,
      entry_id: entryId,
    },
    layout: 'indented',
  };
}

/** Turns a selection that found nothing into its error answer. */
export function choiceFailure(entryId: string, choice: Exclude<FlavorChoice, { kind: 'chosen' }>): DownloadAnswer {
  switch (choice.kind) {
    case 'requested-not-found':
      return {
        ok: false,
        error: { error: `Flavor ID ${choice.flavorId} not found for entry ${entryId}` },
        layout: 'compact',
      };
    case 'no-flavors':
      return { ok: false, error: { error: 'No flavor assets found for this entry' }, layout: 'compact' };
    case 'requested-not-ready': {
      const status = flavorStatusName(choice.flavor.status);
      return {
        ok: false,
        error: {
          error:
            `Flavor ID ${choice.flavor.id} of entry ${entryId} is not ready for download (status ${status}); ` +
            'try again once it is READY, or omit flavor_id to get the best ready flavor',
          flavorId: choice.flavor.id,
          status,
        },
        layout: 'compact',
      };
    }
    case 'none-ready': {
      const statuses = choice.flavors.map((f) => `${f.id}: ${flavorStatusName(f.status)}`);
      return {
        ok: false,
        error: {
          error:
            `No flavor of entry ${entryId} is ready for download yet (${statuses.join(', ')}); ` +
            'try again once Kaltura has finished converting it',
        },
        layout: 'compact',
      };
    }
  }
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
    entryName: typeof entry.name === 'string' ? entry.name : null,
    flavorId: flavor.id,
    fileSize: flavorSizeInBytes(flavor),
    bitrate: typeof flavor.bitrate === 'number' ? flavor.bitrate : null,
    format: typeof flavor.fileExt === 'string' ? flavor.fileExt : null,
    downloadUrl,
  };
}

/** Every flavor of the entry, page after page of 500 (the original searched only the first 30). */
export async function listAllFlavors(door: KalturaDoor, entryId: string): Promise<FlavorAsset[]> {
  const flavors: FlavorAsset[] = [];
  for (let page = 1; page <= MAX_FLAVOR_PAGES; page += 1) {
    const result = asFlavorPage(await door.call(listFlavorAssets({ entryIdEqual: entryId }, page)));
    flavors.push(...result.objects);
    if (result.objects.length < MAX_PAGE_SIZE || flavors.length >= result.totalCount) break;
  }
  return flavors;
}

/**
 * The plain algorithm, one Kaltura request after another: `media.get`, `flavorAsset.list`
 * (every page), then `flavorAsset.getUrl` for the chosen flavor.
 */
export async function getDownloadUrlSequential(door: KalturaDoor, request: DownloadRequest): Promise<DownloadAnswer> {
  const invalid = validateDownloadRequest(request);
  if (invalid) return invalid;
  const { entryId } = request;
  try {
    const entry = asMediaEntry(await door.call(getMediaEntry(entryId)));
    const choice = selectFlavor(await listAllFlavors(door, entryId), request.flavorId);
    if (choice.kind !== 'chosen') return choiceFailure(entryId, choice);
    const url = asDownloadUrl(await door.call(getFlavorUrl(choice.flavor.id, request.fileName)));
    return { ok: true, info: downloadInfo(entryId, entry, choice.flavor, url) };
  } catch (error) {
    if (error instanceof KalturaError) return kalturaFailure(entryId, error);
    throw error;
  }
}
