/**
 * Remote mode: MCP over Streamable HTTP at `POST /mcp`, stateless (no session id: any replica
 * answers any request), each request carrying the caller's own KS; HTTPS when given a
 * certificate (a KS is a bearer credential). Safe by default: loopback
 * unless told otherwise, Host and Origin checked against the allowed host names (DNS
 * rebinding), bodies capped at 1 MB, tool calls capped per KS as well as overall, requests per
 * caller address capped and its refused keys counted against it (caller-limits.ts), connections
 * capped (connections.ts), malformed structures refused before anything recurses into them.
 * Answers JSON, or one SSE event to a client that accepts only `text/event-stream`. SIGTERM
 * stops accepting, answers the calls in flight, and exits 0.
 *
 * The order of the checks is the order of their cost: address limits and the KS's shape before
 * the body is read; the body's structure before the SDK parses it; the address's record of
 * refused keys before a call with an unproven key may reach Kaltura.
 */
import { createHash } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { isLoopbackHost } from '../kaltura/config.js';
import { ksPartnerId } from '../kaltura/ks.js';
import { errorDetail, type Logger } from '../logging.js';
import { Abandoned, KeyedSlots, SlotsFull, type Slots } from '../slots.js';
import type { CallRecord } from '../tools/tool-call.js';
import { answerType, type AnswerType } from './answer-type.js';
import { callerAddress, callerKey } from './caller-address.js';
import { CallerLimits, type Verdict } from './caller-limits.js';
import { capConnections, capHandshakes, CONNECTION_TIMEOUTS, TLS_TIMEOUTS } from './connections.js';
import { invalidRequest } from './invalid-request.js';
import { structureProblem } from './message-shape.js';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How long SIGTERM waits for requests in flight before leaving anyway. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface HttpOptions {
  host: string;
  port: number;
  /** Host names clients may use (the Host header, and any Origin); loopback names always may when bound to loopback. */
  allowedHosts: string[];
  /** PEM certificate chain and private key: serve HTTPS (node:https) instead of plain HTTP. */
  tls?: { cert: Buffer; key: Buffer };
  /** Proxies in front whose X-Forwarded-For entries are believed (0: the TCP peer is the caller). */
  trustProxy: number;
  logger: Logger;
  /** Tool calls at work at once, over every caller (with its bounded queue). */
  overall: Slots;
  /** Tool calls of one KS at work at once, and waiting. */
  perKs: { calls: number; waiting: number };
  /** Requests of one caller address in flight at once. */
  perAddress: number;
  /** Open connections at most. */
  maxConnections: number;
  /**
   * The MCP server for one request: its tools call Kaltura with `ks` through `slots` (which
   * bound the caller and everyone), and report each call's record.
   */
  serverFor(ks: string, slots: Pick<Slots, 'run'>, report: (record: CallRecord) => void): Server;
}

/** What the log line of one HTTP request holds: never a KS, a URL's path beyond /mcp, or a body. */
interface RequestRecord {
  method: string;
  path: string;
  status?: number;
  rpc?: string;
  partnerId?: number;
  tool?: string;
  outcome?: string;
  kalturaRequests?: number;
  ignoredArguments?: string[];
}

