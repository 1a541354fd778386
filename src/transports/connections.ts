/**
 * Open connections in remote mode, bounded so that file descriptors cannot run out: at most
 * `max` at once; a new connection beyond that closes the oldest idle one (no request in
 * progress), or, when every connection is busy, is closed itself. An idle flood thus never locks
 * out a new caller. Idle connections also end on their own: a keep-alive connection after
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
  /** A whole request (headers and body) within this long; tool calls answer well within it. */
  requestTimeout: 5 * 60_000,
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
): void {
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
    socket.destroy();
  });
  server.on('request', (req, res) => {
    const state = open.get(req.socket);
    if (!state) return;
    clearTimeout(state.silent);
    state.busy += 1;
    res.once('close', () => (state.busy -= 1));
  });
}
