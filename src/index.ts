#!/usr/bin/env node
/**
 * Entry point: the stdio MCP server. stdout carries JSON-RPC only; diagnostics go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isDebug, loadDotEnv, serverDirectory } from './config.js';
import { KalturaClientManager } from './kaltura/client-manager.js';
import { createLogger } from './logger.js';
import { Redactor } from './redact.js';
import { createServer } from './server.js';

async function main(): Promise<void> {
  const redactor = new Redactor();
  const logger = createLogger(redactor, { debug: () => isDebug(process.env) });
  const ownDirectory = serverDirectory(process.argv[1]);
  const dotEnvFile = loadDotEnv(process.env, [...(ownDirectory ? [ownDirectory] : []), process.cwd()]);
  const manager = new KalturaClientManager({ env: process.env, logger, redactor });
  const server = createServer(manager, logger);
  const transport = new StdioServerTransport();

  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info('shutting down', { reason });
    // Give the transport a moment to flush answers already written, then leave regardless.
    setTimeout(() => process.exit(0), 500).unref();
    server.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { detail: describe(reason) });
  });

  await server.connect(transport);
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
