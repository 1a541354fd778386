#!/usr/bin/env node
/**
 * Entry point: the stdio MCP server. stdout carries JSON-RPC only; diagnostics go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isDebug, loadDotEnv, serverDirectory } from './config.js';
import { KalturaClientManager } from './kaltura/client-manager.js';
import { createLogger } from './logger.js';
import { Redactor } from './redact.js';
import { createServer, MAX_CONCURRENT_CALLS } from './server.js';
import { Slots } from './slots.js';

/** How long shutdown waits for calls in flight to be answered before leaving anyway. */
const SHUTDOWN_GRACE_MS = 750;

async function main(): Promise<void> {
  const redactor = new Redactor();
  const logger = createLogger(redactor, { debug: () => isDebug(process.env) });
  const ownDirectory = serverDirectory(process.argv[1]);
  const dotEnvFile = loadDotEnv(process.env, [...(ownDirectory ? [ownDirectory] : []), process.cwd()]);
  const manager = new KalturaClientManager({ env: process.env, logger, redactor });
  const slots = new Slots(MAX_CONCURRENT_CALLS);
  const server = createServer(manager, logger, slots);
  const transport = new StdioServerTransport();

  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info('shutting down', { reason, callsInFlight: slots.pending });
    // Calls in flight get a moment to be answered; then the server closes and the process leaves
    // (within a second, whatever hangs).
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 200).unref();
    void slots
      .idle(SHUTDOWN_GRACE_MS)
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
  // Nothing dies silently: a stray rejection is logged and the server keeps serving; an
  // uncaught exception is logged and ends the process (its state can no longer be trusted).
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { detail: describe(reason) });
  });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception; exiting', { detail: describe(error) });
    process.exit(1);
  });

  await server.connect(transport);
  logger.info('kaltura-mcp ready on stdio', { dotEnv: dotEnvFile ? 'loaded' : 'none' });
}

/** Resolves once stdout has handed everything written to it to the OS (the exit timer bounds the wait). */
async function stdoutDrained(): Promise<void> {
  while (process.stdout.writableLength > 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return typeof reason;
}

main().catch((error: unknown) => {
  process.stderr.write(`kaltura-mcp failed to start: ${describe(error)}\n`);
  process.exit(1);
});
