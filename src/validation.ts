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
