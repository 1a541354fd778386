/**
 * Saving one entry's files as yt-dlp lays out a video's: the media file, its captions beside it
 * (`<stem>.<language code>.<ext>`), its thumbnail (`<stem>.jpg`) and its metadata
 * (`<stem>.info.json`), where the stem is the media file's name without its extension; none of
 * them ever takes the media file's own name. An image's file is its picture: no thumbnail is
 * saved beside it (nor counted missing). Every download goes through the caller's `save` (saveToFolder: resume, idempotence, slots); the
 * metadata is written here, atomically, and only when it changed.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captionFormat, captionSummary } from '../captions.js';
import { ToolFailure } from '../failure.js';
import { flavorSummary } from '../flavors.js';
import { MEDIA_TYPES, numberOrNull, stringOrNull, type CaptionAsset } from '../kaltura/types.js';
import { entryDetails } from '../media.js';
import { missingCaptions } from './entry-files.js';
import { stemOf, utf8Length } from './file-names.js';
import { stillRealFolder } from './folder.js';
import { fileSystemCode, notAPlainFile, writeFailure, type SaveWording } from './save-wording.js';
import type { LocatedEntry } from './locate-many.js';
import type { FileIdentity } from './partial.js';
import type { Saved } from './save.js';

/** What a saved file is. */
export type FileKind = 'media' | 'caption' | 'thumbnail' | 'metadata';

/** One file of an entry, as the answer and the manifest list it. */
export interface SavedFile {
  kind: FileKind;
  /** Its name in the folder. */
  name: string;
  path: string;
  bytes: number;
  /** Already there, whole: nothing was fetched (or, for metadata, written). */
  skipped: boolean;
  /** Bytes kept from an interrupted save and continued. */
  resumedFrom: number;
  /** What Kaltura says a fetched file is (none for the metadata, written here): a later run knows its length while it is the same. */
  identity?: FileIdentity;
}

/** A file to fetch into the folder. */
export interface FileToSave {
  kind: Exclude<FileKind, 'metadata'>;
  name: string;
  url: string;
  identity: FileIdentity;
  estimatedBytes: number | null;
}

export interface EntryFilesRequest {
  located: LocatedEntry;
  folder: string;
  /** How messages name the folder and the caller's way to another name (save-wording.ts). */
  wording: SaveWording;
  /** The media file's saved name; the other files are named after its stem. */
  mediaName: string;
  thumbnail: boolean;
  metadata: boolean;
  /** Fetches one file (the caller's saveToFolder, with its signals, slots and progress). */
  save(file: FileToSave): Promise<Saved>;
}

/** What saving an entry's files did: the files, the captions asked for that had none, and the failure that stopped it. */
export interface EntryFilesOutcome {
  files: SavedFile[];
  missing: Array<{ kind: 'caption' | 'thumbnail'; languageCode?: string; reason: string }>;
  failure?: ToolFailure;
}

/** A language code as part of a file name: lower case, letters, digits and `-`; `und` when there is none. */
function languagePart(code: string | undefined): string {
  return (
    String(code ?? '')
      .toLowerCase()
      .replace(/_/g, '-')
      .replace(/[^a-z0-9-]/g, '')
      .slice(0, 20) || 'und'
  );
}

/** A caption's extension as part of a file name: its format's, else its file's, in letters and digits; `txt` when none. */
function captionExtension(caption: CaptionAsset): string {
  return (
    String(captionFormat(caption) ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 10) || 'txt'
  );
}

/**
 * Each caption's file name: `<stem>.<code>.<ext>`, then `<stem>.<code>-2.<ext>`… for a second
 * track of one language (and for a track that would be named as the metadata, `.info.json`).
 */
export function captionNames(stem: string, captions: readonly CaptionAsset[]): string[] {
  const seen = new Map<string, number>([['info.json', 1]]);
  return captions.map((caption) => {
    const code = languagePart(caption.languageCode);
    const ext = captionExtension(caption);
    const n = (seen.get(`${code}.${ext}`) ?? 0) + 1;
    seen.set(`${code}.${ext}`, n);
    return `${stem}.${n === 1 ? code : `${code}-${n}`}.${ext}`;
  });
}

