/**
 * What both of get_download_url's strategies share: the request and answer types, input
 * validation, and the wording of every failure (the original's texts, plus ours).
 */
import { flavorSizeInBytes, flavorStatusName, type FlavorAsset, type FlavorChoice } from '../flavors.js';
import type { KalturaClientManager } from '../kaltura/client-manager.js';
import { KalturaError } from '../kaltura/errors.js';
import type { MediaEntry } from '../kaltura/requests.js';
import type { ErrorLayout } from '../tools/result.js';
import { validateEntryId, validateFlavorId } from '../validation.js';

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

/** An error that is not Kaltura's: a bug here. Worded without its details, which go to the log. */
export function internalFailure(entryId: string): DownloadAnswer {
  return kalturaFailure(
    entryId,
    new KalturaError(
      'INTERNAL_ERROR',
      'internal error in the server (details are in its log); try again, and report it if it persists',
    ),
  );
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
