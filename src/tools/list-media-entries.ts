/**
 * list_media_entries: the original's function (it was never registered, though get_download_url
 * told agents to use it), with each entry's flavors fetched in the same round trip.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { catchKaltura, failure, type Answer } from '../answer.js';
import { flavorsByEntry } from '../flavors.js';
import { unwrap, type KalturaDoor } from '../kaltura/client-manager.js';
import { completeFlavorList } from '../kaltura/flavor-list.js';
import {
  asFlavorPage,
  asMediaPage,
  listFlavorAssets,
  listMediaEntries,
  MAX_PAGE_SIZE,
  type MediaFilter,
} from '../kaltura/requests.js';
import { listedEntry, MEDIA_TYPES, type MediaTypeName } from '../media.js';
import { READ_ONLY_ANNOTATIONS } from './annotations.js';
import { toToolResult } from './result.js';
import { runTool, type ToolDeps } from './run.js';
import { entryFields } from './schemas.js';

export const LIST_MEDIA_ENTRIES = 'list_media_entries';
const OPERATION = 'list media entries';
/** Longest search text accepted; Kaltura's free-text search needs no more. */
const MAX_SEARCH_TEXT = 1000;

export const DESCRIPTION =
  "List and search media entries, with every entry's FLAVORS (renditions). USE WHEN: Browsing or searching the library, finding an entry_id, choosing a flavor_id for get_download_url (by format, quality, size, or whether it is ready). RETURNS: totalCount, one page of entries (id, name, description, mediaType, createdAt, duration, tags, thumbnail and download URLs, plays, views), each with its flavors (flavorId, format, bitrate, fileSize in bytes, width, height, isOriginal, status, tags), and page and pageSize. EXAMPLE: 'Find videos about onboarding', 'List the 10 latest audio files', 'Which qualities does 1_abc123 come in?'.";

const inputSchema = {
  search_text: z.string().optional().describe('Optional: words to look for in names, descriptions and tags'),
  media_type: z
    .enum(['video', 'audio', 'image'])
    .optional()
    .describe("Optional: only 'video', 'audio' or 'image' entries"),
  limit: z.number().int().optional().describe('Entries per page, 1 to 500 (default: 20)'),
  offset: z
    .number()
    .int()
    .optional()
    .describe('Entries to skip (default: 0); the page is the one that holds entry number offset'),
};

const outputSchema = {
  totalCount: z.number().describe('Entries matching, across all pages'),
  entries: z.array(z.object(entryFields)),
  page: z.number().describe('1-based page number'),
  pageSize: z.number(),
};

/** The tool's arguments after schema validation. */
export interface ListRequest {
  searchText?: string;
  mediaType?: MediaTypeName;
  limit: number;
  offset: number;
}

/**
 * One page of entries and all their flavors, in one round trip: `media.list`, then
 * `flavorAsset.list` for `{1:result:objects:_all:id}` (every id on that page).
 */
export async function listEntries(door: KalturaDoor, request: ListRequest): Promise<Answer<Record<string, unknown>>> {
  const { limit, offset } = request;
  if (limit < 1 || limit > MAX_PAGE_SIZE)
    return failure({ error: `Invalid limit: must be between 1 and ${MAX_PAGE_SIZE}` });
  if (offset < 0) return failure({ error: 'Invalid offset: must be non-negative' });
  if ((request.searchText?.length ?? 0) > MAX_SEARCH_TEXT) {
    return failure({ error: `Invalid search_text: at most ${MAX_SEARCH_TEXT} characters` });
  }
  const filter: MediaFilter = {};
  if (request.searchText) filter.freeText = request.searchText;
  if (request.mediaType) filter.mediaTypeEqual = MEDIA_TYPES[request.mediaType];
  // The original's paging: the page that holds entry number `offset`.
  const page = Math.floor(offset / limit) + 1;
  return catchKaltura(OPERATION, {}, async () => {
    const results = await door.multi([
      listMediaEntries(filter, page, limit),
      listFlavorAssets({ entryIdIn: '{1:result:objects:_all:id}' }),
    ]);
    const entries = asMediaPage(unwrap(results[0]));
    const ids = entries.objects.map((e) => e.id);
    // With no entry on the page the flavor request had no ids, and its answer means nothing.
    const flavors = ids.length
      ? flavorsByEntry(await completeFlavorList(door, { entryIdIn: ids.join(',') }, asFlavorPage(unwrap(results[1]))))
      : new Map();
    return {
      ok: true,
      data: {
        totalCount: entries.totalCount,
        entries: entries.objects.map((entry) => listedEntry(entry, flavors.get(entry.id) ?? [])),
        page,
        pageSize: limit,
      },
    };
  });
}

/** Registers list_media_entries on `server`. */
export function registerListMediaEntriesTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    LIST_MEDIA_ENTRIES,
    {
      title: 'List media entries',
      description: DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: { title: 'List media entries', ...READ_ONLY_ANNOTATIONS },
    },
    async ({ search_text, media_type, limit, offset }) => {
      const request: ListRequest = {
        searchText: search_text,
        mediaType: media_type,
        limit: limit ?? 20,
        offset: offset ?? 0,
      };
      const call = { tool: LIST_MEDIA_ENTRIES, operation: OPERATION, context: {} };
      return toToolResult(await runTool(deps, call, (door) => listEntries(door, request)));
    },
  );
}