/** The names of the files beside a media file. */
export interface CompanionNames {
  captions: string[];
  /** Undefined when the media file is itself a JPEG named as its thumbnail would be: it is the picture. */
  thumbnail: string | undefined;
  metadata: string;
}

const sameName = (a: string, b: string) => a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();

/**
 * The names of the files beside the media file `mediaName` (saved with the extension of
 * `format`): each after its stem, the name without that extension. None is ever the media
 * file's own name, not even in another case (the media file's extension holds no dot, a
 * companion's suffix always does, but for the thumbnail's `.jpg`, which is then left out), and
 * no two are the same. Pure.
 */
export function companionNames(
  mediaName: string,
  format: string | null,
  captions: readonly CaptionAsset[],
): CompanionNames {
  const stem = stemOf(mediaName, format);
  const thumbnail = `${stem}.jpg`;
  return {
    captions: captionNames(stem, captions),
    thumbnail: sameName(thumbnail, mediaName) ? undefined : thumbnail,
    metadata: `${stem}.info.json`,
  };
}

/**
 * The thumbnail's URL at the entry's own width (Kaltura's thumbnail API answers 120×90 when no
 * size is given), and the version its URL names.
 */
function thumbnailOf(located: LocatedEntry): { url: string; version?: string } | undefined {
  const base = stringOrNull(located.entry.thumbnailUrl);
  if (!base || !/^https?:\/\//.test(base)) return undefined;
  const width = numberOrNull(located.entry.width);
  const version = /\/version\/([^/?]+)/.exec(base)?.[1];
  const url = width && width > 0 ? `${base.replace(/\/+$/, '')}/width/${width}` : base;
  return { url, ...(version ? { version } : {}) };
}

/** The metadata file's content: the entry as get_media_entry shows it, the chosen file, the captions. No timestamp of the run. */
export function metadataOf(located: LocatedEntry): string {
  const chosen = located.flavors.find((f) => f.id === located.info.flavorId);
  return `${JSON.stringify(
    {
      ...entryDetails(located.entry, located.flavors, located.allCaptions),
      chosen: chosen
        ? flavorSummary(chosen)
        : { flavorId: null, format: located.info.format, fileSize: located.info.fileSize },
      savedCaptions: located.captions.map(({ caption }) => captionSummary(caption)),
    },
    null,
    2,
  )}\n`;
}

/**
 * Writes the entry's metadata `text` as `name` in `folder` unless it holds exactly that already;
 * atomically (a whole file renamed into place, nothing left when it cannot be written). An older
 * metadata file of the same entry is brought up to date (as yt-dlp rewrites its `.info.json`);
 * anything else at the name (another file, a symlink, a folder) is left alone and refused.
 * Throws a {@link ToolFailure}: FILE_EXISTS, UNSAFE_FILE_NAME, or INSUFFICIENT_SPACE and the
 * like when it cannot be written.
 */
async function writeMetadata(
  folder: string,
  wording: SaveWording,
  name: string,
  entryId: string,
  text: string,
): Promise<boolean> {
  const path = join(folder, name);
  const stats = await lstat(path).catch(() => undefined);
  if (stats && !stats.isFile()) throw notAPlainFile(wording, name);
  if (stats) {
    // Metadata of ours is a few KiB: a file far larger is someone else's, and is not read.
    const present = stats.size <= MAX_METADATA_BYTES ? await readFile(path, 'utf8').catch(() => undefined) : undefined;
    if (present === text) return false;
    if (!isMetadataOf(present, text, entryId)) {
      throw new ToolFailure(
        'FILE_EXISTS',
        `"${name}" already exists in ${wording.place} and is not the metadata this server writes for entry ${entryId}. Files are never overwritten: to keep both, ${wording.otherName}; to replace it, remove it and call again`,
      );
    }
  }
  const temporary = join(folder, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await stillRealFolder(folder);
    await writeFile(temporary, text, { flag: 'wx', mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    const code = fileSystemCode(error);
    throw code ? writeFailure(wording.place, name, code, 0) : error;
  }
  return true;
}

/** The largest file taken for metadata of ours (an entry with thousands of flavors and captions stays well under). */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/**
 * Whether `present` is metadata this server wrote for `entryId`: the same entry, and key for key
 * the shape of `written` (what it writes now). A file with a key of its own (a user's notes
 * added to it) is not, and is kept.
 */
function isMetadataOf(present: string | undefined, written: string, entryId: string): boolean {
  try {
    const parsed = JSON.parse(present ?? '') as Record<string, unknown> | null;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || parsed.id !== entryId) return false;
    const keys = (object: object) => Object.keys(object).sort().join('\n');
    return keys(parsed) === keys(JSON.parse(written) as object);
  } catch {
    return false;
  }
}

/** Saves the entry's media file, then its captions, thumbnail and metadata as asked; stops at the first failure. */
export async function saveEntryFiles(request: EntryFilesRequest): Promise<EntryFilesOutcome> {
  const { located, folder } = request;
  const names = companionNames(
    request.mediaName,
    located.info.format,
    located.captions.map((c) => c.caption),
  );
  const outcome: EntryFilesOutcome = {
    files: [],
    missing: missingCaptions(located.captionsMissing),
  };
  const fetch = async (file: FileToSave): Promise<void> => {
    const saved = await request.save(file);
    outcome.files.push({
      kind: file.kind,
      name: file.name,
      path: saved.path,
      bytes: saved.bytes,
      skipped: saved.skipped,
      resumedFrom: saved.resumedFrom,
      identity: file.identity,
    });
  };
  try {
    await fetch({
      kind: 'media',
      name: request.mediaName,
      url: located.info.downloadUrl,
      identity: located.identity,
      estimatedBytes: located.info.fileSize,
    });
    for (const [i, { caption, url }] of located.captions.entries()) {
      const name = names.captions[i]!;
      const size = numberOrNull(caption.size);
      await fetch({
        kind: 'caption',
        name,
        url,
        identity: {
          entryId: located.info.entryId,
          flavorId: caption.id,
          version: caption.version === undefined ? null : String(caption.version),
          // A caption keeps its size in bytes: its exact length.
          sizeInBytes: size && size > 0 ? size : null,
          updatedAt: numberOrNull(caption.updatedAt),
        },
        estimatedBytes: size,
      });
    }
    // An image's file is its picture: a thumbnail beside it would only be a smaller copy.
    const picture = located.entry.mediaType === MEDIA_TYPES.image || names.thumbnail === undefined;
    if (request.thumbnail && picture) {
      // Said, so that a thumbnail asked for and not saved is never a mystery.
      outcome.missing.push({ kind: 'thumbnail', reason: 'the entry is an image: its saved file is its own picture' });
    }
    if (request.thumbnail && !picture) {
      const thumbnail = thumbnailOf(located);
      if (!thumbnail) {
        outcome.missing.push({ kind: 'thumbnail', reason: 'the entry has no thumbnail' });
      } else {
        await fetch({
          kind: 'thumbnail',
          name: names.thumbnail!,
          url: thumbnail.url,
          // Kaltura keeps no length for a thumbnail: a run knows it from the manifest, or from a HEAD.
          identity: {
            entryId: located.info.entryId,
            flavorId: 'thumbnail',
            version: thumbnail.version ?? null,
            sizeInBytes: null,
            updatedAt: numberOrNull(located.entry.updatedAt),
          },
          estimatedBytes: null,
        });
      }
    }
    if (request.metadata) {
      const name = names.metadata;
      const text = metadataOf(located);
      const written = await writeMetadata(folder, request.wording, name, located.entry.id, text);
      outcome.files.push({
        kind: 'metadata',
        name,
        path: join(folder, name),
        bytes: utf8Length(text),
        skipped: !written,
        resumedFrom: 0,
      });
    }
  } catch (error) {
    if (!(error instanceof ToolFailure)) throw error;
    outcome.failure = error;
  }
  return outcome;
}
