/**
 * Saving one entry's files as yt-dlp lays out a video's: the media file, its captions beside it
 * (`<stem>.<language code>.<ext>`), its thumbnail (`<stem>.jpg`) and its metadata
 * (`<stem>.info.json`), where the stem is the media file's name without its extension. Every
 * download goes through the caller's `save` (saveToFolder: resume, idempotence, slots); the
 * metadata is written here, atomically, and only when it changed.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captionFormat, captionSummary } from '../captions.js';
import { ToolFailure } from '../failure.js';
import { flavorSummary } from '../flavors.js';
import { numberOrNull, stringOrNull, type CaptionAsset } from '../kaltura/types.js';
import { entryDetails } from '../media.js';
import { utf8Length } from './file-names.js';
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
  /** For a thumbnail: the version its URL names (a later run knows its length while it is the same). */
  version?: string;
}

/** A file to fetch into the folder. */
export interface FileToSave {
  name: string;
  url: string;
  identity: FileIdentity;
  estimatedBytes: number | null;
}

export interface EntryFilesRequest {
  located: LocatedEntry;
  folder: string;
  /** The media file's saved name; the other files are named after its stem. */
  mediaName: string;
  thumbnail: boolean;
  metadata: boolean;
  /** Fetches one file (the caller's saveToFolder, with its signals, slots and progress). */
  save(file: FileToSave): Promise<Saved>;
  /** The thumbnail an earlier run saved (from the manifest): its length is known while its version is the same. */
  previousThumbnail?: { name: string; version?: string; bytes: number };
}

/** What saving an entry's files did: the files, the captions asked for that had none, and the failure that stopped it. */
export interface EntryFilesOutcome {
  files: SavedFile[];
  missing: Array<{ kind: 'caption' | 'thumbnail'; languageCode?: string; reason: string }>;
  failure?: ToolFailure;
}

/** The name without its extension: what the other files are named after. */
export function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
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

/** Each caption's file name: `<stem>.<code>.<ext>`, then `<stem>.<code>-2.<ext>`… for a second track of one language. */
export function captionNames(stem: string, captions: readonly CaptionAsset[]): string[] {
  const seen = new Map<string, number>();
  return captions.map((caption) => {
    const code = languagePart(caption.languageCode);
    const ext = captionFormat(caption) ?? 'txt';
    const n = (seen.get(`${code}.${ext}`) ?? 0) + 1;
    seen.set(`${code}.${ext}`, n);
    return `${stem}.${n === 1 ? code : `${code}-${n}`}.${ext}`;
  });
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

/** Writes `text` as `name` in `folder` unless it holds exactly that already; atomically (a whole file renamed into place). */
async function writeIfChanged(folder: string, name: string, text: string): Promise<boolean> {
  const path = join(folder, name);
  const present = await readFile(path, 'utf8').catch(() => undefined);
  if (present === text) return false;
  const temporary = join(folder, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx', mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return true;
}

/** Saves the entry's media file, then its captions, thumbnail and metadata as asked; stops at the first failure. */
export async function saveEntryFiles(request: EntryFilesRequest): Promise<EntryFilesOutcome> {
  const { located, folder } = request;
  const stem = stemOf(request.mediaName);
  const outcome: EntryFilesOutcome = {
    files: [],
    missing: located.captionsMissing.map(({ caption, reason }) => ({
      kind: 'caption' as const,
      languageCode: stringOrNull(caption.languageCode) ?? undefined,
      reason,
    })),
  };
  const fetched = (kind: FileKind, name: string, saved: Saved, version?: string): SavedFile => ({
    kind,
    name,
    path: saved.path,
    bytes: saved.bytes,
    skipped: saved.skipped,
    resumedFrom: saved.resumedFrom,
    ...(version ? { version } : {}),
  });
  try {
    const media = await request.save({
      name: request.mediaName,
      url: located.info.downloadUrl,
      identity: located.identity,
      estimatedBytes: located.info.fileSize,
    });
    outcome.files.push(fetched('media', request.mediaName, media));
    const names = captionNames(
      stem,
      located.captions.map((c) => c.caption),
    );
    for (const [i, { caption, url }] of located.captions.entries()) {
      const name = names[i]!;
      const size = numberOrNull(caption.size);
      const saved = await request.save({
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
      outcome.files.push(fetched('caption', name, saved));
    }
    if (request.thumbnail) {
      const thumbnail = thumbnailOf(located);
      if (!thumbnail) {
        outcome.missing.push({ kind: 'thumbnail', reason: 'the entry has no thumbnail' });
      } else {
        const name = `${stem}.jpg`;
        const previous = request.previousThumbnail;
        const known = previous?.name === name && previous.version === thumbnail.version ? previous.bytes : null;
        const saved = await request.save({
          name,
          url: thumbnail.url,
          identity: {
            entryId: located.info.entryId,
            flavorId: 'thumbnail',
            version: thumbnail.version ?? null,
            sizeInBytes: known,
            updatedAt: numberOrNull(located.entry.updatedAt),
          },
          estimatedBytes: known,
        });
        outcome.files.push(fetched('thumbnail', name, saved, thumbnail.version));
      }
    }
    if (request.metadata) {
      const name = `${stem}.info.json`;
      const text = metadataOf(located);
      const written = await writeIfChanged(folder, name, text);
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
