/**
 * Argument schemas more than one tool takes, each with its rules and the error text a broken
 * rule answers with (the original's texts, where it had the argument).
 */
import { z } from 'zod';

/** Kaltura object ids look like `1_abc123`: a data-centre number, an underscore, alphanumerics. */
const KALTURA_ID_PATTERN = /^[0-9]+_[a-zA-Z0-9]+$/;
/** The original's bounds on an id's length (its shortest possible form is 3 characters). */
const MAX_ID_LENGTH = 50;

/** The original's answer to a malformed entry id. */
const INVALID_ENTRY_ID = 'Invalid entry ID format';

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
