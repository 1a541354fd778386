/**
 * Where one entry's file is: the entry (any type, through `baseEntry.get`), its flavors, the
 * flavor a request chooses and its download URL, in one Kaltura round trip in the common cases;
 * or, for an image or a document without flavors, the entry's own file. What get_download_url
 * answers and what save_media_file fetches.
 */
import { z } from 'zod';
import { ToolFailure } from '../failure.js';
import {
  exactSizeInBytes,
  flavorSizeInBytes,
  selectFlavor,
  type FlavorChoice,
  type FlavorRequest,
} from '../flavors.js';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import type { KalturaRequest } from '../kaltura/connection.js';
import { dieError } from '../kaltura/errors.js';
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
import {
  DOWNLOADABLE_STATUSES,
  EntryType,
  flavorStatusName,
  MEDIA_TYPES,
  numberOrNull,
  SOURCE_FLAVOR_PARAMS_ID,
  stringOrNull,
  type FlavorAsset,
  type MediaEntry,
} from '../kaltura/types.js';
import { SERVER_INFO } from '../package-info.js';
import { openFile } from './fetch-file.js';
import type { FileIdentity } from './partial.js';

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
  flavorId: z
    .string()
    .nullable()
    .describe("The flavor (rendition) whose file the URL serves; null for an image's or document's own file"),
  fileSize: z
    .number()
    .nullable()
    .describe(
      'File size in bytes: exact when Kaltura records it, else an estimate from its size in KB; null when unknown',
    ),
  bitrate: z.number().nullable().describe('Bitrate in kbps'),
  format: z.string().nullable().describe('File extension, e.g. mp4'),
  downloadUrl: z.string().describe('The download URL; treat it as a credential'),
  width: z.number().nullable().describe('Pixels; 0 or null for audio'),
  height: z.number().nullable().describe('Pixels; 0 or null for audio'),
});

/** Where one entry's chosen file is, and what it is. */
export type DownloadInfo = z.infer<typeof downloadInfoSchema>;

/** A located file: the answer's fields, and what Kaltura says the file is (for saving and resuming it). */
export interface LocatedFile {
  info: DownloadInfo;
  identity: FileIdentity;
}

/** What locating may do besides asking Kaltura: look at an entry's own file with a HEAD. */
export interface LocateOptions {
  signal?: AbortSignal;
  /** Longest wait for the file's server, milliseconds. */
  idleTimeoutMs: number;
}

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

/** The located file of the entry's chosen flavor and its URL. */
export function flavorFile(entryId: string, entry: MediaEntry, flavor: FlavorAsset, downloadUrl: string): LocatedFile {
  return {
    info: {
      entryId,
      entryName: stringOrNull(entry.name),
      flavorId: flavor.id,
      fileSize: flavorSizeInBytes(flavor),
      bitrate: numberOrNull(flavor.bitrate),
      format: stringOrNull(flavor.fileExt),
      downloadUrl,
      width: numberOrNull(flavor.width),
      height: numberOrNull(flavor.height),
    },
    identity: {
      entryId,
      flavorId: flavor.id,
      version: flavor.version === undefined ? null : String(flavor.version),
      sizeInBytes: exactSizeInBytes(flavor),
      updatedAt: numberOrNull(flavor.updatedAt),
    },
  };
}

/**
 * Whether Kaltura serves the entry's own file, without any flavor, at its `downloadUrl` (the
 * `raw` form): images, documents and data entries. A video or audio entry's `downloadUrl` is a
 * playback manifest, never its file.
 */
export function servesOwnFile(entry: MediaEntry): boolean {
  if (typeof entry.downloadUrl !== 'string' || !/^https?:\/\//.test(entry.downloadUrl)) return false;
  if (entry.type === EntryType.DOCUMENT || entry.type === EntryType.DATA) return true;
  return (entry.type === undefined || entry.type === EntryType.MEDIA_CLIP) && entry.mediaType === MEDIA_TYPES.image;
}

/** File extensions by the MIME type a server names, where the type's own name is not one. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/svg+xml': 'svg',
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/zip': 'zip',
  'text/plain': 'txt',
  'audio/mpeg': 'mp3',
  'video/quicktime': 'mov',
};

/** The file's extension as its server names it: the `Content-Disposition` name's, else by `Content-Type`. */
export function servedFormat(headers: Record<string, string | string[] | undefined>): string | null {
  const disposition = String(headers['content-disposition'] ?? '');
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const fromName = name && /\.([A-Za-z0-9]{1,10})$/.exec(decodeURIComponent(name))?.[1];
  if (fromName) return fromName.toLowerCase();
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (EXTENSIONS[type]) return EXTENSIONS[type];
  const subtype = /^(?:image|video|audio)\/([a-z0-9]{1,10})$/.exec(type)?.[1];
  return subtype ?? null;
}

/**
 * The entry's own file (an image, a document, a data entry's), at its raw `downloadUrl`: its
 * format and length from a HEAD of that URL (unknown when the HEAD fails). Kaltura's refusal to
 * serve it (its "die" headers) is the failure.
 */
export async function ownFile(entry: MediaEntry, request: FlavorRequest, options: LocateOptions): Promise<LocatedFile> {
  const url = entry.downloadUrl as string;
  let format: string | null = null;
  let length: number | null = null;
  try {
    const head = await openFile({
      url,
      method: 'HEAD',
      signal: options.signal ?? new AbortController().signal,
      idleTimeoutMs: options.idleTimeoutMs,
      userAgent: `${SERVER_INFO.name}/${SERVER_INFO.version}`,
    });
    head.body.resume();
    const died = dieError(head.headers);
    if (died) throw new ToolFailure(died.code, died.message);
    if (head.status === 200) {
      format = servedFormat(head.headers);
      length = head.length ?? null;
    }
  } catch (error) {
    if (error instanceof ToolFailure || options.signal?.aborted) throw error;
  }
  if (request.format !== undefined && format !== null && request.format.toLowerCase() !== format) {
    throw new ToolFailure(
      'NO_MATCHING_FLAVOR',
      `Entry ${entry.id} has one file, a ${format}, which does not match format ${request.format}: ask without format`,
      { style: 'bare' },
    );
  }
  const version = entry.version;
  return {
    info: {
      entryId: entry.id,
      entryName: stringOrNull(entry.name),
      flavorId: null,
      fileSize: length,
      bitrate: null,
      format,
      downloadUrl: url,
      width: numberOrNull(entry.width),
      height: numberOrNull(entry.height),
    },
    identity: {
      entryId: entry.id,
      flavorId: null,
      version: typeof version === 'string' || typeof version === 'number' ? String(version) : null,
      sizeInBytes: length,
      updatedAt: numberOrNull(entry.updatedAt),
    },
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
  options: LocateOptions,
): Promise<LocatedFile> {
  const { entryId } = request;
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
