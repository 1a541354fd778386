/**
 * get_thumbnail_url: the original's tool (arguments, bounds, texts), with the port's corrections.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { catchKaltura, failure, INVALID_ENTRY_ID, type Answer } from '../answer.js';
import { numberOrNull, stringOrNull } from '../fields.js';
import type { KalturaDoor } from '../kaltura/client-manager.js';
import { asMediaEntry, getMediaEntry } from '../kaltura/requests.js';
import { isVideo, sizedThumbnailUrl } from '../media.js';
import { validateEntryId } from '../validation.js';
import { READ_ONLY_ANNOTATIONS } from './annotations.js';
import { toToolResult } from './result.js';
import { runTool, type ToolDeps } from './run.js';

export const GET_THUMBNAIL_URL = 'get_thumbnail_url';
const OPERATION = 'get thumbnail URL';
const MAX_DIMENSION = 4096;

/** The original's description, word for word. */
export const DESCRIPTION =
  "Get video THUMBNAIL/POSTER image. USE WHEN: Displaying video previews, creating galleries, showing video cards, generating custom thumbnails. RETURNS: Image URL with your specified size. EXAMPLES: 'Get thumbnail for video 1_abc123', 'Create 400x300 preview image', 'Get frame from 30 seconds in'. Can capture any frame from video.";

const inputSchema = {
  entry_id: z.string().describe("Video to get thumbnail from (format: '1_abc123')"),
  width: z.number().int().optional().describe('Thumbnail width in pixels (default: 120)'),
  height: z.number().int().optional().describe('Thumbnail height in pixels (default: 90)'),
  second: z.number().int().optional().describe('Video timestamp in seconds to capture (default: 5)'),
};

const outputSchema = {
  entryId: z.string(),
  entryName: z.string().nullable(),
  mediaType: z.number().nullable().describe('1 video, 2 image, 5 audio'),
  thumbnailUrl: z.string(),
  width: z.number(),
  height: z.number(),
  second: z.number().nullable().describe('The frame taken, for videos; null otherwise'),
};

/** The tool's arguments with defaults applied. */
export interface ThumbnailRequest {
  entryId: string;
  width: number;
  height: number;
  second: number;
}

/** Validates as the original does (id, then dimensions, then second), then builds the URL from the entry. */
export async function getThumbnail(
  door: KalturaDoor,
  request: ThumbnailRequest,
): Promise<Answer<Record<string, unknown>>> {
  const { entryId, width, height, second } = request;
  if (!validateEntryId(entryId)) return INVALID_ENTRY_ID;
  if (width <= 0 || width > MAX_DIMENSION || height <= 0 || height > MAX_DIMENSION) {
    return failure({ error: `Invalid dimensions: width and height must be between 1 and ${MAX_DIMENSION}` });
  }
  if (second < 0) return failure({ error: 'Invalid second parameter: must be non-negative' });
  return catchKaltura(OPERATION, { entry_id: entryId }, async () => {
    const entry = asMediaEntry(await door.call(getMediaEntry(entryId)));
    const base = stringOrNull(entry.thumbnailUrl);
    if (!base) return failure({ error: 'No thumbnail available for this entry', entryId }, 'compact');
    const frame = isVideo(entry) ? second : null;
    return {
      ok: true,
      data: {
        entryId,
        entryName: stringOrNull(entry.name),
        mediaType: numberOrNull(entry.mediaType),
        thumbnailUrl: sizedThumbnailUrl(base, width, height, frame),
        width,
        height,
        second: frame,
      },
    };
  });
}

/** Registers get_thumbnail_url on `server`. */
export function registerGetThumbnailUrlTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    GET_THUMBNAIL_URL,
    {
      title: 'Get thumbnail URL',
      description: DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: { title: 'Get thumbnail URL', ...READ_ONLY_ANNOTATIONS },
    },
    async ({ entry_id, width, height, second }) => {
      const request = { entryId: entry_id, width: width ?? 120, height: height ?? 90, second: second ?? 5 };
      const call = { tool: GET_THUMBNAIL_URL, operation: OPERATION, context: { entry_id } };
      return toToolResult(await runTool(deps, call, (door) => getThumbnail(door, request)));
    },
  );
}
