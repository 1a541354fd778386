/**
 * A streaming HTTP/1.1 GET whose body is read into a small, fixed pool of buffers: a download of
 * any size costs the same memory. Node's fetch and http allocate a new buffer for every read of
 * the socket, so a fast download of 512 MB leaves tens of MB behind before the collector frees
 * them; the socket's `onread` option lets it read into buffers that are used again instead.
 * Handles Content-Length, chunked and close-delimited bodies, redirects, http and https.
 */
import { connect as connectTcp, isIP, type OnReadOpts, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

/** The status and headers of the answer (header names in lower case). */
export interface GetResponse {
  status: number;
  headers: Map<string, string>;
  /** Content-Length, when the server sent one. */
  contentLength?: number;
}

export interface GetOptions {
  /** Aborts the request (the socket is destroyed and the promise rejects with the signal's reason). */
  signal: AbortSignal;
  /** The answer's status and headers, before any body; may throw to stop there. */
  onResponse(response: GetResponse): void | Promise<void>;
  /** A piece of the body, valid only until the promise resolves (its memory is reused). */
  onBody(chunk: Uint8Array): Promise<void>;
  userAgent: string;
}

/** How the body ended: in full, or cut off (the connection closed early). */
export interface GetResult {
  response: GetResponse;
  bytes: number;
  complete: boolean;
}

const BUFFER_SIZE = 64 * 1024;
const BUFFERS = 4;
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;

/** GETs `url`, following up to five redirects, streaming the body through `onBody`. */
export async function httpGet(url: string, options: GetOptions): Promise<GetResult> {
  let target = new URL(url);
  for (let redirects = 0; ; redirects += 1) {
    const outcome = await getOnce(target, options);
    if ('redirect' in outcome) {
      if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      target = new URL(outcome.redirect, target);
      continue;
    }
    return outcome;
  }
}

type Outcome = GetResult | { redirect: string };

function getOnce(url: URL, options: GetOptions): Promise<Outcome> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new Error(`cannot download a ${url.protocol} URL`));
  }
  return new Promise<Outcome>((resolve, reject) => {
    const pool: Buffer[] = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafe(BUFFER_SIZE));
    const reads: Array<{ buffer: Buffer; length: number }> = [];
    const parser = new ResponseParser();
    let ended = false;
    let working = false;
    let settled = false;
    let delivered = 0;
    const secure = url.protocol === 'https:';
    const port = Number(url.port) || (secure ? 443 : 80);
    // An IPv6 host comes in brackets; SNI names a host, never an address.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const onread: OnReadOpts = {
      buffer: () => pool.pop() ?? Buffer.allocUnsafe(BUFFER_SIZE),
      callback: (length: number, buffer: Uint8Array) => {
        reads.push({ buffer: buffer as Buffer, length });
        void work();
        // The next read takes a buffer from the pool as soon as this returns: when that would be
        // the last one, stop reading until the writes give one back.
        return pool.length > 1;
      },
    };
    // TLS sockets honour onread too (Node's typings only declare it for plain sockets).
    const tlsOptions: ConnectionOptions & { onread: OnReadOpts } = {
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }),
      onread,
    };
    const socket: Socket = secure ? connectTls(tlsOptions) : connectTcp({ host, port, onread });
    const finish = (error: unknown, outcome?: Outcome) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (outcome) resolve(outcome);
      else reject(error);
    };
    const onAbort = () => finish(options.signal.reason);

    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: ${options.userAgent}\r\n` +
          'Accept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n',
      );
    });
    socket.on('error', (error) => finish(error));
    // The server ending its side and the socket closing both mean no more bytes will come.
    const noMoreBytes = () => {
      ended = true;
      void work();
    };
    socket.on('end', noMoreBytes);
    socket.on('close', noMoreBytes);
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });

    /** Takes the reads in order, one at a time, each through the parser and `onBody`. */
    async function work(): Promise<void> {
      if (working || settled) return;
      working = true;
      try {
        while (reads.length > 0 && !settled) {
          const { buffer, length } = reads.shift()!;
          const parsed = parser.push(buffer.subarray(0, length));
          if (parsed.response && !parser.announced) {
            parser.announced = true;
            const location = parsed.response.headers.get('location');
            if (parsed.response.status >= 300 && parsed.response.status < 400 && location) {
              return finish(undefined, { redirect: location });
            }
            await options.onResponse(parsed.response);
          }
          for (const chunk of parsed.body) {
            delivered += chunk.byteLength;
            await options.onBody(chunk);
          }
          if (pool.length < BUFFERS) pool.push(buffer);
          // Reading stopped when the callback said so; resume() starts it again (a no-op otherwise).
          socket.resume();
          if (parser.done) return finish(undefined, { response: parser.response!, bytes: delivered, complete: true });
        }
        if (ended && reads.length === 0) {
          if (!parser.response) return finish(new Error('the connection closed before an answer'));
          if (!parser.announced) {
            parser.announced = true;
            await options.onResponse(parser.response);
          }
          // A close-delimited body ends with the connection; any other is cut off.
          const complete = parser.closeDelimited || parser.done;
          return finish(undefined, { response: parser.response, bytes: delivered, complete });
        }
      } catch (error) {
        finish(error);
      } finally {
        working = false;
      }
    }
  });
}

/** Reads an HTTP/1.1 response: the status line and headers, then the body in whatever framing. */
class ResponseParser {
  response?: GetResponse;
  /** onResponse has been called (or the answer was a redirect). */
  announced = false;
  done = false;
  closeDelimited = false;
  private head = Buffer.alloc(0);
  private remaining = 0;
  private chunked = false;
  /** In a chunked body: reading a size line, the data, the CRLF after it, or the trailers. */
  private state: 'size' | 'data' | 'data-end' | 'trailers' = 'size';
  private line = '';

  /** Feeds bytes; returns the response once it is known, and the body bytes these held. */
  push(bytes: Buffer): { response?: GetResponse; body: Uint8Array[] } {
    let rest = bytes;
    if (!this.response) {
      const joined = this.head.length ? Buffer.concat([this.head, bytes]) : bytes;
      const end = joined.indexOf('\r\n\r\n');
      if (end === -1) {
        if (joined.length > MAX_HEADER_BYTES) throw new Error('the answer has over 64 KB of headers');
        // Kept by copy: the read buffer is reused.
        this.head = Buffer.from(joined);
        return { body: [] };
      }
      this.response = parseHead(joined.subarray(0, end).toString('latin1'));
      this.head = Buffer.alloc(0);
      this.startBody();
      rest = joined.subarray(end + 4);
    }
    return { response: this.response, body: this.done ? [] : this.body(rest) };
  }

  private startBody(): void {
    const { headers, contentLength, status } = this.response!;
    if (status === 204 || status === 304) this.done = true;
    else if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) this.chunked = true;
    else if (contentLength !== undefined) {
      this.remaining = contentLength;
      this.done = contentLength === 0;
    } else this.closeDelimited = true;
  }

  private body(bytes: Buffer): Uint8Array[] {
    if (this.closeDelimited) return bytes.length ? [bytes] : [];
    if (!this.chunked) {
      const take = bytes.subarray(0, this.remaining);
      this.remaining -= take.length;
      if (this.remaining === 0) this.done = true;
      return take.length ? [take] : [];
    }
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < bytes.length && !this.done) {
      if (this.state === 'data') {
        const take = bytes.subarray(at, at + this.remaining);
        out.push(take);
        at += take.length;
        this.remaining -= take.length;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      const newline = bytes.indexOf(0x0a, at);
      const end = newline === -1 ? bytes.length : newline + 1;
      this.line += bytes.subarray(at, end).toString('latin1');
      at = end;
      if (newline === -1) {
        if (this.line.length > 4096) throw new Error('a chunked body has a malformed line');
        continue;
      }
      const line = this.line.trim();
      this.line = '';
      if (this.state === 'data-end') this.state = 'size';
      else if (this.state === 'trailers') this.done = line === '';
      else {
        const size = Number.parseInt(line.split(';')[0]!, 16);
        if (!Number.isFinite(size) || size < 0) throw new Error('a chunked body has a malformed size');
        this.remaining = size;
        this.state = size === 0 ? 'trailers' : 'data';
      }
    }
    return out;
  }
}

function parseHead(head: string): GetResponse {
  const [statusLine, ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!status) throw new Error('the answer is not HTTP/1.1');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const length = headers.get('content-length');
  const contentLength = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
  return { status: Number(status[1]), headers, ...(contentLength === undefined ? {} : { contentLength }) };
}
