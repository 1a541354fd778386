/**
 * Input rules shared by every tool. Pure: no I/O, never throws.
 */

/** Kaltura object ids look like `1_abc123`: a data-centre number, an underscore, alphanumerics. */
const KALTURA_ID_PATTERN = /^[0-9]+_[a-zA-Z0-9]+$/;
const MIN_ID_LENGTH = 3;
const MAX_ID_LENGTH = 50;

/**
 * True when `value` is a string that can be a Kaltura entry or flavor id: the original's rule,
 * the whole string matching `^[0-9]+_[a-zA-Z0-9]+$` and 3 to 50 characters long.
 */
export function isValidKalturaId(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  // Length first, so a megabyte of input costs nothing before it is refused.
  if (value.length < MIN_ID_LENGTH || value.length > MAX_ID_LENGTH) return false;
  return KALTURA_ID_PATTERN.test(value);
}

/** The original validates entry ids with this rule (`validate_entry_id`). */
export const validateEntryId = isValidKalturaId;

/** Flavor ids share the entry id's shape; the original never checked them, we do. */
export const validateFlavorId = isValidKalturaId;

/** Longest file name accepted for a download (Kaltura puts it in the URL path). */
const MAX_FILE_NAME_LENGTH = 200;

/**
 * True for a name the downloaded file may be saved under: 1–200 characters, no path separator
 * and no control character. Kaltura replaces other unsafe characters itself.
 */
export function isValidFileName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_FILE_NAME_LENGTH) return false;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  return !/[/\\\u0000-\u001f\u007f]/.test(value) && value.trim() !== '' && value !== '.' && value !== '..';
}
