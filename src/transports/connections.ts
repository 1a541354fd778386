/**
 * Open connections in remote mode, bounded so that file descriptors cannot run out: at most
 * `max` at once; a new connection beyond that closes the oldest idle one (no request in
 * progress), or, when every connection is busy, is answered `503` with `Retry-After` and closed
 * (a client then knows to come back, where a silent reset left some hanging). An idle flood thus
 * never locks out a new caller; a flood of slow request bodies ends at requestTimeout. Idle
 * connections also end on their own: a keep-alive connection after
 * {@link CONNECTION_TIMEOUTS}.keepAliveTimeout, one that sends incomplete request headers after
 * headersTimeout (Node checks every connectionsCheckingInterval), and one that sends nothing at
 * all (which Node never times out) after headersTimeout as well, closed here.
 */
import type { Server as HttpServer, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';

/** Node HTTP server options: how long a connection may idle or dawdle. */
export const CONNECTION_TIMEOUTS = {
  /** A complete request header must arrive within this long of the connection or the last answer. */
  headersTimeout: 15_000,
  /**
   * A whole request (headers and body) must arrive within this long, else 408: MCP requests are
   * small, and a body dripped a byte at a time would hold a connection for minutes. It does not
   * limit the answer, which may take as long as the call does.
   */
  requestTimeout: 30_000,
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeout: 5_000,
  /** How often Node checks the two timeouts above (its default, 30 s, lets them run late). */
  connectionsCheckingInterval: 1_000,
} satisfies ServerOptions;

/**
 * With TLS, connections are counted once their handshake is done; one that never finishes it
 * is closed after this long (Node's default is two minutes), so those are bounded in time.
 */
export const TLS_TIMEOUTS = { handshakeTimeout: 10_000 } satisfies TlsOptions;

/**
 * Keeps `server`'s open connections at `max` at most, as described above, and closes a
 * connection that has sent no request within `silentMs`. `event` is the one whose socket
 * requests then arrive on: `connection` for HTTP, `secureConnection` for HTTPS (whose requests
 * come on the TLS socket).
 */
export function capConnections(
  server: HttpServer,
  max: number,
  event: 'connection' | 'secureConnection' = 'connection',
  silentMs: number = CONNECTION_TIMEOUTS.headersTimeout,
): { closeIdle(): void } {
  /** Open connections in the order they opened: requests in progress, and the silence timer. */
  const open = new Map<Socket, { busy: number; silent: NodeJS.Timeout }>();
  server.on(event, (socket: Socket) => {
    const state = { busy: 0, silent: setTimeout(() => socket.destroy(), silentMs).unref() };
    open.set(socket, state);
    socket.once('close', () => {
      clearTimeout(state.silent);
      open.delete(socket);
    });
    if (open.size <= max) return;
    for (const [other, { busy }] of open) {
      if (other !== socket && busy === 0) {
        open.delete(other);
        other.destroy();
        return;
      }
    }
    open.delete(socket);
    refuseBusy(socket);
  });
  server.on('request', (req, res) => {
    const state = open.get(req.socket);
    if (!state) return;
    clearTimeout(state.silent);
    state.busy += 1;
    res.once('close', () => (state.busy -= 1));
  });
  return {
    /**
     * Closes every connection with no request in progress, one that never sent a request too
     * (Node's closeIdleConnections leaves those open, and a shutdown then waited for them).
     */
    closeIdle() {
      for (const [socket, { busy }] of open) if (busy === 0) socket.destroy();
    },
  };
}

/**
 * With TLS, {@link capConnections} counts a connection once its handshake is done; this bounds
 * the TCP connections still in their handshake at `max`. A new one beyond it closes the oldest
 * of them (a handshake takes milliseconds; one pending for long is most likely never coming), so
 * that a flood of bare TCP connects neither holds descriptors without bound (15,000 until their
 * handshake timeout, before) nor locks out a caller who does shake hands.
 */
export function capHandshakes(server: HttpServer, max: number): { closePending(): void } {
  /** Connections in their handshake, oldest first, by the peer's address and port. */
  const pending = new Map<string, Socket>();
  const keyOf = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;
  server.on('connection', (socket: Socket) => {
    const key = keyOf(socket);
    if (pending.size >= max) {
      const [oldestKey, oldest] = pending.entries().next().value as [string, Socket];
      pending.delete(oldestKey);
      oldest.destroy();
    }
    pending.set(key, socket);
    socket.once('close', () => {
      if (pending.get(key) === socket) pending.delete(key);
    });
  });
  // The TLS socket of a finished handshake has the same peer as the TCP connection it wraps.
  server.on('secureConnection', (tls: Socket) => pending.delete(keyOf(tls)));
  return {
    /** Closes every connection still in its handshake (at shutdown: none of them holds a request). */
    closePending() {
      for (const socket of pending.values()) socket.destroy();
    },
  };
}

/** The answer to a connection over the cap when every open one is busy: 503, then the socket closes. */
const BUSY_BODY = JSON.stringify({
  error: 'busy',
  message: 'the server has as many connections open as it keeps, all in use: try again in a second',
});
const BUSY_ANSWER = [
  'HTTP/1.1 503 Service Unavailable',
  'Content-Type: application/json',
  `Content-Length: ${Buffer.byteLength(BUSY_BODY)}`,
  'Retry-After: 1',
  'Connection: close',
  '',
  BUSY_BODY,
].join('\r\n');

function refuseBusy(socket: Socket): void {
  // Whatever the client sends meanwhile is not read; the socket goes once the answer is out.
  socket.end(BUSY_ANSWER);
  setTimeout(() => socket.destroy(), 1000).unref();
}
