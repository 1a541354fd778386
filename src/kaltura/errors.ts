/**
 * Kaltura failures, whatever their source, as one error type with a stable `code`, and the
 * wording of the failures that are not Kaltura API exceptions.
 */
import type { SecretMasker } from './deps.js';
import { proxyAdvice, proxyWords, type Proxy } from './proxy.js';

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
  /** The client cancelled the call; nothing is answered. */
  CANCELLED: 'CANCELLED',
  /** Kaltura answered `null` for a flavor's URL: nothing delivers its file. */
  NO_DOWNLOAD_URL: 'NO_DOWNLOAD_URL',
  /** Kaltura ended the whole answer with its "die" headers and an empty body. */
  KALTURA_REFUSED: 'KALTURA_REFUSED',
  /** This server has too many calls waiting: try again shortly. */
  BUSY: 'BUSY',
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
    /**
     * For INVALID_KS: why Kaltura refused the key. `EXPIRED`, `LOGOUT` (revoked) and the like for
     * a key it could read; `INVALID_STR` for one it could not verify (wrong secret or partner).
     */
    readonly refusal?: string,
    /**
     * Kaltura's own API exception, its message as Kaltura wrote it (the original showed these
     * as `<message> (<CODE>)`); false for failures this server words (timeouts, refusals, advice).
     */
    readonly apiException = false,
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

/** The call was cancelled by the client. */
export function cancelled(): KalturaError {
  return new KalturaError(FailureCode.CANCELLED, 'the call was cancelled');
}

/**
 * Kaltura's "die" codes (`X-Kaltura: error-<n>`): the name this server gives each, and what to
 * do about it. Codes 7 and 31 are about the session, so they count as INVALID_KS (and renew it).
 */
const DIE_CODES: Record<string, { code: string; advice: string }> = {
  '1': { code: 'ENTRY_ID_NOT_FOUND', advice: 'check the entry id' },
  '2': {
    code: 'NOT_SCHEDULED_NOW',
    advice: "the entry is outside its scheduling window; try within the entry's start and end dates",
  },
  '3': {
    code: 'ACCESS_CONTROL_RESTRICTED',
    advice:
      "the entry's access-control profile restricts its files; an ADMIN session, or one with the privilege download:<entry id> or download:*, is allowed",
  },
  '4': { code: 'INVALID_KS', advice: 'the session key could not be read' },
  '7': { code: 'INVALID_KS', advice: 'the session key is not valid' },
  '9': { code: 'ENTRY_DELETED_MODERATED', advice: 'the entry was deleted or rejected in moderation' },
  '13': {
    code: 'ENTRY_MODERATION_ERROR',
    advice: 'the entry awaits moderation; an ADMIN session, or the privilege view:<entry id>, is allowed',
  },
  '16': { code: 'IP_COUNTRY_BLOCKED', advice: "this machine's address or country is blocked for the entry" },
  '30': {
    code: 'SERVICE_ACCESS_CONTROL_RESTRICTED',
    advice: "the partner's API access control refuses this action from here",
  },
  '31': { code: 'INVALID_KS', advice: 'the session key has expired' },
};

/** Kaltura's "die" answer: the whole HTTP answer was lost, every slot of a multirequest with it. */
export class KalturaDied extends KalturaError {
  constructor(
    code: string,
    message: string,
    /** The `X-Kaltura: error-<n>` code. */
    readonly dieCode: string,
  ) {
    super(code, message);
  }

  /** Whether one entry's own settings (access control, schedule, moderation) caused it, not the session or partner. */
  get aboutOneEntry(): boolean {
    return ENTRY_DIES.has(this.dieCode);
  }
}

/** Die codes an entry's own settings cause: not found, scheduling, access control, deleted, moderation, country. */
const ENTRY_DIES = new Set(['1', '2', '3', '9', '13', '16']);

