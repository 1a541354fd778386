/**
 * The get_download_url tool: the original's name, description and arguments, answering with
 * `isError` on failure and `structuredContent` on success.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { internalFailure, type DownloadAnswer, type DownloadRequest, type KalturaDoor } from '../download/answer.js';
import { getDownloadUrlSingleRoundTrip } from '../download/single-round-trip.js';
import type { RequestStats } from '../kaltura/client-manager.js';
import type { Logger } from '../logger.js';
import type { Slots } from '../slots.js';
import { errorResult, successResult } from './result.js';

/** The tool's name, as in the original. */
export const GET_DOWNLOAD_URL = 'get_download_url';

/** The original's description, word for word. */
export const DESCRIPTION =
  "Get direct DOWNLOAD link for video files. USE WHEN: User needs to download/save video locally, export for editing, backup content, share downloadable link. RETURNS: Time-limited secure URL for downloading. EXAMPLE: 'Download video 1_abc123', 'Get mp4 file for editing'. Different from streaming - this is for saving files.";

/** The original's argument descriptions, word for word. */
export const ARGUMENT_DESCRIPTIONS = {
  entry_id: "Video to download (format: '1_abc123')",
  flavor_id:
    'Optional: Choose specific quality/format. Leave empty for default. Use list_media_entries to see available flavors.',
} as const;

const inputSchema = {
  entry_id: z.string().describe(ARGUMENT_DESCRIPTIONS.entry_id),
  flavor_id: z.string().optional().describe(ARGUMENT_DESCRIPTIONS.flavor_id),
};

const outputSchema = {
  entryId: z.string().describe('The entry id asked for'),
  entryName: z.string().nullable().describe("The entry's name"),
  flavorId: z.string().describe('The flavor (rendition) whose file the URL serves'),
  fileSize: z.number().nullable().describe('File size in bytes, or null when Kaltura does not know it'),
  bitrate: z.number().nullable().describe('Bitrate in kbps'),
  format: z.string().nullable().describe('File extension, e.g. mp4'),
  downloadUrl: z.string().describe('The download URL; treat it as a credential'),
};

/** Finds the download URL for one call; the sequential strategy answers the same, in more requests. */
export type DownloadStrategy = (door: KalturaDoor, request: DownloadRequest) => Promise<DownloadAnswer>;

/** What the tool needs from the server. */
export interface ToolDeps {
  /** A door to Kaltura for one call, counting its requests. */
  door(stats: RequestStats): KalturaDoor;
  logger: Logger;
  /** Bounds the calls at work at once (the rest queue before allocating anything). */
  slots: Slots;
  strategy?: DownloadStrategy;
}

/** Maps the algorithm's answer onto an MCP tool result. */
export function toToolResult(answer: DownloadAnswer): CallToolResult {
  return answer.ok ? successResult(answer.info) : errorResult(answer.error, answer.layout);
}

/** Runs one call: never throws, and logs one line (no URL, no secret) with what it cost. */
export async function runDownload(deps: ToolDeps, request: DownloadRequest): Promise<DownloadAnswer> {
  const strategy = deps.strategy ?? getDownloadUrlSingleRoundTrip;
  const stats: RequestStats = { requests: 0 };
  const started = performance.now();
  let answer: DownloadAnswer;
  try {
    answer = await deps.slots.run(() => strategy(deps.door(stats), request));
  } catch (error) {
    deps.logger.error('get_download_url failed unexpectedly', {
      detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    answer = internalFailure(request.entryId);
  }
  deps.logger.info('tool call', {
    tool: GET_DOWNLOAD_URL,
    ms: Math.round(performance.now() - started),
    kalturaRequests: stats.requests,
    outcome: answer.ok ? 'ok' : String(answer.error.errorType ?? 'error'),
  });
  return answer;
}

/** Registers get_download_url on `server`. */
export function registerGetDownloadUrlTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    GET_DOWNLOAD_URL,
    {
      title: 'Get download URL',
      description: DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Get download URL',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      },
    },
    async ({ entry_id, flavor_id }) =>
      toToolResult(await runDownload(deps, { entryId: entry_id, flavorId: flavor_id || undefined })),
  );
}
