/**
 * The sandbox Kaltura: a real HTTP server on 127.0.0.1 speaking api_v3's wire format
 * (docs/kaltura-wire.md) for the calls this project makes, serving flavor files at their
 * serveFlavor URLs, with a request log, fault injection, and the real server's unkind parts:
 * the "die" answer, a clock of its own, pre-2018 result references.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createApi, partnerOf, type Replacement } from './api.js';
import { AppTokenStatus, type SandboxAppToken } from './app-tokens.js';
import { isFilePath, serveFile, type FileServing, type LoggedFileRequest } from './files.js';
import type { FixtureEntry } from './fixtures.js';
import {
  ApiError,
  Die,
  errorObject,
  errors,
  resolveReferences,
  toJson,
  toXml,
  type Json,
  type Params,
} from './wire.js';

export { resolveReferences } from './wire.js';
export type { LoggedFileRequest } from './files.js';
export type { SandboxAppToken } from './app-tokens.js';

/** One sub-request as the sandbox saw it. */
export interface LoggedCall {
  service: string;
  action: string;
  params: Params;
}

/** One API request as the sandbox saw it. */
export interface LoggedRequest {
  path: string;
  /** The raw body, for "nothing secret on the wire" checks. */
  body: string;
  multirequest: boolean;
  calls: LoggedCall[];
  /** The client went away before the answer was sent (a cancelled or timed-out call). */
  clientGone: boolean;
}

/** Ways to misbehave, as a real Kaltura or a proxy in front of it can. */
export type FaultKind =
  | 'http500'
  | 'http503'
  | 'html'
  | 'empty'
  | 'truncated'
  | 'reset'
  | 'hang'
  | 'garbage-json'
  /** Kaltura's INTERNAL_SERVERL_ERROR for the calls named by `action`, inside an otherwise normal answer. */
  | 'internal-error';

export interface Fault {
  kind: FaultKind;
  /** How many requests it affects; Infinity by default. */
  times?: number;
  /** How many requests to answer normally first; 0 by default. */
  skip?: number;
  /** For `internal-error`: the call it hits, as `service.action` in lower case (e.g. `flavorasset.geturl`). */
  action?: string;
  /** Only requests whose body contains this text (e.g. an entry id) are affected. */
  match?: string;
}

export interface SandboxOptions {
  /** Delay before every API answer, to model a network round trip. */
  latencyMs?: number;
  port?: number;
  /**
   * The address to listen on (default 127.0.0.1). The container test binds a Docker network's
   * gateway address, so that containers on that network reach the sandbox and nothing else does.
   */
  host?: string;
  /** Kaltura's clock minus the host's, seconds. */
  clockSkewSeconds?: number;
  /** Behave as a server from before October 2018: `_all` in result references resolves to "". */
  legacyReferences?: boolean;
  /** Entries to serve on top of the fixtures (e.g. a big file for the benchmark). */
  extraEntries?: FixtureEntry[];
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL to use as KALTURA_SERVICE_URL. */
  url: string;
  /** API requests, in arrival order. */
  readonly log: LoggedRequest[];
  /** File requests (serveFlavor, raw, download), in arrival order. */
  readonly files: LoggedFileRequest[];
  /** Every API sub-request, flattened, as `service.action`. */
  actions(): string[];
  clearLog(): void;
  /** Injects a fault into the next API requests (all of them unless `times` is set). */
  setFault(fault: Fault | undefined): void;
  /** Makes every KS issued so far invalid (as `session.end` or a secret rotation would). */
  revokeSessions(): void;
  /**
   * Adds an App Token for `partnerId` as `appToken.add` would (its checks and defaults, without
   * a session), e.g. `{ sessionType: 0, sessionPrivileges: 'list:*', hashType: 'SHA256' }`.
   */
  addAppToken(partnerId: number, fields: Record<string, unknown>): SandboxAppToken;
  /** Disables an App Token, as a Kaltura administrator can (status is read-only in the API). */
  disableAppToken(id: string): void;
  /** The App Tokens, deleted ones included. */
  appTokens(): SandboxAppToken[];
  /** Which action issued `ks` (`session.startWidgetSession`, `appToken.startSession`, `session.start`), if the sandbox did. */
  issuedBy(ks: string): string | undefined;
  setLatency(ms: number): void;
  setClockSkew(seconds: number): void;
  setLegacyReferences(legacy: boolean): void;
  /** How file bodies are sent: as the origin or a CDN, throttled, cut, after a 103, or malformed. */
  setFileServing(serving: Partial<FileServing>): void;
  /**
   * Replaces a flavor's file, as a new upload of the rendition does: a new asset version (so a
   * new URL and new bytes), a new updatedAt, and optionally a new length.
   */
  replaceFlavorFile(flavorId: string, bytes?: number): void;
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections(): number;
  close(): Promise<void>;
}

