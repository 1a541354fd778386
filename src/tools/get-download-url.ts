/**
 * The get_download_url tool: the original's name, description and arguments, answering with
 * `isError` on failure and `structuredContent` on success.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { OPERATION, type DownloadAnswer, type DownloadRequest, type KalturaDoor } from '../download/answer.js';
import { getDownloadUrlSingleRoundTrip } from '../download/single-round-trip.js';
import { toToolResult } from './result.js';
import { runTool, type ToolDeps } from './run.js';
import { READ_ONLY_ANNOTATIONS } from './annotations.js';

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
  // Ours: the original had no way to name the saved file.
  file_name:
    "Optional: name for the downloaded file (e.g. 'lecture-1.mp4'), up to 200 characters, no slashes. Leave empty for Kaltura's default name.",
} as const;

const inputSchema = {
  entry_id: z.string().describe(ARGUMENT_DESCRIPTIONS.entry_id),
  flavor_id: z.string().optional().describe(ARGUMENT_DESCRIPTIONS.flavor_id),
  file_name: z.string().optional().describe(ARGUMENT_DESCRIPTIONS.file_name),
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

/** Registers get_download_url on `server`. */
export function registerGetDownloadUrlTool(
  server: McpServer,
  deps: ToolDeps,
  strategy: DownloadStrategy = getDownloadUrlSingleRoundTrip,
): void {
  server.registerTool(
    GET_DOWNLOAD_URL,
    {
      title: 'Get download URL',
      description: DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: { title: 'Get download URL', ...READ_ONLY_ANNOTATIONS },
    },
    async ({ entry_id, flavor_id, file_name }) => {
      // Empty strings count as not given, as the original treats flavor_id.
      const request: DownloadRequest = {
        entryId: entry_id,
        flavorId: flavor_id || undefined,
        fileName: file_name || undefined,
      };
      const call = { tool: GET_DOWNLOAD_URL, operation: OPERATION, context: { entry_id } };
      return toToolResult(await runTool(deps, call, (door) => strategy(door, request)));
    },
  );
}
