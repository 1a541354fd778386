/**
 * What a save's refusals say: the folder named as the user set it up (KALTURA_DOWNLOAD_DIR, or
 * a subfolder of it, never a full path), what the name being taken most likely holds, and what
 * to do in the calling tool's own arguments. Pure.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { ToolFailure } from '../failure.js';

/** How a save's messages speak of its folder and of the caller's ways out. */
export interface SaveWording {
  /** The folder, e.g. `KALTURA_DOWNLOAD_DIR` or `the subfolder "Biology 101" of KALTURA_DOWNLOAD_DIR`. */
  place: string;
  /** How the caller saves a file under another name with its own arguments, e.g. `give this one another file_name`. */
  otherName: string;
}

/** `folder` (a real path inside `root`, the download folder) as messages name it: never a full path. */
export function placeOf(root: string, folder: string): string {
  const inside = relative(root, folder);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return 'KALTURA_DOWNLOAD_DIR';
  return `the subfolder "${inside.split(sep).join('/')}" of KALTURA_DOWNLOAD_DIR`;
}

/** What the name holds when it is not the file to save. */
export interface TakenName {
  name: string;
  /** The length of the file that is there. */
  size: number;
  /** The length of the file to save, when anyone knows it. */
  length: number | undefined;
  /** What the file there most likely is (another rendition of the entry…), when the caller can tell. */
  takenBy?: string;
  /** The bytes were compared, and differ. */
  otherBytes?: boolean;
}

/** FILE_EXISTS: the name holds another file, which is never overwritten. */
export function fileExists(wording: SaveWording, taken: TakenName): ToolFailure {
  const { name, size, length, takenBy, otherBytes } = taken;
  const what =
    otherBytes && (length === undefined || length === size)
      ? `"${name}" already exists in ${wording.place} with ${length === size ? `the same length (${size} bytes) but ` : `${size} bytes, and `}other bytes than the file to save`
      : length === undefined
        ? `"${name}" already exists in ${wording.place} (${size} bytes), and the file's server does not say how long the file to save is, so the two cannot be compared`
        : `"${name}" already exists in ${wording.place} with another length (${size} bytes; the file to save has ${length})`;
  return new ToolFailure(
    'FILE_EXISTS',
    `${what}${takenBy ? `: ${takenBy}` : ''}. Files are never overwritten: to keep both, ${wording.otherName}; to replace it, remove it and call again`,
  );
}

/** UNSAFE_FILE_NAME: the name holds a symlink, a folder or a device, which is never written through. */
export function notAPlainFile(wording: SaveWording, name: string): ToolFailure {
  return new ToolFailure(
    'UNSAFE_FILE_NAME',
    `"${name}" in ${wording.place} is not a plain file (a symlink or a folder) and is never written through or replaced: remove it, or ${wording.otherName}`,
  );
}

/**
 * What a file at an entry's own default name (`<name> [<entry id>].<ext>`) most likely is when it
 * is not the file to save: `choices` names the arguments that choose another rendition.
 */
export function namedAfterEntry(entryId: string, choices: string): string {
  return `by its name, it is most likely another rendition of entry ${entryId} (saved with another ${choices}) or an earlier version of its file`;
}

/** What an errno code means, in words, and what fixes it. */
const ERRNO: Record<string, { words: string; fix: string }> = {
  ENOSPC: { words: 'no space left on the disk', fix: 'make room on the disk' },
  EDQUOT: { words: 'the disk quota is used up', fix: 'make room within the disk quota' },
  EFBIG: { words: 'the file is larger than this system allows', fix: 'choose a smaller flavor' },
  EROFS: { words: 'the file system is read-only', fix: 'make the folder writable' },
  EACCES: { words: 'permission denied', fix: 'make the folder writable' },
  EPERM: { words: 'operation not permitted', fix: 'make the folder writable' },
  EIO: { words: 'an input/output error of the disk', fix: 'check the disk' },
  EMFILE: { words: 'too many open files', fix: 'try again shortly' },
  ENFILE: { words: 'too many open files on this system', fix: 'try again shortly' },
  ENAMETOOLONG: { words: 'the name is too long for this file system', fix: 'choose a shorter name' },
  EISDIR: { words: 'a folder is where a file should be', fix: 'remove the folder' },
  ENOTDIR: { words: 'a file is where a folder should be', fix: 'remove the file' },
  ELOOP: { words: 'a symlink is in the way', fix: 'remove the symlink, or put back the folder it replaced' },
  ENOENT: { words: 'the folder is gone', fix: 'create the folder again' },
};

/** The errno code of a file system failure this module words, or undefined (a network failure, a bug). */
export function fileSystemCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code && ERRNO[code] ? code : undefined;
}

/** An errno code and its meaning, e.g. `ENOSPC: no space left on the disk`. */
export const errnoWords = (code: string): string => (ERRNO[code] ? `${code}: ${ERRNO[code].words}` : code);

/** What fixes a failure of `code`, e.g. `make room on the disk`. */
export const errnoFix = (code: string): string => ERRNO[code]?.fix ?? 'check the folder';

/** Whether `code` says the disk (or the user's quota on it) is full. */
export const isFullDisk = (code: string | undefined): boolean => code === 'ENOSPC' || code === 'EDQUOT';

/** What was kept of `name`, and what to do next. */
function keptAndNext(name: string, kept: number, fix: string): string {
  return kept > 0
    ? `the ${kept} bytes of "${name}" saved so far are kept: ${fix}, then call again to continue`
    : `nothing of "${name}" was kept: ${fix}, then call again`;
}

/**
 * The failure of writing `name` in `place` with the file system's `code`: INSUFFICIENT_SPACE
 * for a full disk, SAVE_FAILED otherwise; `kept` is how many bytes of it are on disk (those
 * truly there, for the next save to continue from).
 */
export function writeFailure(place: string, name: string, code: string, kept: number): ToolFailure {
  if (code === 'ELOOP') {
    // The folder (or the part) became a symlink: nothing there is touched, nothing claimed about it.
    return new ToolFailure(
      'SAVE_FAILED',
      `"${name}" was not written in ${place} (${errnoWords(code)}): ${errnoFix(code)}, then call again`,
    );
  }
  if (isFullDisk(code)) {
    return new ToolFailure(
      'INSUFFICIENT_SPACE',
      `there is no room left in ${place} (${errnoWords(code)}): ${keptAndNext(name, kept, errnoFix(code))}`,
    );
  }
  return new ToolFailure(
    'SAVE_FAILED',
    `"${name}" could not be written in ${place} (${errnoWords(code)}): ${keptAndNext(name, kept, errnoFix(code))}`,
  );
}

/** The `manifestError` of save_media_files' answer: the manifest could not be written, why, and what to do. */
export function manifestNotWritten(place: string, manifestName: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'I/O error';
  return `the manifest, ${manifestName} in ${place}, could not be written (${errnoWords(code)}), so it does not list what this call did: ${errnoFix(code)}, then call again (whole files are skipped) to bring it up to date`;
}
