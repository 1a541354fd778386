/**
 * KalturaClientManager: the one door to Kaltura. It owns the configuration, the session key and
 * every HTTP request (made through kaltura-client), and turns every failure into a
 * {@link KalturaError} whose text holds no secret.
 */
import type { ClientBase, RequestBuilder } from 'kaltura-client/KalturaClientBase.js';
import { ConfigError, readConfig, type KalturaConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redact.js';
import { invalidResponse, isSessionError, KalturaError, TransportErrorCode } from './errors.js';
import { signKsV2 } from './ks.js';

type Services = typeof import('kaltura-client/KalturaServices.js');

/** What request builders get: kaltura-client's generated services. */
export interface KalturaLib {
  services: Services;
}

/** Builds one Kaltura request with kaltura-client; the manager sends it. */
export type KalturaCall = (lib: KalturaLib) => RequestBuilder;

/** One slot of a multirequest answer: Kaltura answers each sub-request on its own. */
export type MultiResult = { ok: true; value: unknown } | { ok: false; error: KalturaError };

/** Counts the HTTP requests made for one tool call (for its log line). */
export interface RequestStats {
  requests: number;
}

/** The door to Kaltura as a tool sees it: one request, or several in one round trip. */
export interface KalturaDoor {
  call(build: KalturaCall): Promise<unknown>;
  multi(builds: KalturaCall[]): Promise<MultiResult[]>;
}

/** A multirequest slot's value, or its Kaltura error thrown. */
export function unwrap(result: MultiResult | undefined): unknown {
  if (!result) throw invalidResponse('a result is missing');
  if (!result.ok) throw result.error;
  return result.value;
}

/** Renew the session this long before it expires (the original's five minutes). */
const RENEW_MARGIN_SECONDS = 300;
const API_VERSION = '21.20.0';
const CLIENT_TAG = 'kaltura-mcp-ts';

interface Connection {
  client: ClientBase;
  lib: KalturaLib;
  /** A RequestBuilder that posts several requests as one `multirequest`. */
  MultiRequest: new (requests: RequestBuilder[]) => RequestBuilder;
}

interface Session {
  ks: string;
  /** Unix seconds. */
  expiresAt: number;
}

/** Options for {@link KalturaClientManager}. */
export interface ClientManagerOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  redactor: Redactor;
  /** Clock in unix seconds; tests move it. */
  now?: () => number;
}

/** The one door to Kaltura: configuration, session, HTTP, error translation. */
export class KalturaClientManager {
  private config?: KalturaConfig;
  private connection?: Promise<Connection>;
  private session?: Session;
  private pendingSession?: Promise<string>;
  private readonly now: () => number;