type ActiveFault = Fault & { left: number; toSkip: number };

/** Starts the sandbox on 127.0.0.1 (a free port unless one is given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log: LoggedRequest[] = [];
  const files: LoggedFileRequest[] = [];
  let fault: ActiveFault | undefined;
  let latencyMs = options.latencyMs ?? 0;
  let skew = options.clockSkewSeconds ?? 0;
  let legacy = options.legacyReferences ?? false;
  const fileServing: FileServing = { bytesPerSecond: 0, mode: 'origin', earlyHints: false };
  const replaced = new Map<string, Replacement>();
  const sockets = new Set<Socket>();
  let baseUrl = '';
  const seen = new Set<string>();
  const revoked = new Set<string>();
  const issued = new Map<string, string>();
  const tokens = new Map<string, SandboxAppToken>();
  const now = () => Math.floor(Date.now() / 1000) + skew;
  const api = createApi({
    baseUrl: () => baseUrl,
    now,
    extraEntries: options.extraEntries ?? [],
    seen,
    revoked,
    replaced,
    issued,
    tokens,
  });

  const answerOne = (service: string, action: string, params: Params): Json => {
    if (fault?.kind === 'internal-error' && fault.action === `${service}.${action}` && fault.left > 0) {
      fault.left -= 1;
      return errorObject(errors.internal());
    }
    try {
      return api.dispatch(service, action, params);
    } catch (error) {
      if (error instanceof Die) throw error;
      return errorObject(error instanceof ApiError ? error : errors.internal());
    }
  };

  const runMultirequest = (params: Params, entry: LoggedRequest): Json => {
    const keys = Object.keys(params)
      .filter((k) => /^[0-9]+$/.test(k))
      .map(Number)
      .sort((a, b) => a - b);
    const results: Json[] = [];
    const common = { ks: params.ks };
    for (let key = Math.min(keys[0] ?? 1, 1); ; key += 1) {
      const sub = params[String(key)] as Params | undefined;
      if (!sub || typeof sub.service !== 'string' || typeof sub.action !== 'string') break;
      const resolved = resolveReferences({ ...common, ...sub }, results, legacy) as Params;
      const service = String(resolved.service).toLowerCase();
      const action = String(resolved.action).toLowerCase();
      entry.calls.push({ service, action, params: resolved });
      results.push(answerOne(service, action, resolved));
    }
    return results;
  };

  /** Consumes one use of the fault for this request, if it applies; returns it. */
  const takeFault = (body: string): ActiveFault | undefined => {
    if (!fault || fault.kind === 'internal-error') return undefined;
    if (fault.match !== undefined && !body.includes(fault.match)) return undefined;
    if (fault.toSkip > 0) {
      fault.toSkip -= 1;
      return undefined;
    }
    if (fault.left <= 0) return undefined;
    const taken = fault;
    fault.left -= 1;
    if (fault.left === 0) fault = undefined;
    return taken;
  };

  /** Answers as a broken server or proxy would; true when it did (or chose never to answer). */
  const misbehave = (kind: FaultKind, req: IncomingMessage, res: ServerResponse): boolean => {
    switch (kind) {
      case 'http500':
      case 'http503':
        res.writeHead(kind === 'http500' ? 500 : 503, { 'Content-Type': 'text/html' });
        res.end('<html><body><h1>Service unavailable</h1></body></html>');
        return true;
      case 'html':
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<!DOCTYPE html><html><body>Please log in to the proxy</body></html>');
        return true;
      case 'empty':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('');
        return true;
      case 'truncated':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"objects":[{"id":"1_demof001","entr');
        return true;
      case 'garbage-json':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"unexpected":true}');
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang':
        return true; // never answer; the client's deadline or cancellation must end it
      default:
        return false;
    }
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, path: string, body: string) => {
    const match = /^\/api_v3\/service\/([^/]+)(?:\/action\/([^/]+))?/i.exec(path);
    let params: Params = {};
    // Kaltura reads the body as JSON only for exactly this content type, and only an object.
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    const trimmed = body.trim();
    if (contentType === 'application/json' && trimmed.startsWith('{') && trimmed.endsWith('}')) {
      try {
        params = JSON.parse(body) as Params;
      } catch {
        params = {};
      }
    }
    const entry: LoggedRequest = { path, body, multirequest: false, calls: [], clientGone: false };
    log.push(entry);
    res.on('close', () => {
      if (!res.writableFinished) entry.clientGone = true;
    });
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const taken = takeFault(body);
    if (taken && misbehave(taken.kind, req, res)) return;
    if (!match) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const service = match[1]!.toLowerCase();
    // Absent, Kaltura answers in XML (2); 1 is JSON; an unknown format dies.
    const format = params.format === undefined ? 2 : Number(params.format);
    let answer: Json;
    try {
      if (![1, 2, 3, 9].includes(format))
        throw new Die(
          'UNKNOWN_RESPONSE_FORMAT',
          `Response format provided [${String(params.format)}] is not recognized by server`,
        );
      if (service === 'multirequest') {
        entry.multirequest = true;
        answer = runMultirequest(params, entry);
      } else {
        const action = (match[2] ?? String(params.action ?? '')).toLowerCase();
        entry.calls.push({ service, action, params });
        answer = answerOne(service, action, params);
      }
    } catch (error) {
      if (!(error instanceof Die)) throw error;
      // The PHP process ends: an empty 200, whatever else the request asked for.
      res.writeHead(200, { 'Content-Type': 'text/html', ...error.headers() });
      res.end();
      return;
    }
    if (format === 1) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(toJson(answer));
    } else if (format === 2) {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(toXml(answer));
    } else {
      res.writeHead(501, { 'Content-Type': 'text/plain' });
      res.end(`the sandbox does not implement format ${format}`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Every answer carries Kaltura's clock, as its web server sends it.
    res.setHeader('Date', new Date(now() * 1000).toUTCString());
    if ((req.method === 'GET' || req.method === 'HEAD') && isFilePath(path)) {
      const entry: LoggedFileRequest = {
        path,
        method: req.method,
        range: req.headers.range,
        ifRange: req.headers['if-range'] as string | undefined,
        via: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
        status: 0,
        bytesSent: 0,
        clientGone: false,
      };
      files.push(entry);
      const deps = {
        findFlavor: api.findFlavor,
        captionById: api.captionById,
        entryById: api.entryById,
        secretOf: (pid: number) => partnerOf(pid)?.adminSecret,
        now,
      };
      serveFile(req, res, path, deps, fileServing, entry);
      return;
    }
    await handleApi(req, res, path, body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
  let connectionCount = 0;
  server.on('connection', (socket) => {
    connectionCount += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    log,
    files,
    actions: () => log.flatMap((r) => r.calls.map((c) => `${c.service}.${c.action}`)),
    clearLog: () => {
      log.length = 0;
      files.length = 0;
    },
    setFault: (f) => {
      fault = f ? { ...f, left: f.times ?? Number.POSITIVE_INFINITY, toSkip: f.skip ?? 0 } : undefined;
    },
    revokeSessions: () => {
      for (const ks of seen) revoked.add(ks);
    },
    addAppToken: (partnerId, fields) => api.addAppToken(partnerId, fields),
    disableAppToken: (id) => {
      const token = tokens.get(id);
      if (token) token.status = AppTokenStatus.DISABLED;
    },
    appTokens: () => [...tokens.values()],
    issuedBy: (ks) => issued.get(ks),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setClockSkew: (seconds) => {
      skew = seconds;
    },
    setLegacyReferences: (value) => {
      legacy = value;
    },
    setFileServing: (serving) => {
      Object.assign(fileServing, serving);
    },
    replaceFlavorFile: (flavorId, bytes) => {
      const found = api.findFlavor(flavorId);
      if (!found) throw new Error(`no flavor ${flavorId}`);
      replaced.set(flavorId, { version: found.flavor.version + 1, updatedAt: now(), ...(bytes ? { bytes } : {}) });
    },
    connections: () => connectionCount,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
