/**
 * Serving over stdio: stdout carries JSON-RPC only. Stdin closing, SIGTERM or SIGINT end the
 * process within a second, answering the calls in flight first when they finish in time.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Logger } from '../logging.js';
import type { Slots } from '../slots.js';

/** How long shutdown waits for calls in flight to be answered before leaving anyway. */
const SHUTDOWN_GRACE_MS = 750;

/**
 * Connects `server` to stdin/stdout and ends the process when the client goes away or a signal
 * asks; `onShutdown` runs first (it stops long work such as saves, which then clean up).
 */
export async function serveStdio(
  server: Server,
  logger: Logger,
  slots: readonly Slots[],
  onShutdown: () => void = () => undefined,
): Promise<void> {
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info('shutting down', { reason, callsInFlight: slots.reduce((sum, s) => sum + s.pending, 0) });
    onShutdown();
    // Calls in flight get a moment to be answered; then the server closes and the process leaves
    // (within a second, whatever hangs).
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 200).unref();
    void Promise.all(slots.map((s) => s.idle(SHUTDOWN_GRACE_MS)))
      // The last answer is sent a few microtasks after its call leaves the slots; then wait for
      // stdout (an asynchronous pipe) to take everything written.
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(stdoutDrained)
      .then(() => server.close())
      .finally(() => process.exit(0));
  };
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await server.connect(new StdioServerTransport());
}

/** Resolves once stdout has handed everything written to it to the OS (the exit timer bounds the wait). */
async function stdoutDrained(): Promise<void> {
  while (process.stdout.writableLength > 0) await new Promise((resolve) => setTimeout(resolve, 10));
}
