/**
 * Argument schemas more than one tool takes, each with its rules and the error text a broken
 * rule answers with (the original's texts, where it had the argument).
 */
import { z } from 'zod';
import { visibleNameProblem } from '../downloads/file-names.js';
import type { DownloadRequest } from '../downloads/locate.js';
import { normalLanguageCode, type CaptionRequest } from '../captions.js';
import type { Quality } from '../flavors.js';

/** Kaltura object ids look like `1_abc123`: a data-centre number, an underscore, alphanumerics. */
const KALTURA_ID_PATTERN = /^[0-9]+_[a-zA-Z0-9]+$/;
/** The original's bounds on an id's length (its shortest possible form is 3 characters). */
const MAX_ID_LENGTH = 50;

/** The original's answer to a malformed entry id. */
export const INVALID_ENTRY_ID = 'Invalid entry ID format';

/**
 * An entry id, by the original's rule (`validate_entry_id`): the whole string matches
 * `^[0-9]+_[a-zA-Z0-9]+$` and is 3 to 50 characters long.
 */
export const entryIdSchema = z
  .string()
  .max(MAX_ID_LENGTH, INVALID_ENTRY_ID)
  .regex(KALTURA_ID_PATTERN, INVALID_ENTRY_ID);

/**
 * An optional flavor id: the entry id's shape (the original never checked it; we do), or an
 * empty string, which counts as not given.
 */
export const flavorIdSchema = z
  .string()
  .max(MAX_ID_LENGTH, 'Invalid flavor ID format')
  .regex(/^(?:[0-9]+_[a-zA-Z0-9]+)?$/, 'Invalid flavor ID format');

/** The rendition by quality: the arguments get_download_url, get_download_urls and save_media_file share. */
export const qualityArguments = {
  quality: z
    .enum(['original', 'highest', 'lowest'])
    .optional()
    .describe(
      "Optional: 'original' (the uploaded file), 'highest' or 'lowest' (by height, then bitrate, then size). Only READY flavors count. Default: 'highest' when max_height or format is given, else the original if it is ready, else the first ready flavor.",
    ),
  max_height: z
    .number()
    .int()
    .min(1, 'Invalid max_height: must be a whole number of pixels from 1 to 100000')
    .max(100000, 'Invalid max_height: must be a whole number of pixels from 1 to 100000')
    .optional()
    .describe('Optional: only flavors at most this many pixels high (e.g. 720); audio-only flavors do not count'),
  format: z
    .string()
    .max(10, "Invalid format: a file extension such as 'mp4' or 'm4a'")
    .regex(/^[A-Za-z0-9]+$/, "Invalid format: a file extension such as 'mp4' or 'm4a'")
    .optional()
    .describe("Optional: file extension, e.g. 'mp4', 'mov', 'm4a', 'mp3' (case does not matter)"),
};

/** The refusal when a call names a flavor and also asks for one by quality. */
export const FLAVOR_OR_QUALITY =
  'Choose either flavor_id or quality/max_height/format, not both: flavor_id already names one flavor';

const FILE_NAME_RULE =
  'Invalid file name: use a visible name of 1 to 200 characters, not starting with a dot, without slashes, backslashes, control or invisible characters';

/**
 * A name for the downloaded file: empty counts as not given; otherwise a visible name of one
 * folder (downloads/file-names.ts): 1 to 200 characters, no path separator, not hidden (no
 * leading dot), no control, bidi or invisible character, not blank, not `.` or `..`. The
 * pattern says what a pattern can (and compiles in RE2, without lookaround); the rest is checked
 * here, with the same text.
 */
export const fileNameSchema = z
  .string()
  .max(200, FILE_NAME_RULE)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point (\x, which RE2 reads too)
  .regex(/^[^/\\\x00-\x1f\x7f]*$/, FILE_NAME_RULE)
  .refine((name) => name === '' || visibleNameProblem(name) === undefined, FILE_NAME_RULE);

/** flavor_id names one flavor; quality, max_height and format choose one: not both. */
export function oneWayToChoose(args: { flavor_id?: string; quality?: string; max_height?: number; format?: string }) {
  return !(
    args.flavor_id &&
    (args.quality !== undefined || args.max_height !== undefined || args.format !== undefined)
  );
}

/** The download a tool's arguments ask for; empty strings count as not given, as the original treats flavor_id. */
export function downloadRequest(args: {
  entry_id: string;
  flavor_id?: string;
  file_name?: string;
  quality?: Quality;
  max_height?: number;
  format?: string;
}): DownloadRequest {
  return {
    entryId: args.entry_id,
    flavorId: args.flavor_id || undefined,
    fileName: args.file_name || undefined,
    quality: args.quality,
    maxHeight: args.max_height,
    format: args.format,
  };
}

const CAPTIONS_RULE =
  "Invalid captions: give language codes such as ['en', 'es'] (each at most once), or ['all'] for every caption";

/** Which captions to add: language codes (`en`, `pt-br`), or `['all']`. */
export const captionsSchema = z
  .array(
    z
      .string()
      .max(20, CAPTIONS_RULE)
      .regex(/^(?:all|[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)$/, CAPTIONS_RULE),
  )
  .min(1, CAPTIONS_RULE)
  .max(50, CAPTIONS_RULE)
  .refine((codes) => new Set(codes.map(normalLanguageCode)).size === codes.length, CAPTIONS_RULE)
  .refine((codes) => !codes.map(normalLanguageCode).includes('all') || codes.length === 1, CAPTIONS_RULE)
  .describe(
    "Optional: the captions (subtitles) to add, by language code, e.g. ['en', 'es'], or ['all']; get_media_entry lists an entry's captions",
  );

/** The captions a `captions` argument asks for, or undefined when it asks for none. */
export function captionRequest(codes: string[] | undefined): CaptionRequest | undefined {
  if (!codes) return undefined;
  const normal = codes.map(normalLanguageCode);
  if (normal.includes('all')) return { all: true };
  return { all: false, languages: normal };
}

/** Longest search text accepted; Kaltura's free-text search needs no more. */
const MAX_SEARCH_TEXT = 1000;

/** A search, as list_media_entries and save_media_files take it (the original's arguments). */
export const searchArguments = {
  search_text: z
    .string()
    .max(MAX_SEARCH_TEXT, `Invalid search_text: at most ${MAX_SEARCH_TEXT} characters`)
    .optional()
    .describe('Optional: words to look for in names, descriptions and tags'),
  media_type: z
    .enum(['video', 'audio', 'image'])
    .optional()
    .describe("Optional: only 'video', 'audio' or 'image' entries"),
};
