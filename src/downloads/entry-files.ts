/**
 * An entry's file, as the download tools answer with it: the answer's fields (the original's
 * seven, the picture's size, the captions), what Kaltura says the file is (for saving and
 * resuming it), the failures when no flavor can be chosen, and an entry's own file (an image's,
 * a document's) found with a HEAD of its raw URL.
 */
import { z } from 'zod';
import { captionFormat } from '../captions.js';
import { ToolFailure } from '../failure.js';
import { exactSizeInBytes, flavorSizeInBytes, type FlavorChoice, type FlavorRequest } from '../flavors.js';
import { dieError } from '../kaltura/errors.js';
import {
  EntryType,
  flavorStatusName,
  MEDIA_TYPES,
  numberOrNull,
  stringOrNull,
  type CaptionAsset,
  type FlavorAsset,
  type MediaEntry,
} from '../kaltura/types.js';
import { SERVER_INFO } from '../package-info.js';
import { openFile } from './fetch-file.js';
import type { FileIdentity } from './partial.js';

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
  captions: z
    .array(
      z.object({
        language: z.string().nullable(),
        languageCode: z.string().nullable(),
        label: z.string().nullable(),
        format: z.string().nullable().describe('srt, vtt or dfxp'),
        url: z.string().describe("The caption file's URL; treat it as a credential"),
      }),
    )
    .optional()
    .describe('With the captions argument: the READY captions asked for, each with its URL'),
  missing: z
    .array(z.object({ kind: z.string(), languageCode: z.string().optional(), reason: z.string() }))
    .optional()
    .describe(
      'With the captions argument: each caption asked for that has no URL here, and why (none in that language, not ready yet)',
    ),
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

/** The `captions` of an answer: each located caption's language, label, format and URL. */
export function captionLinks(
  captions: ReadonlyArray<{ caption: CaptionAsset; url: string }>,
): DownloadInfo['captions'] {
  return captions.map(({ caption, url }) => ({
    language: stringOrNull(caption.language),
    languageCode: stringOrNull(caption.languageCode),
    label: stringOrNull(caption.label),
    format: captionFormat(caption),
    url,
  }));
}

/** The captions asked for that have no URL, as answers list them (`missing`): kind, language code, why. */
export function missingCaptions(
  missing: ReadonlyArray<{ caption?: CaptionAsset; languageCode?: string; reason: string }>,
): Array<{ kind: 'caption'; languageCode?: string; reason: string }> {
  return missing.map(({ caption, languageCode, reason }) => ({
    kind: 'caption' as const,
    languageCode: (caption ? stringOrNull(caption.languageCode) : languageCode) ?? undefined,
    reason,
  }));
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
        // An audio flavor has no height (Kaltura says 0): its format alone.
        (f) => `${f.flavorId} (${f.height ? `${f.height}p ` : ''}${f.format ?? '?'}, ${f.bitrate ?? '?'} kbps)`,
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
