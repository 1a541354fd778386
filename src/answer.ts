/**
 * What every tool answers: its data, or a failure worded as the original words it. Pure.
 */
import { KalturaError } from './kaltura/errors.js';

/** How a failure's JSON text is laid out: the original used json.dumps both with and without indent. */
export type ErrorLayout = 'indented' | 'compact';

/** A failed answer: the error object and its layout. */
export interface Failure {
  ok: false;
  error: Record<string, unknown>;
  layout: ErrorLayout;
}

/** A tool's answer. */
export type Answer<T> = { ok: true; data: T } | Failure;

/** A failure with the given error object. */
export function failure(error: Record<string, unknown>, layout: ErrorLayout = 'indented'): Failure {
  return { ok: false, error, layout };
}

/** The original's `handle_kaltura_error`: `Failed to <operation>: <message>`, the error's type, the context. */
export function kalturaFailure(operation: string, context: Record<string, unknown>, error: KalturaError): Failure {
  return failure({
    error: `Failed to ${operation}: ${error.message}`,
    errorType: error.code,
    operation,
    ...context,
  });
}

/** An error that is not Kaltura's: a bug here. Worded without its details, which go to the log. */
export function internalError(): KalturaError {
  return new KalturaError(
    'INTERNAL_ERROR',
    'internal error in the server (details are in its log); try again, and report it if it persists',
  );
}

/** The original's answer to a malformed entry id. */
export const INVALID_ENTRY_ID = failure({ error: 'Invalid entry ID format' });

/** Runs `work`, turning a KalturaError it throws into the original's error shape. */
export async function catchKaltura<T>(
  operation: string,
  context: Record<string, unknown>,
  work: () => Promise<Answer<T>>,
): Promise<Answer<T>> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KalturaError) return kalturaFailure(operation, context, error);
    throw error;
  }
}