/**
 * The "die" answer: an empty 200 body whose `X-Kaltura: error-<n>` header says why Kaltura ended
 * the request (every slot of a multirequest is lost with it). Undefined when the headers say
 * nothing of the kind.
 */
export function dieError(headers: Record<string, unknown>): KalturaDied | undefined {
  const marker = /^error-\s*(\S+)/.exec(String(headers['x-kaltura'] ?? ''));
  if (!marker) return undefined;
  const dieCode = marker[1]!;
  const app = /exiting on error \S+ - (.*)$/.exec(String(headers['x-kaltura-app'] ?? ''));
  const reason = app?.[1]?.trim() || 'no reason given';
  const known = DIE_CODES[dieCode];
  const what = `Kaltura ended the request with error ${dieCode} (${reason})`;
  return new KalturaDied(
    known?.code ?? FailureCode.KALTURA_REFUSED,
    known ? `${what}: ${known.advice}` : `${what}; the request was refused, nothing was answered`,
    dieCode,
  );
}

/** True for the errors after which a fresh session may succeed. */
export function isSessionError(error: unknown): boolean {
  return error instanceof KalturaError && error.code === 'INVALID_KS';
}

/**
 * Words a transport failure from axios without ever including its config (which holds the body).
 * With a proxy in the way, the failure names it (host and port, and the variable it came from):
 * a proxy that cannot be reached is no fault of Kaltura's or of KALTURA_SERVICE_URL.
 */
export function transportError(error: unknown, host: string, timeoutMs: number, proxy?: Proxy): KalturaError {
  const e = (error ?? {}) as { code?: string; response?: { status?: number } };
  const through = proxy?.address ? ` through ${proxyWords(proxy)}` : '';
  if (e.code === 'ERR_CANCELED' || e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') {
    return new KalturaError(
      FailureCode.TIMEOUT,
      `Kaltura at ${host}${through} timed out after ${timeoutMs} ms; try again, or raise KALTURA_REQUEST_TIMEOUT_MS if it is just slow${proxy ? `, or ${proxyAdvice(proxy)}` : ''}`,
    );
  }
  const status = e.response?.status;
  if (status !== undefined) {
    if (proxy && status === 407) {
      return new KalturaError(
        FailureCode.HTTP_ERROR,
        `${proxyWords(proxy)} asks for credentials (HTTP 407): put them in ${proxy.variable} (http://user:password@host:port), or unset it`,
      );
    }
    // A 4xx to every API request means the URL is not Kaltura's API (a wrong host or path); a
    // 5xx, that Kaltura (or a proxy in front of it) is failing for now.
    const why =
      status >= 500 && status !== 501 && status !== 505
        ? `the service is failing for now${proxy ? ` (or ${proxyAdvice(proxy)})` : ''}; try again shortly`
        : 'this URL does not serve the Kaltura API: check KALTURA_SERVICE_URL (its host only, e.g. https://www.kaltura.com, without /api_v3)';
    return new KalturaError(FailureCode.HTTP_ERROR, `Kaltura at ${host}${through} answered HTTP ${status}; ${why}`);
  }
  const code = typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) ? ` (${e.code})` : '';
  if (proxy) {
    return new KalturaError(
      FailureCode.NETWORK_ERROR,
      `The connection to Kaltura at ${host}${through} failed${code}; ${proxyAdvice(proxy)}, then try again`,
    );
  }
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
  const refusal = code === 'INVALID_KS' ? ksRefusal(candidate.args) : undefined;
  return new KalturaError(code, masker.redact(message), refusal, true);
}

/** INVALID_KS's `args.KSID` is a reason word for a key Kaltura could read, else the key itself. */
function ksRefusal(args: unknown): string {
  const ksid = (args as { KSID?: unknown } | null)?.KSID;
  return typeof ksid === 'string' && /^[A-Z_]{3,40}$/.test(ksid) ? ksid : 'INVALID_STR';
}
