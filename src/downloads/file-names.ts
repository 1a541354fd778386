/**
 * The names files are saved under. Pure. A saved name is a visible, portable name of one folder:
 * - nothing that leaves the folder: no `/` or `\`, not `.` or `..`;
 * - nothing hidden or disguised: no leading dot (`.bashrc`, `.zshenv` would be shell start-up
 *   files in a home folder), no control character, no bidi control or other invisible format
 *   character (`evil\u202Egpj.exe` shows as `evilexe.jpg`);
 * - nothing Windows cannot hold: `< > : " | ? *`, a leading space, a trailing dot or space, a
 *   device name (`NUL.txt`: the part before the first dot is what Windows reads);
 * - at most {@link MAX_NAME_BYTES} bytes of UTF-8 (file systems count bytes, 255 at most, and the
 *   partial file adds a few), cut between characters as a reader sees them, never inside one;
 * - it ends in the file's own extension, added when missing (`clip` → `clip.mp4`,
 *   `clip.exe` → `clip.exe.mp4`), so what the name promises is what the file is.
 */
import { ToolFailure } from '../failure.js';

/** The longest name saved, in bytes of UTF-8. */
export const MAX_NAME_BYTES = 200;

/**
 * Characters no saved name holds: controls (Cc), invisible format characters (Cf: bidi controls,
 * zero-width joiners and spaces, the BOM, soft hyphen…), line and paragraph separators, lone
 * surrogates.
 */
const INVISIBLE_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** The zero-width joiner inside an emoji sequence (👩‍💻): part of the picture, not hiding anything. */
const EMOJI_JOINER =
  /(?<=\p{Extended_Pictographic}(?:[\u{1F3FB}-\u{1F3FF}]|\uFE0F)?)\u200D(?=\p{Extended_Pictographic})/gu;
const EMOJI_JOINER_MARK = '\u{F0000}';

/** Whether `text` holds a character no saved name holds (an emoji's own joiner aside). */
function hasInvisible(text: string): boolean {
  return /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u.test(text.replace(EMOJI_JOINER, ''));
}

/** `text` with every character no saved name holds replaced by `_` (an emoji's own joiner kept). */
function replaceInvisible(text: string): string {
  return text
    .replace(EMOJI_JOINER, EMOJI_JOINER_MARK)
    .replace(INVISIBLE_ALL, '_')
    .replaceAll(EMOJI_JOINER_MARK, '\u200D');
}
/** Characters that cannot be in a Windows file name (and would not survive a copy to one). */
const NOT_PORTABLE_CHARACTERS = /[<>:"|?*]/;
/**
 * Windows' device names: a name is one when the part before its first dot, trailing spaces
 * aside, is CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM0-9 or LPT0-9 (¹ ² ³ too), in any case.
 */
const DEVICE_NAME = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *(\..*)?$/i;

/** Whether Windows reads `name` as a device, not a file (`NUL.txt`, `com1 .mp4`). */
export const isDeviceName = (name: string): boolean => DEVICE_NAME.test(name);

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The UTF-8 length of `text`. */
export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/** `text` cut to at most `maxBytes` bytes of UTF-8, between grapheme clusters (an emoji stays whole). */
export function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = utf8Length(segment);
    if (bytes + size > maxBytes) break;
    out += segment;
    bytes += size;
  }
  return out;
}

/**
 * Why `name` is not a visible name of one folder (empty, a path, hidden, with a control or
 * invisible character), or undefined when it is. What a `file_name` argument must be.
 */
export function visibleNameProblem(name: string): string | undefined {
  if (name.trim() === '' || name === '.' || name === '..') return 'it is empty, or is . or ..';
  if (/[/\\]/.test(name)) return 'it has a path separator (/ or \\)';
  if (hasInvisible(name)) return 'it has a control, bidi or invisible character';
  if (name.startsWith('.')) return 'it starts with a dot (a hidden file)';
  return undefined;
}

/** Why `name` cannot be a saved name as it is, or undefined when it can (its length aside). */
export function nameProblem(name: string): string | undefined {
  const invisible = visibleNameProblem(name);
  if (invisible) return invisible;
  if (NOT_PORTABLE_CHARACTERS.test(name)) return 'it has a character Windows does not allow (< > : " | ? *)';
  if (name.startsWith(' ')) return 'it starts with a space';
  if (/[. ]$/.test(name)) return 'it ends with a dot or a space';
  if (isDeviceName(name)) return 'it is a device name (CON, NUL, COM1, …)';
  return undefined;
}

/**
 * Why `name` cannot be a subfolder's name, or undefined when it can: what a saved name may not
 * be, or longer than {@link MAX_NAME_BYTES} bytes of UTF-8 (a folder's name is never cut: it
 * names a place the user chose).
 */
