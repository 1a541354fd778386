/**
 * Reading optional fields of Kaltura objects: Kaltura omits null properties, and the tools answer
 * `null` for what it did not send (or sent with an unexpected type). Pure.
 */

/** The value if it is a string, else null. */
export const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The value if it is a number, else null. */
export const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);
