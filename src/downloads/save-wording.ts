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
}

/** FILE_EXISTS: the name holds another file, which is never overwritten. */
export function fileExists(wording: SaveWording, taken: TakenName): ToolFailure {
  const { name, size, length, takenBy } = taken;
  const what =
    length === undefined
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
