/**
 * Kaltura failures, whatever their source, as one error type with a stable `code`.
 */

/** Codes for failures that are not Kaltura API exceptions. Kaltura's own codes pass through as given. */
export const TransportErrorCode = {
  /** No answer within the request deadline. */
  TIMEOUT: 'TIMEOUT',
  /** Kaltura answered with a non-2xx HTTP status. */
  HTTP_ERROR: 'HTTP_ERROR',
  /** The connection could not be made or was cut. */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** A 2xx answer that is not the api_v3 JSON we asked for (HTML, empty, truncated, wrong shape). */
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  /** The server's own configuration is missing or wrong. */
  CONFIGURATION_ERROR: 'CONFIGURATION_ERROR',
} as const;

/**
 * A failed Kaltura call. `message` is safe to show: it never holds a secret, a KS or a URL path.
 */
export class KalturaError extends Error {
  override readonly name = 'KalturaError';

  constructor(
    /** Kaltura's error code (e.g. `ENTRY_ID_NOT_FOUND`) or a {@link TransportErrorCode}. */
    readonly code: string,
    message: string,
    /** Kaltura's `args`, when it sent them (already redacted). */
    readonly args: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A 2xx answer that is not what was asked for; `detail` says how (never quoting the body). */
export function invalidResponse(detail: string): KalturaError {
  return new KalturaError(
    TransportErrorCode.INVALID_RESPONSE,
    `unexpected response from Kaltura: ${detail}; check that KALTURA_SERVICE_URL points at the Kaltura API, then try again`,
  );
}

/** True for the errors after which a fresh session may succeed. */
export function isSessionError(error: unknown): boolean {
  return error instanceof KalturaError && error.code === 'INVALID_KS';
}