  constructor(private readonly options: ClientManagerOptions) {
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  /** The configuration, read at first use; a problem becomes a CONFIGURATION_ERROR naming the variable. */
  getConfig(): KalturaConfig {
    if (!this.config) {
      try {
        this.config = readConfig(this.options.env);
      } catch (error) {
        if (error instanceof ConfigError) {
          throw new KalturaError(TransportErrorCode.CONFIGURATION_ERROR, error.message);
        }
        throw error;
      }
      this.options.redactor.add(this.config.adminSecret);
      this.options.redactor.add(this.config.providedKs);
      this.options.logger.debug('configuration loaded', {
        serviceUrl: this.config.serviceUrl,
        partnerId: this.config.partnerId,
        userId: this.config.userId,
        session: this.config.providedKs ? 'KALTURA_KS' : this.config.sessionMode,
        sessionType: this.config.sessionType,
        privileges: this.config.sessionPrivileges,
        adminSecret: this.config.adminSecret ? 'SET' : 'NOT SET',
      });
    }
    return this.config;
  }

  /** Sends one request; resolves with Kaltura's result or rejects with a {@link KalturaError}. */
  async call(build: KalturaCall, stats?: RequestStats): Promise<unknown> {
    return this.withSession(async (ks) => {
      const { client, lib } = await this.connect();
      const request = build(lib);
      return this.send(client, request, ks, `${request.service}.${request.action}`, stats);
    });
  }

  /**
   * Sends several requests in one HTTP round trip. Later requests may use `{N:result:path}`
   * references to earlier ones (N counts from 1). Each slot succeeds or fails on its own.
   */
  async multi(builds: KalturaCall[], stats?: RequestStats): Promise<MultiResult[]> {
    const results = await this.withSession(
      async (ks) => {
        const { client, lib, MultiRequest } = await this.connect();
        const requests = builds.map((build) => build(lib));
        const raw = await this.send(client, new MultiRequest(requests), ks, 'multirequest', stats);
        if (!Array.isArray(raw) || raw.length !== requests.length) {
          throw invalidResponse('the multirequest answer is not one result per request');
        }
        return raw.map((value): MultiResult => {
          const error = asKalturaError(value, this.options.redactor);
          return error ? { ok: false, error } : { ok: true, value };
        });
      },
      (results) => results.some((r) => !r.ok && isSessionError(r.error)),
    );
    return results;
  }

  /**
   * Runs `attempt` with the current session. If Kaltura refuses the session (INVALID_KS, as an
   * error or, for a multirequest, inside the answer), renews it once and tries again.
   */
  private async withSession<T>(attempt: (ks: string) => Promise<T>, refused?: (outcome: T) => boolean): Promise<T> {
    const ks = await this.sessionKs();
    let outcome: T;
    try {
      outcome = await attempt(ks);
    } catch (error) {
      if (!isSessionError(error)) throw error;
      return this.retryWithNewSession(attempt, ks);
    }
    return refused?.(outcome) ? this.retryWithNewSession(attempt, ks) : outcome;
  }

  private async retryWithNewSession<T>(attempt: (ks: string) => Promise<T>, stale: string): Promise<T> {
    this.options.logger.info('Kaltura refused the session; renewing it once');
    return attempt(await this.renewSession(stale));
  }

  /** A door for one tool call, counting its requests into `stats`. */
  forCall(stats: RequestStats): KalturaDoor {
    return {
      call: (build) => this.call(build, stats),
      multi: (builds) => this.multi(builds, stats),
    };
  }

  /** The session key to use now: reused until five minutes before it expires. */
  private async sessionKs(): Promise<string> {
    const session = this.session;
    if (session && session.expiresAt - this.renewMargin() > this.now()) return session.ks;
    return this.renewSession(session?.ks);
  }

  private renewMargin(): number {
    return Math.min(RENEW_MARGIN_SECONDS, this.getConfig().sessionExpiry / 2);
  }

  /** Replaces the session `stale`; concurrent callers share one renewal. */
  private renewSession(stale: string | undefined): Promise<string> {
    if (this.session && this.session.ks !== stale) return Promise.resolve(this.session.ks);
    this.pendingSession ??= this.startSession().finally(() => {
      this.pendingSession = undefined;
    });
    return this.pendingSession;
  }

  private async startSession(): Promise<string> {
    const config = this.getConfig();
    if (config.providedKs) return this.useProvidedKs(config.providedKs);
    const expiresAt = Math.floor(this.now()) + config.sessionExpiry;
    let ks: string;
    if (config.sessionMode === 'local') {
      ks = signKsV2({
        adminSecret: config.adminSecret,
        partnerId: config.partnerId,
        userId: config.userId,
        type: config.sessionType,
        privileges: config.sessionPrivileges,
        expiresAt,
      });
    } else {
      const { client, lib } = await this.connect();
      const request = lib.services.session.start(
        config.adminSecret,
        config.userId,
        config.sessionType,
        config.partnerId,
        config.sessionExpiry,
        config.sessionPrivileges,
      );
      const result = await this.send(client, request, undefined, 'session.start');
      if (typeof result !== 'string' || !/^[A-Za-z0-9+/_=-]{16,}$/.test(result)) {
        throw invalidResponse('session.start did not return a session key');
      }
      ks = result;
    }
    this.options.redactor.add(ks);
    this.session = { ks, expiresAt };
    this.options.logger.debug('session ready', { mode: config.sessionMode, expiresAt });
    return ks;
  }

  /** A ready-made key is used as is; once Kaltura has refused it, nothing here can make a new one. */
  private useProvidedKs(ks: string): string {
    if (this.session?.ks === ks) {
      throw new KalturaError(
        'INVALID_KS',
        'Kaltura refused the session key in KALTURA_KS (it has expired or was revoked); create a new one, set KALTURA_KS to it and restart the server',
      );
    }
    this.session = { ks, expiresAt: Number.POSITIVE_INFINITY };
    return ks;
  }

  /** Loads kaltura-client on first use, keeping it (and its model file) off the start-up path. */
  private connect(): Promise<Connection> {
    this.connection ??= this.createConnection();
    return this.connection;
  }

  private async createConnection(): Promise<Connection> {
    const config = this.getConfig();
    const base = await import('kaltura-client/KalturaClientBase.js');
    const servicesModule = await import('kaltura-client/KalturaServices.js');
    // CommonJS modules: their exports object arrives as `default`.
    const kaltura = (base as unknown as { default?: typeof base }).default ?? base;
    const services = (servicesModule as unknown as { default?: Services }).default ?? servicesModule;

    const clientConfig = new kaltura.Configuration();
    clientConfig.serviceUrl = config.serviceUrl;
    clientConfig.timeout = config.requestTimeoutMs;
    // The default logger console.logs every request, KS included, onto our stdout. A plain object
    // (not an ILogger) makes kaltura-client skip logging altogether.
    clientConfig.setLogger({ log() {}, debug() {}, error() {} });
    const client = new kaltura.ClientBase(clientConfig);
    client.setApiVersion(API_VERSION).setClientTag(CLIENT_TAG);
    // Take the body as text and parse it ourselves: axios would pass HTML or a truncated body
    // through as a "successful" string.
    client.axios.defaults.responseType = 'text';
    client.axios.defaults.transformResponse = [(data: unknown) => data];
    // axios's own timeout only watches for idle sockets; this bounds the whole request.
    client.axios.interceptors.request.use((requestConfig) => {
      requestConfig.signal = AbortSignal.timeout(config.requestTimeoutMs);
      return requestConfig;
    });

    // kaltura-client's MultiRequestBuilder throws inside its promise handlers on HTTP errors, so
    // its promise never settles. This one is a plain RequestBuilder (whose failures reject) that
    // posts the sub-requests to /multirequest.
    class MultiRequest extends kaltura.RequestBuilder {
      constructor(private readonly requests: RequestBuilder[]) {
        super('multirequest', 'multirequest', {});
      }
      override getUrl(c: ClientBase): string {
        return `${c.config.serviceUrl}${c.config.serviceBase}/multirequest`;
      }
      override getData(sign?: boolean): Record<string, unknown> {
        this.data = {};
        this.requests.forEach((request, index) => {
          this.data[String(index)] = { ...request.getData(), service: request.service, action: request.action };
        });
        return super.getData(sign);
      }
    }
    return { client, lib: { services }, MultiRequest };
  }

  /** Posts one request and interprets the answer; every failure leaves as a KalturaError. */
  private async send(
    client: ClientBase,
    request: RequestBuilder,
    ks: string | undefined,
    label: string,
    stats?: RequestStats,
  ) {
    if (ks) request.setKs(ks);
    if (stats) stats.requests += 1;
    const started = performance.now();
    let raw: unknown;
    try {
      raw = await request.execute(client);
    } catch (error) {
      const failure = this.transportError(error);
      this.options.logger.debug('kaltura request failed', { request: label, code: failure.code });
      throw failure;
    }
    this.options.logger.debug('kaltura request', {
      request: label,
      ms: Math.round(performance.now() - started),
    });
    const value = parseBody(raw);
    const error = asKalturaError(value, this.options.redactor);
    if (error) throw error;
    return value;
  }

  /** Words a transport failure from axios without ever including its config (which holds the body). */
  private transportError(error: unknown): KalturaError {
    const config = this.getConfig();
    const host = new URL(config.serviceUrl).host;
    const e = (error ?? {}) as { code?: string; response?: { status?: number } };
    if (e.code === 'ERR_CANCELED' || e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') {
      return new KalturaError(
        TransportErrorCode.TIMEOUT,
        `Kaltura at ${host} timed out after ${config.requestTimeoutMs} ms; try again, or raise KALTURA_REQUEST_TIMEOUT_MS if it is just slow`,
      );
    }
    if (e.response?.status !== undefined) {
      return new KalturaError(
        TransportErrorCode.HTTP_ERROR,
        `Kaltura at ${host} answered HTTP ${e.response.status}; the service may be down or KALTURA_SERVICE_URL may be wrong, try again shortly`,
      );
    }
    const code = typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) ? ` (${e.code})` : '';
    return new KalturaError(
      TransportErrorCode.NETWORK_ERROR,
      `The connection to Kaltura at ${host} failed${code}; check KALTURA_SERVICE_URL and the network, then try again`,
    );
  }
}

