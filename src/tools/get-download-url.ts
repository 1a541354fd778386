/**
 * get_download_url: the original's name, description and arguments, answered in one Kaltura
 * round trip in the common cases, with `isError` on failure and `structuredContent` on success.
 */
import { z } from 'zod';
import { flavorSizeInBytes, selectFlavor, type FlavorChoice } from '../flavors.js';
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
import { entryIdSchema, flavorIdSchema } from './arguments.js';
import { defineTool, READ_ONLY } from './tool.js';
import { failure, type Answer, type Failure } from './tool-call.js';

/** The original's description, word for word, then what it left unsaid. */
export const ORIGINAL_DESCRIPTION =
  "Get direct DOWNLOAD link for video files. USE WHEN: User needs to download/save video locally, export for editing, backup content, share downloadable link. RETURNS: Time-limited secure URL for downloading. EXAMPLE: 'Download video 1_abc123', 'Get mp4 file for editing'. Different from streaming - this is for saving files.";
const DESCRIPTION = `${ORIGINAL_DESCRIPTION} Serves audio entries too. The URL expires when Kaltura's delivery adds an access token (the account sets how long); treat it as a credential. A flavor not yet READY answers an error naming its status: choose another, or try later.`;

const FILE_NAME_RULE = 'Invalid file name: use 1 to 200 characters, without slashes, backslashes or control characters';

const input = z.strictObject({
  entry_id: entryIdSchema.describe("Video to download (format: '1_abc123')"),
  flavor_id: flavorIdSchema
    .optional()
    .describe(
      'Optional: Choose specific quality/format. Leave empty for default. Use list_media_entries to see available flavors.',
    ),
  // Ours: the original had no way to name the saved file. Empty counts as not given; otherwise
  // 1 to 200 characters, no path separator, no control character, not blank, not `.` or `..`.
  file_name: z
    .string()
    .max(200, FILE_NAME_RULE)
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    .regex(/^(?:|(?!\.{1,2}$)(?=[\s\S]*\S)[^/\\\u0000-\u001f\u007f]+)$/, FILE_NAME_RULE)
    .optional()
    .describe(
      "Optional: name for the downloaded file (e.g. 'lecture-1.mp4'), up to 200 characters, no slashes. Leave empty for Kaltura's default name.",
    ),
});

const output = z.object({
  entryId: z.string().describe('The entry id asked for'),
  entryName: z.string().nullable().describe("The entry's name"),
  flavorId: z.string().describe('The flavor (rendition) whose file the URL serves'),
  fileSize: z.number().nullable().describe('File size in bytes, or null when Kaltura does not know it'),
  bitrate: z.number().nullable().describe('Bitrate in kbps'),
  format: z.string().nullable().describe('File extension, e.g. mp4'),
  downloadUrl: z.string().describe('The download URL; treat it as a credential'),
});

/** The answer's seven fields, the original's names and units. */
export type DownloadInfo = z.infer<typeof output>;

/** What to download: the arguments after validation, empty strings as not given. */
export interface DownloadRequest {
  entryId: string;
  flavorId?: string;
  /** Name for the saved file (Kaltura's `options.fileName`). */
  fileName?: string;
}

/** Turns a selection that found nothing into its failure (the original's texts, and ours). */
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

/** The statuses Kaltura serves a file for, as a `statusIn` filter. */
const DOWNLOADABLE = DOWNLOADABLE_STATUSES.join(',');

/** The requests to send, and where in the answer each speculated flavor's URL sits. */
interface Plan {
  requests: KalturaRequest[];
  /** The speculated URL result for `flavorId`, if the plan asked for it. */
  urlFor(results: MultiResult[], flavorId: string): MultiResult | undefined;
}

/**
 * One multirequest that fetches the entry, its flavors and, speculatively, the URL of each
 * flavor the choice can fall on: the requested one; or the READY original and the first READY
 * flavor, found by filtered lists and `{N:result:...}` references. Slots 1 and 2 (1-based) are
 * always the entry and its first page of flavors.
 */
function plan({ entryId, flavorId, fileName }: DownloadRequest): Plan {
  const base = [mediaGetRequest(entryId), flavorListRequest({ entryIdEqual: entryId })];
  if (flavorId) {
    return {
      requests: [...base, flavorUrlRequest(flavorId, fileName)],
      urlFor: (results, id) => (id === flavorId ? results[2] : undefined),
    };
  }
  const ready = { entryIdEqual: entryId, statusIn: DOWNLOADABLE };
  return {
    requests: [
      ...base,
      // 3, 4: the READY original, and its URL.
      flavorListRequest({ ...ready, flavorParamsIdEqual: SOURCE_FLAVOR_PARAMS_ID }, 1, 1),
      flavorUrlRequest('{3:result:objects:0:id}', fileName),
      // 5, 6: the first READY flavor, and its URL.
      flavorListRequest(ready, 1, 1),
      flavorUrlRequest('{5:result:objects:0:id}', fileName),
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

/**
 * The download URL of the flavor the original's rules (made READY-aware) choose, with one
 * Kaltura request in the common cases. The choice is made over the full flavor list, exactly
 * as the plain sequential algorithm makes it; a second request is sent only when no
 * speculated URL is the chosen flavor's.
 */
export async function findDownloadUrl(door: KalturaDoor, request: DownloadRequest): Promise<Answer<DownloadInfo>> {
  const { entryId } = request;
  const { requests, urlFor } = plan(request);
  const results = await door.multi(requests);
  const entry = asMediaEntry(unwrap(results[0]));
  const flavors = await completeFlavorList(door, { entryIdEqual: entryId }, asFlavorPage(unwrap(results[1])));
  const choice = selectFlavor(flavors, request.flavorId);
  if (choice.kind !== 'chosen') return choiceFailure(entryId, choice);
  const speculated = urlFor(results, choice.flavor.id);
  const url = speculated ? unwrap(speculated) : await door.call(flavorUrlRequest(choice.flavor.id, request.fileName));
  return { ok: true, data: downloadInfo(entryId, entry, choice.flavor, asDownloadUrl(url, choice.flavor.id)) };
}

export const getDownloadUrlTool = defineTool({
  name: 'get_download_url',
  title: 'Get download URL',
  description: DESCRIPTION,
  input,
  output,
  annotations: READ_ONLY,
  operation: 'get download URL',
  errorContext: ({ entry_id }) => ({ entry_id }),
  // Empty strings count as not given, as the original treats flavor_id.
  run: (door, { entry_id, flavor_id, file_name }) =>
    findDownloadUrl(door, { entryId: entry_id, flavorId: flavor_id || undefined, fileName: file_name || undefined }),
});
