/**
 * Serving over stdio: stdout carries JSON-RPC only. Stdin closing, SIGTERM or SIGINT end the
 * process within a second, answering the calls in flight first when they finish in time. A line
 * over the read limit is answered with a JSON-RPC error and skipped; the server goes on. If the
 * transport itself fails, the process says why on stderr and exits 1, never silently.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { errorDetail, type Logger } from '../logging.js';
import type { Slots } from '../slots.js';
import { idInHead, lineVerdict } from './invalid-request.js';
import { MAX_LINE_BYTES, SDK_BUFFER_BYTES, StdinLines } from './stdin-lines.js';

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

  const fail = (why: string, detail?: string) => {
    if (closing) return;
    closing = true;
    logger.error(`the stdio transport failed: ${why}; exiting`, detail === undefined ? {} : { detail });
    process.exitCode = 1;
    // stderr gets a moment to take the line, then the process leaves whatever still runs.
    setTimeout(() => process.exit(1), 100).unref();
  };
  const answer = (message: JSONRPCMessage) =>
    void transport.send(mcpShaped(message)).catch((error: unknown) => fail('stdout failed', errorDetail(error)));
  const reader = new StdinLines(process.stdin, {
    output: process.stdout,
    onTooLong: (bytes, head) => answer(lineTooLong(bytes, idInHead(head))),
    // A line the SDK would drop unanswered (the client waiting to its timeout) is answered here.
    accept: (line) => {
      const refusal = lineVerdict(line);
      if (!refusal) return true;
      logger.warn('a message was refused before the server read it', { reason: refusal.reason });
      if (refusal.answer) answer(refusal.answer as unknown as JSONRPCMessage);
      return false;
    },
  });
  const transport = new StdioServerTransport(reader.lines, process.stdout, { maxBufferSize: SDK_BUFFER_BYTES });
  // Set before connect: the server chains its own handlers after these.
  let lastError: string | undefined;
  transport.onerror = (error) => (lastError = errorDetail(error));
  transport.onclose = () => fail('it closed', lastError);
  process.stdin.on('error', (error) => fail('stdin failed', errorDetail(error)));
  process.stdout.on('error', (error) => fail('stdout failed', errorDetail(error)));
  await server.connect(transport);
}

/**
 * The answer to a line over the read limit: JSON-RPC's Invalid Request, to the request's id when
 * its first bytes name one (see {@link idInHead}), else to `null`.
 */
function lineTooLong(bytes: number, id: string | number | null): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: ErrorCode.InvalidRequest,
      message: `Invalid Request: a line of ${bytes} bytes is over the read limit of ${MAX_LINE_BYTES} bytes (10 MiB); it was skipped. Send each JSON-RPC message on one line within the limit.`,
    },
  } as unknown as JSONRPCMessage;
}

/**
 * An error answer for no readable id leaves `id` out on stdio. JSON-RPC 2.0 writes `null` there,
 * but MCP's schema (2025-11-25) makes the id optional and has no null, and a client's reader
 * built on it (the SDK's) takes a line with `id: null` for something that is not MCP at all.
 */
function mcpShaped(message: JSONRPCMessage): JSONRPCMessage {
  if (!('id' in message) || (message as { id: unknown }).id !== null) return message;
  const { id: _null, ...rest } = message as Record<string, unknown>;
  return rest as unknown as JSONRPCMessage;
}

/** Resolves once stdout has handed everything written to it to the OS (the exit timer bounds the wait). */
async function stdoutDrained(): Promise<void> {
  while (process.stdout.writableLength > 0) await new Promise((resolve) => setTimeout(resolve, 10));
}