export function folderNameProblem(name: string): string | undefined {
  const problem = nameProblem(name);
  if (problem) return problem;
  const bytes = utf8Length(name);
  return bytes > MAX_NAME_BYTES ? `it is ${bytes} bytes long in UTF-8, more than ${MAX_NAME_BYTES}` : undefined;
}

/** Splits `name` into its stem and `.ext` (an extension is what follows the last dot, if the stem is not empty). */
function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/**
 * The name a call gave, made the saved name: refused (UNSAFE_FILE_NAME, saying why) when it is not
 * a visible, portable name; else ending in `.<extension>` (added when it ends in another), cut to
 * {@link MAX_NAME_BYTES} bytes with the extension kept.
 */
export function savedName(given: string, extension: string | null): string {
  const problem = nameProblem(given);
  if (problem) {
    throw new ToolFailure(
      'UNSAFE_FILE_NAME',
      `the file name cannot be used: ${problem}; give a plain, visible file name such as "lecture-1.mp4"`,
    );
  }
  return withExtension(given, extension);
}

/**
 * An extension as the end of a saved name: `.<ext>`, portable and without a dot inside
 * (`tar.gz` → `.tar_gz`), so that a companion's suffix (`.en.srt`, `.info.json`) is never
 * a media file's extension; '' for none.
 */
function extensionPart(extension: string | null): string {
  const ext = extension ? portableText(extension).replace(/\./g, '_') : '';
  return ext ? `.${ext}` : '';
}

/**
 * The name without the extension {@link savedName} or {@link nameFromText} gave it (`clip` of
 * `clip.mp4` and of `clip.MP4`); the whole name when it has none. What companions are named after.
 */
export function stemOf(name: string, extension: string | null): string {
  const ext = extensionPart(extension);
  return ext && name.length > ext.length && name.toLowerCase().endsWith(ext.toLowerCase())
    ? name.slice(0, -ext.length)
    : name;
}

/** `name` ending in `.<extension>` and cut to {@link MAX_NAME_BYTES} bytes, the extension kept. */
function withExtension(name: string, extension: string | null): string {
  const ext = extensionPart(extension);
  const full = ext && !name.toLowerCase().endsWith(ext.toLowerCase()) ? `${name}${ext}` : name;
  if (utf8Length(full) <= MAX_NAME_BYTES) return full;
  const [stem, kept] = ext ? [full.slice(0, -ext.length), ext] : splitExtension(full);
  // The stem is cut, then cleaned of what a cut can leave at its end (a space, a dot).
  const cut = cutToBytes(stem, MAX_NAME_BYTES - utf8Length(kept)).replace(/[. ]+$/, '');
  return `${cut || '_'}${kept}`;
}

/**
 * Free text (an entry's name) as part of a file name: every character no file system takes, or
 * that hides, becomes `_`; runs of spaces become one; leading and trailing dots and spaces go.
 */
export function portableText(text: string): string {
  return replaceInvisible(text)
    .replace(/[/\\<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[. ]+|[. ]+$/g, '');
}

/**
 * A saved name made from free text (an entry's name) and an id, as yt-dlp makes one:
 * `<text> [<id>].<ext>`, the text cut so the whole fits in `maxBytes` bytes of UTF-8; the id
 * alone when the text has nothing usable. Never refused: whatever the text holds is made
 * portable, and a text that would make a Windows device name gets a leading `_`.
 */
export function nameFromText(
  text: string | null,
  id: string,
  extension: string | null,
  maxBytes = MAX_NAME_BYTES,
): string {
  const idPart = ` [${id}]`;
  const ext = extensionPart(extension);
  const budget = maxBytes - utf8Length(idPart) - utf8Length(ext);
  const base = cutToBytes(portableText(text ?? ''), budget).replace(/[. ]+$/, '');
  if (!base) return `${id}${ext}`;
  // A title such as "NUL.txt" would make a device name of the whole: Windows reads up to the first dot.
  const name = `${base}${idPart}${ext}`;
  return isDeviceName(name) ? `_${cutToBytes(base, budget - 1).replace(/[. ]+$/, '')}${idPart}${ext}` : name;
}

/** Bytes an entry's file name leaves for its longest companion's suffix (`.info.json`, `.pt-br-2.dfxp`). */
const COMPANION_SUFFIX_BYTES = 24;

/**
 * The name both save tools give an entry's file unless told otherwise: `<entry name> [<entry
 * id>].<ext>`, at most {@link MAX_NAME_BYTES} − 24 bytes, leaving room for its companions' suffixes.
 */
export function entryFileName(entryName: string | null, entryId: string, format: string | null): string {
  return nameFromText(entryName, entryId, format, MAX_NAME_BYTES - COMPANION_SUFFIX_BYTES);
}
