/**
 * get_download_url: the original's name, description and arguments, answered in one Kaltura
 * round trip in the common cases, with `isError` on failure and `structuredContent` on success.
 */
import { z } from 'zod';
import { flavorSizeInBytes, selectFlavor, type FlavorChoice, type FlavorRequest, type Quality } from '../flavors.js';
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
import { entryIdSchema, FLAVOR_OR_QUALITY, flavorIdSchema, qualityArguments } from './arguments.js';
import { defineTool, READ_ONLY } from './tool.js';
import { failure, type Answer, type Failure } from './tool-call.js';

/** The original's description, word for word, then what it left unsaid. */
export const ORIGINAL_DESCRIPTION =
  "Get direct DOWNLOAD link for video files. USE WHEN: User needs to download/save video locally, export for editing, backup content, share downloadable link. RETURNS: Time-limited secure URL for downloading. EXAMPLE: 'Download video 1_abc123', 'Get mp4 file for editing'. Different from streaming - this is for saving files.";
const DESCRIPTION = `${ORIGINAL_DESCRIPTION} Serves audio entries too. The URL expires when Kaltura's delivery adds an access token (the account sets how long); treat it as a credential. A flavor not yet READY answers an error naming its status: choose another, or try later.`;

const FILE_NAME_RULE = 'Invalid file name: use 1 to 200 characters, without slashes, backslashes or control characters';

/**
 * A name for the downloaded file: empty counts as not given; otherwise 1 to 200 characters, no
 * path separator, no control character, not blank, not `.` or `..`.
 */
export const fileNameSchema = z
  .string()
  .max(200, FILE_NAME_RULE)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^(?:|(?!\.{1,2}$)(?=[\s\S]*\S)[^/\\\u0000-\u001f\u007f]+)$/, FILE_NAME_RULE);

/** flavor_id names one flavor; quality, max_height and format choose one: not both. */
export function oneWayToChoose(args: { flavor_id?: string; quality?: string; max_height?: number; format?: string }) {
  return !(
    args.flavor_id &&
    (args.quality !== undefined || args.max_height !== undefined || args.format !== undefined)
  );
}

const input = z
  .strictObject({
    entry_id: entryIdSchema.describe("Video to download (format: '1_abc123')"),
    flavor_id: flavorIdSchema
      .optional()
      .describe(
        'Optional: Choose specific quality/format. Leave empty for default. Use list_media_entries to see available flavors.',
      ),
    // Ours: the original had no way to name the saved file, or to choose by quality.
    file_name: fileNameSchema
      .optional()
      .describe(
        "Optional: name for the downloaded file (e.g. 'lecture-1.mp4'), up to 200 characters, no slashes. Leave empty for Kaltura's default name.",
      ),
    ...qualityArguments,
  })
  .refine(oneWayToChoose, FLAVOR_OR_QUALITY);

const output = z.object({
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

/** The answer: the original's seven fields, names and units, then the picture's size. */
export type DownloadInfo = z.infer<typeof output>;

/** The answer's schema, for the tools that answer with it too. */
export const downloadInfoSchema = output;

/** What to download: the entry, and which flavor (by id or by criteria), with empty strings as not given. */
export interface DownloadRequest extends FlavorRequest {
  entryId: string;
  /** Name for the saved file (Kaltura's `options.fileName`). */
  fileName?: string;
}

/** The request from a tool's arguments. */
export function downloadRequest(args: {
  entry_id: string;
  flavor_id?: string;
  file_name?: string;
  quality?: Quality;
  max_height?: number;
  format?: string;
}): DownloadRequest {
  // Empty strings count as not given, as the original treats flavor_id.
  return {
    entryId: args.entry_id,
    flavorId: args.flavor_id || undefined,
    fileName: args.file_name || undefined,
    quality: args.quality,
    maxHeight: args.max_height,
    format: args.format,
  };
}

/** Turns a selection that found nothing into its failure (the original's texts, and ours). */
export function choiceFailure(
  entryId: string,
  choice: Exclude<FlavorChoice, { kind: 'chosen' }>,
  request: FlavorRequest = {},
): Failure {
  switch (choice.kind) {
    case 'requested-not-found':
      return failure(
        { error: `Flavor ID ${choice.flavorId} not found for entry ${entryId}` },
        'compact',
        'FLAVOR_NOT_FOUND',
      );
    case 'no-flavors':
      return failure({ error: 'No flavor assets found for this entry' }, 'compact', 'NO_FLAVORS');
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
        'FLAVOR_NOT_READY',
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
        'NO_READY_FLAVOR',
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
      return failure(
        {
          error:
            `No READY flavor of entry ${entryId} matches ${describeCriteria(request)}; ` +
            `the READY flavors are ${listed.join(', ')}: ask with other criteria, or pass one of them as flavor_id`,
          readyFlavors: ready,
        },
        'compact',
        'NO_MATCHING_FLAVOR',
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
 */
export async function findDownloadUrl(door: KalturaDoor, request: DownloadRequest): Promise<Answer<DownloadInfo>> {
  const { entryId } = request;
  const { requests, urlFor } = plan(request);
  const results = await door.multi(requests);
  const entry = asMediaEntry(unwrap(results[0]));
  const flavors = await completeFlavorList(door, { entryIdEqual: entryId }, asFlavorPage(unwrap(results[1])));
  const choice = selectFlavor(flavors, request);
  if (choice.kind !== 'chosen') return choiceFailure(entryId, choice, request);
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
  run: (door, args) => findDownloadUrl(door, downloadRequest(args)),
});
