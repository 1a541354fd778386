/**
 * What both of get_download_url's strategies share: the request and answer types, input
 * validation, and the wording of every failure (the original's texts, plus ours).
 */
import { failure, INVALID_ENTRY_ID, type Answer, type Failure } from '../answer.js';
import { numberOrNull, stringOrNull } from '../fields.js';
import { flavorSizeInBytes, flavorStatusName, type FlavorAsset, type FlavorChoice } from '../flavors.js';
import type { MediaEntry } from '../kaltura/requests.js';
import { isValidFileName, validateEntryId, validateFlavorId } from '../validation.js';

export type { KalturaDoor } from '../kaltura/client-manager.js';

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

/** What get_download_url answers. */
export type DownloadAnswer = Answer<DownloadInfo>;

/** The original's `operation` for error objects. */
export const OPERATION = 'get download URL';

/** Checks the arguments before anything reaches Kaltura; returns the failure, or undefined if fine. */
export function validateDownloadRequest(request: DownloadRequest): Failure | undefined {
  if (!validateEntryId(request.entryId)) return INVALID_ENTRY_ID;
  if (request.flavorId && !validateFlavorId(request.flavorId)) return failure({ error: 'Invalid flavor ID format' });
  if (request.fileName !== undefined && !isValidFileName(request.fileName)) {
    return failure({
      error: 'Invalid file name: use 1 to 200 characters, without slashes, backslashes or control characters',
    });
  }
  return undefined;
}

/** Turns a selection that found nothing into its failure. */
export function choiceFailure(entryId: string, choice: Exclude<FlavorChoice, { kind: 'chosen' }>): Failure {
  switch (choice.kind) {
    case 'requested-not-found':
      return failure({ error: `Flavor ID ${choice.flavorId} not found for entry ${entryId}` }, 'compact');
    case 'no-flavors':
      return failure({ error: 'No flavor assets found for this entry' }, 'compact');
    case 'requested-not-ready': {
      const status = flavorStatusName(choice.flavor.status);
      return failure(
        {
          error:
            `Flavor ID ${choice.flavor.id} of entry ${entryId} is not ready for download (status ${status}); ` +
            'try again once it is READY, or omit flavor_id to get the best ready flavor',
          flavorId: choice.flavor.id,
          status,
        },
        'compact',
      );
    }
    case 'none-ready': {
      const statuses = choice.flavors.map((f) => `${f.id}: ${flavorStatusName(f.status)}`);
      return failure(
        {
          error:
            `No flavor of entry ${entryId} is ready for download yet (${statuses.join(', ')}); ` +
            'try again once Kaltura has finished converting it',
        },
        'compact',
      );
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
    entryName: stringOrNull(entry.name),
    flavorId: flavor.id,
    fileSize: flavorSizeInBytes(flavor),
    bitrate: numberOrNull(flavor.bitrate),
    format: stringOrNull(flavor.fileExt),
    downloadUrl,
  };
}