/** Starts listening; resolves with the address once it does. */
export async function serveHttp(options: HttpOptions): Promise<{ url: string; server: HttpServer | HttpsServer }> {
  const allowed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  if (isLoopbackHost(options.host)) for (const name of ['localhost', '127.0.0.1', '::1']) allowed.add(name);
  const perKs = new KeyedSlots(options.perKs.calls, options.perKs.waiting);
  const callers = new CallerLimits(options.perAddress);
  /**
   * The calls in flight in this process, by their caller's key and JSON-RPC id: a client cancels
   * a call with a notification in a request of its own, which only this registry can connect to
   * the call (a replica that did not take the call cannot cancel it).
   */
  const cancellable = new Map<string, () => void>();
  let inFlight = 0;
  let closing = false;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const record: RequestRecord = { method: req.method ?? '?', path: (req.url ?? '/').split('?')[0]! };
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      record.status = res.statusCode;
      // A call whose client left before its answer was cancelled, whether its notification came
      // first or the connection closed first (the handler's own record may arrive after this line).
      if (record.rpc === 'tools/call' && !res.writableFinished && record.outcome === undefined) {
        record.outcome = 'cancelled';
      }
      options.logger.info('http request', { ...record, ms: Math.round(performance.now() - started) });
      // Shutting down: a connection whose request is answered is not kept alive.
      if (closing) {
        http.closeIdleConnections();
        connections.closeIdle();
      }
    });
    handle(req, res, record).catch((error: unknown) => {
      // A client that went away mid-body ends its own request: nothing went wrong here.
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (req.destroyed && (code === 'ECONNRESET' || (error as Error | undefined)?.message === 'aborted')) {
        record.outcome = 'client gone';
        return;
      }
      options.logger.error('http request failed unexpectedly', { detail: errorDetail(error) });
      if (!res.headersSent)
        sendJson(res, 500, { error: 'internal_error', message: 'internal error; see the server log' });
      else res.destroy();
    });
  };
  // Connections that idle or dawdle are not kept (CONNECTION_TIMEOUTS), and no more than
  // maxConnections are open: with TLS they are counted once their handshake is done.
  const http = options.tls
    ? httpsServer(options.tls, onRequest)
    : createHttpServer({ ...CONNECTION_TIMEOUTS }, onRequest);
  const connections = capConnections(http, options.maxConnections, options.tls ? 'secureConnection' : 'connection');
  const handshakes = options.tls ? capHandshakes(http, options.maxConnections) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    if (record.path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendJson(res, 200, { status: 'ok' });
    }
    const host = hostName(req.headers.host);
    if (!host || !allowed.has(host)) {
      return sendJson(res, 403, {
        error: 'forbidden',
        message: `host "${host ?? ''}" is not allowed; start the server with --allowed-hosts naming it`,
      });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(hostName(safeUrlHost(origin)) ?? '')) {
      return sendJson(res, 403, { error: 'forbidden', message: 'this Origin is not allowed' });
    }
    if (record.path !== '/mcp')
      return sendJson(res, 404, { error: 'not_found', message: 'MCP is served at POST /mcp' });
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, {
        error: 'method_not_allowed',
        message: 'this server is stateless: send every MCP message as POST /mcp (no GET stream, no session to DELETE)',
      });
    }
    const answer = answerType(req.headers.accept);
    if (!answer) {
      return sendJson(res, 406, {
        error: 'not_acceptable',
        message:
          'this server answers in application/json (or, to a client that accepts only text/event-stream, as one SSE event); the Accept header allows neither',
      });
    }
    const address = callerKey(
      callerAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], options.trustProxy),
    );
    const entered = callers.enter(address);
    if ('refused' in entered) return tooManyRequests(res, entered.refused);
    res.once('close', entered.leave);

    // Node keeps the first of two Authorization headers: which one the caller meant is a guess.
    const authorizations = req.rawHeaders.filter((name, at) => at % 2 === 0 && name.toLowerCase() === 'authorization');
    if (authorizations.length > 1) {
      return sendJson(res, 400, {
        error: 'bad_request',
        message: `${authorizations.length} Authorization headers: send one, "Authorization: Bearer <KS>"`,
      });
    }
    const ks = bearerKs(req.headers.authorization);
    const partnerId = ks === undefined ? undefined : ksPartnerId(ks);
    if (ks === undefined || partnerId === undefined) {
      res.setHeader(
        'WWW-Authenticate',
        `Bearer realm="kaltura-mcp"${req.headers.authorization ? ', error="invalid_token"' : ''}`,
      );
      return sendJson(res, 401, {
        error: 'unauthorized',
        message: `${req.headers.authorization ? 'The Authorization header does not hold a Kaltura session key. ' : ''}Send your Kaltura session key (KS) with every request: "Authorization: Bearer <KS>" (or "Authorization: KS <KS>").`,
      });
    }
    record.partnerId = partnerId;
    const key = keyOf(ks);
    // A key Kaltura has accepted passes; any other is judged by its address's refused keys.
    const accepted = callers.isAccepted(key);
    if (!accepted) {
      const verdict = callers.verdict(address);
      if (!verdict.go) return tooManyRequests(res, verdict);
    }
    // A compressed body would read as bytes that are not JSON: say what is wrong instead.
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      return sendJson(res, 415, {
        error: 'unsupported_media_type',
        message: `Content-Encoding ${encoding.slice(0, 40)} is not supported: send the body uncompressed`,
      });
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'too large') {
      return sendJson(res, 413, {
        error: 'payload_too_large',
        message: `bodies are limited to ${MAX_BODY_BYTES} bytes`,
      });
    }
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: 'Parse error: the body is not JSON' },
      });
    }
    if (Array.isArray(message) && message.length === 0) {
      // JSON-RPC 2.0 section 6: an empty batch is an Invalid Request, answered as one.
      return sendJson(res, 400, {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'Invalid Request: an empty batch; send one JSON-RPC message' },
      });
    }
    if (Array.isArray(message) && message.some((m) => (m as { method?: unknown } | null)?.method === 'tools/call')) {
      // Each tool call is counted against its caller's limits (calls in flight, refused keys) as
      // a request of its own; a batch of a hundred calls would be counted as one.
      record.outcome = 'invalid request';
      return sendJson(res, 400, {
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32600,
          message:
            'Invalid Request: a tools/call in a batch; send each tool call as a request of its own (MCP has no batches since its 2025-06-18 revision)',
        },
      });
    }
    const problem = structureProblem(message);
    if (problem) {
      // To the request's own id when it is one (the problem may lie elsewhere, deep in params).
      const readable = (message as { id?: unknown } | null)?.id;
      const id = typeof readable === 'string' || Number.isSafeInteger(readable) ? readable : null;
      return sendJson(res, 400, {
        jsonrpc: '2.0',
        id,
        error: { code: -32600, message: `Invalid Request: ${problem}` },
      });
    }
    const { method, id, params } = (message ?? {}) as { method?: unknown; id?: unknown; params?: unknown };
    if (typeof method === 'string') record.rpc = method;
    // A message the SDK would refuse with a parse error naming nothing: said what is wrong, to
    // the request's own id when it has one (a batch is left to the SDK).
    const refusal = Array.isArray(message) ? undefined : invalidRequest(message);
    if (refusal) {
      record.outcome = 'invalid request';
      const reply = refusal.answer ?? {
        jsonrpc: '2.0',
        id: null,
        error: { code: ErrorCode.InvalidRequest, message: `Invalid Request: ${refusal.reason}` },
      };
      return reply.id === null ? sendJson(res, 400, reply) : sendMessage(res, answer, reply);
    }
    const callKey = (requestId: unknown) => `${key}:${JSON.stringify(requestId)}`;
    if (method === 'notifications/cancelled') {
      cancellable.get(callKey((params as { requestId?: unknown } | null)?.requestId))?.();
    }

    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    const respond = async () => {
      // The request is over when its answer is sent or its client has gone, whichever is first.
      const answered = answerWithSdk(req, res, record, { ks, key, message, method, id, answer });
      // A failure after the client has gone has no one to answer (before, it is a 500).
      answered.catch(() => undefined);
      await Promise.race([answered, closed]);
      callers.settle(address, key, record.outcome);
    };
    if (method !== 'tools/call' || accepted) return respond();
    // A call with a key Kaltura has not accepted yet: a few at a time per address, each judged
    // by the address's refused keys when its turn comes (earlier ones may have been refused).
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    try {
      await callers.runUnproven(
        address,
        async () => {
          const verdict = callers.verdict(address);
          if (!verdict.go) return tooManyRequests(res, verdict);
          if (verdict.delayMs > 0) await sleep(verdict.delayMs, undefined, { signal: gone.signal });
          await respond();
        },
        gone.signal,
      );
    } catch (error) {
      // The client left while it waited: nothing to answer.
      if (error instanceof Abandoned || gone.signal.aborted) return;
      if (error instanceof SlotsFull) {
        return tooManyRequests(res, {
          go: false,
          retryAfterSeconds: 1,
          why: 'this address has too many calls waiting already',
        });
      }
      throw error;
    }
  }

  /** Hands the request to an MCP server of its own, over the SDK's stateless transport. */
  async function answerWithSdk(
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
    request: { ks: string; key: string; message: unknown; method: unknown; id: unknown; answer: AnswerType },
  ): Promise<void> {
    const { ks, key, message, method, id } = request;
    const slots = {
      run: <T>(task: () => Promise<T>, signal?: AbortSignal) =>
        perKs.run(key, () => options.overall.run(task, signal), signal),
    };
    const server = options.serverFor(ks, slots, (call) => {
      record.tool = call.tool;
      record.outcome = call.outcome;
      record.kalturaRequests = call.kalturaRequests;
      if (call.ignoredArguments) record.ignoredArguments = call.ignoredArguments;
    });
    // JSON, or the same answer as SSE events for a client that accepts only text/event-stream.
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: request.answer === 'json',
    });
    // A client that goes away, or cancels, ends its call: closing the server aborts its handler
    // (the Kaltura request, the slot).
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    if (method === 'tools/call' && id !== undefined) {
      const call = `${key}:${JSON.stringify(id)}`;
      // A cancelled call's request still gets an HTTP answer, a JSON-RPC error the client (which
      // stopped waiting for it) ignores: a connection closed without one reads as a failed
      // replica to a load balancer, which would run the call again on another.
      const cancel = () => {
        record.outcome = 'cancelled';
        const cancelled = {
          jsonrpc: '2.0',
          id,
          error: { code: REQUEST_CANCELLED, message: 'Request cancelled: notifications/cancelled named it' },
        };
        if (!res.headersSent) return sendMessage(res, request.answer, cancelled);
        // An event stream the SDK opened already (it sends its headers at once): the answer is its last event.
        if (request.answer !== 'json' && !res.writableEnded) {
          return void res.end(`event: message\ndata: ${JSON.stringify(cancelled)}\n\n`);
        }
        res.destroy();
      };
      cancellable.set(call, cancel);
      res.on('close', () => {
        if (cancellable.get(call) === cancel) cancellable.delete(call);
      });
    }
    acceptBothForSdk(req);
    await server.connect(transport);
    await transport.handleRequest(req, res, message);
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const shutdown = (reason: string) => {
    if (closing) {
      // A second Ctrl+C: whoever pressed it does not want to wait for the grace.
      if (reason !== 'SIGINT') return;
      options.logger.warn('interrupted again: leaving now', { requestsCut: inFlight });
      process.exit(130);
    }
    closing = true;
    options.logger.info('shutting down', { reason, requestsInFlight: inFlight });
    http.close(() => process.exit(0));
    http.closeIdleConnections();
    connections.closeIdle();
    handshakes?.closePending();
    setTimeout(() => {
      // Calls longer than the grace (a Kaltura request may take KALTURA_REQUEST_TIMEOUT_MS) are cut: said, and counted.
      if (inFlight > 0) {
        options.logger.warn(
          `shutting down: ${inFlight} requests still in flight after the ${SHUTDOWN_GRACE_MS / 1000} s grace were cut`,
          {
            requestsCut: inFlight,
          },
        );
      }
      process.exit(0);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return { url: `${options.tls ? 'https' : 'http'}://${shown}:${address.port}`, server: http };
}

/** node:https with the same handler; a certificate or key it cannot use is said plainly. */
function httpsServer(
  tls: { cert: Buffer; key: Buffer },
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): HttpsServer {
  try {
    return createHttpsServer({ cert: tls.cert, key: tls.key, ...CONNECTION_TIMEOUTS, ...TLS_TIMEOUTS }, onRequest);
  } catch (error) {
    throw new Error(
      `the TLS certificate and key cannot be used (${(error as Error).message}): give a PEM certificate chain and its matching PEM private key`,
    );
  }
}

/** The KS of `Authorization: Bearer <ks>` or `Authorization: KS <ks>`. */
function bearerKs(header: string | undefined): string | undefined {
  const match = /^(?:Bearer|KS)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The host name of a Host header (no port, no IPv6 brackets), in lower case. */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim());
  return match ? match[1]!.replace(/^\[|\]$/g, '').toLowerCase() : undefined;
}

function safeUrlHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * The SDK's transport answers 406 unless Accept names both JSON and SSE; which of the two this
 * request is answered in has been decided already (answer-type.ts), and the transport is built
 * for it. The SDK reads the raw headers, so both copies are set.
 */
function acceptBothForSdk(req: IncomingMessage): void {
  const both = 'application/json, text/event-stream';
  req.headers.accept = both;
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === 'accept') raw.splice(i, 2);
  raw.push('Accept', both);
}

/** 429 with Retry-After: the caller's address is over a limit (caller-limits.ts). */
function tooManyRequests(res: ServerResponse, verdict: Verdict & { go: false }): void {
  res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
  sendJson(res, 429, {
    error: 'too_many_requests',
    message: `${verdict.why}; try again in ${verdict.retryAfterSeconds} s`,
  });
}

/** A JSON-RPC answer, as the request's Accept asked: JSON, or one SSE `message` event. */
/** The JSON-RPC error code of a request its client cancelled (the one LSP uses; MCP names none). */
const REQUEST_CANCELLED = -32800;

function sendMessage(res: ServerResponse, type: AnswerType, message: unknown): void {
  if (type === 'json') return sendJson(res, 200, message);
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.end(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The body, or 'too large' as soon as it passes `limit` (the rest is not read). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return 'too large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return 'too large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A KS as a key: its hash, so that no key is kept in memory longer than its request. */
function keyOf(ks: string): string {
  return createHash('sha256').update(ks).digest('hex');
}
