/**
 * createServer(): the MCP server with its tools registered, nothing else (the transport is
 * chosen in index.ts).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { KalturaClientManager } from './kaltura/client-manager.js';
import type { Logger } from './logger.js';
import { LazyAjvValidator } from './json-schema-validator.js';
import { Slots } from './slots.js';
import { registerGetDownloadUrlTool } from './tools/get-download-url.js';
import { registerGetMediaEntryTool } from './tools/get-media-entry.js';
import { registerGetThumbnailUrlTool } from './tools/get-thumbnail-url.js';
import { registerListMediaEntriesTool } from './tools/list-media-entries.js';
import type { ToolDeps } from './tools/run.js';

/**
 * Tool calls at work at once; more wait their turn. Bursts then cost Kaltura (and this
 * process's memory) a bounded amount: 32 keeps RSS under 90 MB through 200 concurrent calls.
 */
export const MAX_CONCURRENT_CALLS = 32;

/** The server's name and version as announced at initialize. */
export const SERVER_INFO = { name: 'kaltura-mcp', version: '0.1.0' } as const;

/**
 * Builds the MCP server; every tool reaches Kaltura through `manager`, and every call passes
 * through `slots` (which also lets the caller wait for calls in flight at shutdown).
 */
export function createServer(
  manager: KalturaClientManager,
  logger: Logger,
  slots = new Slots(MAX_CONCURRENT_CALLS),
): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {} },
    jsonSchemaValidator: new LazyAjvValidator(),
  });
  const deps: ToolDeps = { door: (stats) => manager.forCall(stats), logger, slots };
  registerListMediaEntriesTool(server, deps);
  registerGetMediaEntryTool(server, deps);
  registerGetDownloadUrlTool(server, deps);
  registerGetThumbnailUrlTool(server, deps);
  return server;
}
