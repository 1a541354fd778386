#!/usr/bin/env node
/**
 * Entry point: reads the environment, builds the server and serves it over stdio. stdout carries
 * JSON-RPC only; diagnostics go to stderr.
 */
import { loadDotEnv, serverDirectory } from './env-file.js';
import { KalturaClientManager } from './kaltura/client-manager.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, readConnectionConfig } from './kaltura/config.js';
import { createLogger, isDebug, serveMcpLogging } from './logging.js';
import { Redactor } from './redact.js';
import { createServer } from './server.js';
import { Slots } from './slots.js';
import { ALL_TOOLS } from './tools/all-tools.js';
import { serveStdio } from './transports/stdio.js';

/**
 * Tool calls at work at once; more wait their turn. Bursts then cost Kaltura (and this
 * process's memory) a bounded amount: 32 keeps RSS under 90 MB through 200 concurrent calls.
 */
const MAX_CONCURRENT_CALLS = 32;
/** Saves at once (each holds a connection and a file open for its whole download). */
const MAX_CONCURRENT_SAVES = 4;

/** KALTURA_REQUEST_TIMEOUT_MS, or its default while the configuration is broken (calls will say why). */
function requestTimeoutMs(env: Record<string, string | undefined>): number {
  try {
    return readConnectionConfig(env).requestTimeoutMs;
  } catch {
    return DEFAULT_REQUEST_TIMEOUT_MS;
  }
}

async function main(): Promise<void> {
  const redactor = new Redactor();
  const logger = createLogger(redactor, { debug: () => isDebug(process.env) });
  const ownDirectory = serverDirectory(process.argv[1]);
  const dotEnvFile = loadDotEnv(process.env, [...(ownDirectory ? [ownDirectory] : []), process.cwd()]);
  // Nothing dies silently: a stray rejection is logged and the server keeps serving; an
  // uncaught exception is logged and ends the process (its state can no longer be trusted).
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { detail: describe(reason) });
  });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception; exiting', { detail: describe(error) });
    process.exit(1);
  });

  const manager = new KalturaClientManager({ env: process.env, log: logger, masker: redactor });
  const slots = { calls: new Slots(MAX_CONCURRENT_CALLS), saves: new Slots(MAX_CONCURRENT_SAVES) };
  const settings = { downloadDir: process.env.KALTURA_DOWNLOAD_DIR, requestTimeoutMs: requestTimeoutMs(process.env) };
  const server = createServer(ALL_TOOLS, { door: (scope) => manager.forCall(scope), logger, slots, settings });
  serveMcpLogging(server, logger);
  await serveStdio(server, logger, Object.values(slots));
  logger.info('kaltura-mcp ready on stdio', { dotEnv: dotEnvFile ? 'loaded' : 'none' });
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return typeof reason;
}

main().catch((error: unknown) => {
  process.stderr.write(`kaltura-mcp failed to start: ${describe(error)}\n`);
  process.exit(1);
});
