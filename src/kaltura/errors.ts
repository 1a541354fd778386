/**
 * Kaltura failures, whatever their source, as one error type with a stable `code`, and the
 * wording of the failures that are not Kaltura API exceptions.
 */
import type { SecretMasker } from './deps.js';

/** Codes this server gives failures that are not Kaltura API exceptions; Kaltura's own codes pass through. */
export const FailureCode = {
  /** No answer within the request deadline. */
  TIMEOUT: 'TIMEOUT',
  /** Kaltura answered with a non-2xx HTTP status. */
  HTTP_ERROR: 'HTTP_ERROR',
  /** The connection could not be made or was cut. */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** A 2xx answer that is not the api_v3 JSON asked for (HTML, empty, truncated, wrong shape). */
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  /** The server's own configuration is missing or wrong. */
  CONFIGURATION_ERROR: 'CONFIGURATION_ERROR',
  /** A bug in this server; details go to its log only. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

/**
 * A failed Kaltura call. `message` is safe to show: it never holds a secret, a KS or a URL path.
 */
export class KalturaError extends Error {
  override readonly name = 'KalturaError';

  constructor(
    /** Kaltura's error code (e.g. `ENTRY_ID_NOT_FOUND`) or a {@link FailureCode}. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A 2xx answer that is not what was asked for; `detail` says how (never quoting the body). */
export function invalidResponse(detail: string): KalturaError {
  return new KalturaError(
    FailureCode.INVALID_RESPONSE,
    `unexpected response from Kaltura: ${detail}; check that KALTURA_SERVICE_URL points at the Kaltura API, then try again`,
  );
}

/** True for the errors after which a fresh session may succeed. */
export function isSessionError(error: unknown): boolean {
  return error instanceof KalturaError && error.code === 'INVALID_KS';
}

/** Words a transport failure from axios without ever including its config (which holds the body). */
export function transportError(error: unknown, host: string, timeoutMs: number): KalturaError {
  const e = (error ?? {}) as { code?: string; response?: { status?: number } };
  if (e.code === 'ERR_CANCELED' || e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') {
    return new KalturaError(
      FailureCode.TIMEOUT,
      `Kaltura at ${host} timed out after ${timeoutMs} ms; try again, or raise KALTURA_REQUEST_TIMEOUT_MS if it is just slow`,
    );
  }
  if (e.response?.status !== undefined) {
    return new KalturaError(
      FailureCode.HTTP_ERROR,
      `Kaltura at ${host} answered HTTP ${e.response.status}; the service may be down or KALTURA_SERVICE_URL may be wrong, try again shortly`,
    );
  }
  const code = typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) ? ` (${e.code})` : '';
  return new KalturaError(
    FailureCode.NETWORK_ERROR,
    `The connection to Kaltura at ${host} failed${code}; check KALTURA_SERVICE_URL and the network, then try again`,
  );
}

/**
 * A KalturaAPIException (or the legacy `{result:{error}}` form) as a KalturaError with its
 * message masked, else undefined.
 */
export function asKalturaError(value: unknown, masker: SecretMasker): KalturaError | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const legacy = (value as { result?: { error?: unknown } }).result?.error;
  const candidate = (legacy && typeof legacy === 'object' ? legacy : value) as Record<string, unknown>;
  if (candidate.objectType !== 'KalturaAPIException') return undefined;
  const code = typeof candidate.code === 'string' && candidate.code ? candidate.code : 'KALTURA_ERROR';
  const message = typeof candidate.message === 'string' ? candidate.message : code;
  return new KalturaError(code, masker.redact(message));
}
