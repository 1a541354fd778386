/**
 * get_media_entry: the original's tool, with the port's corrections (isError, the error shape,
 * structuredContent), and the entry's flavors (all of them) fetched in the same round trip.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { catchKaltura, INVALID_ENTRY_ID, type Answer } from '../answer.js';
import { unwrap, type KalturaDoor } from '../kaltura/client-manager.js';
import { completeFlavorList } from '../kaltura/flavor-list.js';
import { asFlavorPage, asMediaEntry, getMediaEntry, listFlavorAssets } from '../kaltura/requests.js';
import { entryDetails } from '../media.js';
import { validateEntryId } from '../validation.js';
import { READ_ONLY_ANNOTATIONS } from './annotations.js';
import { toToolResult } from './result.js';
import { runTool, type ToolDeps } from './run.js';
import { entryFields } from './schemas.js';

export const GET_MEDIA_ENTRY = 'get_media_entry';
const OPERATION = 'get media entry';

/** The original's description, plus one sentence for the flavors it now lists. */
export const DESCRIPTION =
  "Get complete metadata for a single video/media file. USE WHEN: You have a specific entry_id and need full details (title, description, duration, tags, thumbnail, status). RETURNS: Complete media metadata including URLs, dimensions, creation date. EXAMPLE: After search finds entry_id='1_abc123', use this to get full video details. Also lists all of the entry's flavors (renditions): flavorId, format, bitrate, size, dimensions and status, for get_download_url's flavor_id.";

const inputSchema = {
  entry_id: z.string().describe("The media entry ID (format: '1_abc123' or '0_xyz789')"),
};

const outputSchema = {
  ...entryFields,
  updatedAt: z.string().nullable().describe('ISO 8601, UTC'),
  categories: z.string().nullable(),
  categoriesIds: z.string().nullable(),
  lastPlayedAt: z.string().nullable().describe('ISO 8601, UTC'),
  width: z.number().nullable(),
  height: z.number().nullable(),
  dataUrl: z.string().nullable().describe('Playback (not download) URL'),
  flavorParamsIds: z.string().nullable(),
  status: z.number().nullable().describe('KalturaEntryStatus: 2 is READY'),
};

/** The entry and all its flavors: `media.get` and `flavorAsset.list` in one round trip. */
export async function getEntry(door: KalturaDoor, entryId: string): Promise<Answer<Record<string, unknown>>> {
  if (!validateEntryId(entryId)) return INVALID_ENTRY_ID;
  return catchKaltura(OPERATION, { entry_id: entryId }, async () => {
    const results = await door.multi([getMediaEntry(entryId), listFlavorAssets({ entryIdEqual: entryId })]);
    const entry = asMediaEntry(unwrap(results[0]));
    const flavors = await completeFlavorList(door, { entryIdEqual: entryId }, asFlavorPage(unwrap(results[1])));
    return { ok: true, data: entryDetails(entry, flavors) };
  });
}

/** Registers get_media_entry on `server`. */
export function registerGetMediaEntryTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    GET_MEDIA_ENTRY,
    {
      title: 'Get media entry',
      description: DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: { title: 'Get media entry', ...READ_ONLY_ANNOTATIONS },
    },
    async ({ entry_id }) => {
      const call = { tool: GET_MEDIA_ENTRY, operation: OPERATION, context: { entry_id } };
      return toToolResult(await runTool(deps, call, (door) => getEntry(door, entry_id)));
    },
  );
}
