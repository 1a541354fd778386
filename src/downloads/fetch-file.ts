/**
 * Opening a file's URL: Node's own HTTP stack (`node:http`, `node:https`), with its strict parser
 * (a `103 Early Hints` or any 1xx is skipped, conflicting `Content-Length`s, folded headers and
 * malformed chunks are refused), the proxy variables read exactly as kaltura-client's axios reads
 * them for API calls (`proxy-from-env`: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, upper or
 * lower case; an https URL goes through a CONNECT tunnel with `https-proxy-agent`, an http one
 * as an absolute-form request to the proxy), and at most 5 redirects, never from https to http.
 */
import { request as httpRequest, type Agent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import createHttpsProxyAgent from 'https-proxy-agent';
import { ToolFailure } from '../failure.js';
import { notAProxyUrl, proxyAdvice, proxyFor, proxyWords, type Proxy } from '../kaltura/proxy.js';

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** One request for a file. */
export interface FileRequest {
  /** The file's URL: a credential, never logged and never in a message. */
  url: string;
  method: 'GET' | 'HEAD';
  /** Extra headers, e.g. `Range` and `If-Range`. */
  headers?: Record<string, string>;
  /** Aborts the request and its body. */
  signal: AbortSignal;
  /** The longest silence, while connecting or reading, before the request is given up, ms. */
  idleTimeoutMs: number;
  userAgent: string;
}

/** The final answer (after redirects): its status, headers and body (a stream to read, or to destroy). */
export interface FileResponse {
  status: number;
  headers: IncomingMessage['headers'];
  /** `Content-Length`, when the server sent one. */
  length?: number;
  body: IncomingMessage;
}

/** Why a file could not be fetched, worded for the user (never quoting the URL). */
export function fetchFailure(message: string): ToolFailure {
  return new ToolFailure('DOWNLOAD_FAILED', message);
}

/** Opens `request.url`, following redirects; rejects with a {@link ToolFailure} or the signal's abort. */
export async function openFile(request: FileRequest): Promise<FileResponse> {
  let url = new URL(request.url);
  for (let redirects = 0; ; redirects += 1) {
    const response = await openOnce(url, request);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return asFileResponse(response);
    response.resume();
    if (redirects >= MAX_REDIRECTS) throw fetchFailure(`the file's server redirected more than ${MAX_REDIRECTS} times`);
    const next = new URL(location, url);
    if (url.protocol === 'https:' && next.protocol !== 'https:') {
      throw fetchFailure(
        "the file's server redirected from https to a plain http address, which would expose the download; refused",
      );
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw fetchFailure(`the file's server redirected to a ${next.protocol} address, which is not a web address`);
    }
    url = next;
  }
}

function asFileResponse(response: IncomingMessage): FileResponse {
  const length = response.headers['content-length'];
  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    ...(length !== undefined && /^\d+$/.test(length) ? { length: Number(length) } : {}),
    body: response,
  };
}

/** One HTTP exchange, through the proxy the environment names for `url`, if any. */
function openOnce(url: URL, request: FileRequest): Promise<IncomingMessage> {
  // Cancelled already: nothing goes out (Node would still open the connection).
  if (request.signal.aborted) return Promise.reject(request.signal.reason);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(fetchFailure(`cannot download a ${url.protocol} address`));
  }
  const headers: OutgoingHttpHeaders = { 'User-Agent': request.userAgent, ...request.headers };
  const secure = url.protocol === 'https:';
  const setting = proxyFor(url.href);
  if (setting && !setting.url) return Promise.reject(new ToolFailure('CONFIGURATION_ERROR', notAProxyUrl(setting)));
  const proxy = setting?.url;
  const options = {
    method: request.method,
    headers,
    signal: request.signal,
    insecureHTTPParser: false,
    ...(proxy && secure ? { agent: tunnelTo(proxy) as unknown as Agent } : {}),
  };
  return new Promise<IncomingMessage>((resolve, reject) => {
    let req;
    if (proxy && !secure) {
      // Plain http through a proxy: the request goes to the proxy, naming the whole URL.
      if (proxy.username) {
        headers['Proxy-Authorization'] = `Basic ${Buffer.from(proxyAuth(proxy)).toString('base64')}`;
      }
      headers.Host = url.host;
      req = (proxy.protocol === 'https:' ? httpsRequest : httpRequest)(
        { ...options, hostname: proxy.hostname.replace(/^\[|\]$/g, ''), port: proxy.port || undefined, path: url.href },
        resolve,
      );
    } else {
      req = (secure ? httpsRequest : httpRequest)(url, options, resolve);
    }
    req.setTimeout(request.idleTimeoutMs, () =>
      req.destroy(Object.assign(new Error('no data for too long'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (error: NodeJS.ErrnoException) => reject(setting ? throughProxy(error, setting) : error));
    // A malformed body (a bad chunk) is reported on the request, just before the response ends
    // as merely "aborted": the body carries the parser's error instead, so the reader knows.
    req.on('response', (response) => req.on('error', (error) => response.destroy(error)));
    req.end();
  });
}

/**
 * A request that failed before its answer, through a proxy: the proxy that could not be reached,
 * named (never with its credentials), rather than the file's server. A stall (ETIMEDOUT) and a
 * cancellation are left as they are, for the caller to word.
 */
function throughProxy(error: NodeJS.ErrnoException, proxy: Proxy): Error {
  const code = error.code;
  if (!code || code === 'ETIMEDOUT' || code === 'ABORT_ERR' || !/^E[A-Z_]+$/.test(code)) return error;
  return fetchFailure(`the connection to ${proxyWords(proxy)} failed (${code}): ${proxyAdvice(proxy)}, then try again`);
}

const proxyAuth = (proxy: URL) => `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;

/** CONNECT tunnels through each proxy, made once: their sockets are reused across files. */
const tunnels = new Map<string, ReturnType<typeof createHttpsProxyAgent>>();

function tunnelTo(proxy: URL) {
  let agent = tunnels.get(proxy.href);
  if (!agent) {
    agent = createHttpsProxyAgent({
      protocol: proxy.protocol,
      hostname: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      ...(proxy.username ? { auth: proxyAuth(proxy) } : {}),
      ...(proxy.protocol === 'https:' ? { ALPNProtocols: ['http/1.1'] } : {}),
    });
    tunnels.set(proxy.href, agent);
  }
  return agent;
}