/** The body as JSON; HTML, an empty body or truncated JSON are not an answer. */
function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  if (raw.trim() === '') throw invalidResponse('the body was empty');
  try {
    return JSON.parse(raw);
  } catch {
    const kind = /^\s*</.test(raw) ? 'HTML or XML' : 'not valid JSON';
    throw invalidResponse(`the body was ${kind}`);
  }
}

/** A KalturaAPIException (or the legacy `{result:{error}}` form) as a KalturaError, else undefined. */
function asKalturaError(value: unknown, redactor: Redactor): KalturaError | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const legacy = (value as { result?: { error?: unknown } }).result?.error;
  const candidate = (legacy && typeof legacy === 'object' ? legacy : value) as Record<string, unknown>;
  if (candidate.objectType !== 'KalturaAPIException') return undefined;
  const code = typeof candidate.code === 'string' && candidate.code ? candidate.code : 'KALTURA_ERROR';
  const message = typeof candidate.message === 'string' ? candidate.message : code;
  const args: Record<string, string> = {};
  if (candidate.args && typeof candidate.args === 'object' && !Array.isArray(candidate.args)) {
    for (const [key, arg] of Object.entries(candidate.args)) args[key] = redactor.redact(String(arg));
  }
  return new KalturaError(code, redactor.redact(message), args);
}
