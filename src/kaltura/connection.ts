/**
 * The HTTP side of the door: kaltura-client loaded on first use and tamed (no stdout logging,
 * bodies parsed here, a deadline on every request, multirequests that always settle), and one
 * `send` that turns every answer into a value or a {@link KalturaError}.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientBase, RequestBuilder } from 'kaltura-client/KalturaClientBase.js';
import type { ConnectionConfig } from './config.js';
import { alsoMasking, type KalturaLog, type SecretMasker } from './deps.js';
import {
  asKalturaError,
  cancelled,
  dieError,
  FailureCode,
  invalidResponse,
  KalturaDied,
  KalturaError,
  transportError,
} from './errors.js';
import { notAProxyUrl, proxyFor } from './proxy.js';

type Services = typeof import('kaltura-client/KalturaServices.js');

/** What request builders get: kaltura-client's generated services. */
interface KalturaLib {
  services: Services;
}

/** Builds one Kaltura request with kaltura-client; the door sends it. */
export type KalturaRequest = (lib: KalturaLib) => RequestBuilder;

/**
 * A clock difference smaller than this is not worth correcting: the `Date` header counts whole
 * seconds, so it reads up to a second behind even when both clocks agree.
 */
export const NEGLIGIBLE_SKEW_SECONDS = 5;

const API_VERSION = '21.20.0';
const CLIENT_TAG = 'kaltura-mcp-ts';

/** One HTTP connection to Kaltura (kept alive across requests). */
export interface Connection {
  lib: KalturaLib;
  /**
   * Posts `request` with `ks`; resolves with Kaltura's parsed answer, rejects with a
   * KalturaError. `signal` cancels it (on top of the request deadline).
   */
  send(request: RequestBuilder, ks: string | undefined, label: string, signal?: AbortSignal): Promise<unknown>;
  /** One request that carries `requests` as a multirequest. */
  multiRequest(requests: RequestBuilder[]): RequestBuilder;
  /** Kaltura's clock minus this host's, in seconds, from the `Date` header of the latest answer. */
  clockOffset(): number | undefined;
}

/**
 * One request in flight, as the axios interceptors see it: kaltura-client gives them no handle
 * on the request they belong to, so each `send` runs in its own async context.
 */
interface Exchange {
  signal: AbortSignal;
  headers?: Record<string, unknown>;
}

/** Loads kaltura-client (and only its client and services: never its 96k-line model file) and connects. */
export async function openConnection(
  config: ConnectionConfig,
  log: KalturaLog,
  masker: SecretMasker,
): Promise<Connection> {
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
  // Take the body as text and parse it here: axios would pass HTML or a truncated body through
  // as a "successful" string.
  client.axios.defaults.responseType = 'text';
  client.axios.defaults.transformResponse = [(data: unknown) => data];
  const exchanges = new AsyncLocalStorage<Exchange>();
  let offset: number | undefined;
  // The request's own signal: its deadline (axios's timeout only watches idle sockets) and the
  // call's cancellation.
  client.axios.interceptors.request.use((requestConfig) => {
    const exchange = exchanges.getStore();
    if (exchange) requestConfig.signal = exchange.signal;
    return requestConfig;
  });
  // kaltura-client hands on only the body; the headers say when Kaltura "died" and what its clock reads.
  client.axios.interceptors.response.use((response) => {
    const exchange = exchanges.getStore();
    if (exchange) exchange.headers = response.headers;
    const date = Date.parse(String(response.headers.date ?? ''));
    if (Number.isFinite(date)) offset = Math.round((date - Date.now()) / 1000);
    return response;
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

  const host = new URL(config.serviceUrl).host;
  // The proxy axios takes from the environment for Kaltura, if any: its failures name it.
  const proxy = proxyFor(config.serviceUrl);
  return {
    lib: { services },
    multiRequest: (requests) => new MultiRequest(requests),
    clockOffset: () => offset,
    async send(request, ks, label, signal) {
      if (signal?.aborted) throw cancelled();
      if (proxy && !proxy.url) throw new KalturaError(FailureCode.CONFIGURATION_ERROR, notAProxyUrl(proxy));
      if (ks) request.setKs(ks);
      const deadline = AbortSignal.timeout(config.requestTimeoutMs);
      const exchange: Exchange = { signal: signal ? AbortSignal.any([deadline, signal]) : deadline };
      const started = performance.now();
      let raw: unknown;
      try {
        raw = await exchanges.run(exchange, () => request.execute(client));
      } catch (error) {
        const failure = signal?.aborted ? cancelled() : transportError(error, host, config.requestTimeoutMs, proxy);
        log.debug('kaltura request failed', { request: label, code: failure.code });
        throw failure;
      }
      log.debug('kaltura request', { request: label, ms: Math.round(performance.now() - started) });
      const masking = alsoMasking(masker, ks);
      const died = raw === '' ? dieError(exchange.headers ?? {}) : undefined;
      if (died) throw new KalturaDied(died.code, masking.redact(died.message), died.dieCode);
      const value = parseBody(raw);
      const error = asKalturaError(value, masking);
      if (error) throw error;
      return value;
    },
  };
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
