/**
 * list_media_entries: the original's function (it was never registered, though get_download_url
 * told agents to use it), with each entry's flavors fetched in the same round trip.
 */
import { z } from 'zod';
import { flavorsByEntry } from '../flavors.js';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import {
  asFlavorPage,
  asMediaPage,
  completeFlavorList,
  flavorListRequest,
  MAX_PAGE_SIZE,
  mediaListRequest,
  unwrap,
  type MediaFilter,
} from '../kaltura/requests.js';
import { MEDIA_TYPES, type FlavorAsset } from '../kaltura/types.js';
import { listedEntry, listedEntrySchema } from '../media.js';
import { searchArguments } from './arguments.js';
import { defineTool, READ_ONLY } from './tool.js';

const DESCRIPTION =
  "List and search media entries, with every entry's FLAVORS (renditions). USE WHEN: Browsing or searching the library, finding an entry_id, choosing a flavor_id for get_download_url (by format, quality, size, or whether it is ready). RETURNS: totalCount, one page of entries (id, name, description, mediaType, createdAt, duration, tags, thumbnail and download URLs, plays, views), each with its flavors (flavorId, format, bitrate, fileSize in bytes, width, height, isOriginal, status, tags), and page and pageSize. EXAMPLE: 'Find videos about onboarding', 'List the 10 latest audio files', 'Which qualities does 1_abc123 come in?'.";

const input = z.strictObject({
  ...searchArguments,
  limit: z
    .number()
    .int()
    .min(1, `Invalid limit: must be between 1 and ${MAX_PAGE_SIZE}`)
    .max(MAX_PAGE_SIZE, `Invalid limit: must be between 1 and ${MAX_PAGE_SIZE}`)
    .default(20)
    .describe('Entries per page, 1 to 500 (default: 20)'),
  offset: z
    .number()
    .int()
    .min(0, 'Invalid offset: must be non-negative')
    .default(0)
    .describe('Entries to skip (default: 0); the page is the one that holds entry number offset'),
});

const output = z.object({
  totalCount: z.number().describe('Entries matching, across all pages'),
  entries: z.array(listedEntrySchema),
  page: z.number().describe('1-based page number'),
  pageSize: z.number(),
});

/**
 * One page of entries and all their flavors, in one round trip: `media.list`, then
 * `flavorAsset.list` for `{1:result:objects:_all:id}` (every id on that page).
 */
async function listEntries(door: KalturaDoor, args: z.output<typeof input>): Promise<z.infer<typeof output>> {
  const { limit, offset } = args;
  const filter: MediaFilter = {};
  if (args.search_text) filter.freeText = args.search_text;
  if (args.media_type) filter.mediaTypeEqual = MEDIA_TYPES[args.media_type];
  // The original's paging: the page that holds entry number `offset`.
  const page = Math.floor(offset / limit) + 1;
  const results = await door.multi([
    mediaListRequest(filter, page, limit),
    flavorListRequest({ entryIdIn: '{1:result:objects:_all:id}' }),
  ]);
  const entries = asMediaPage(unwrap(results[0]));
  const ids = entries.objects.map((e) => e.id);
  // With no entry on the page the flavor request had no ids, and its answer means nothing.
  const flavors = ids.length
    ? flavorsByEntry(await flavorsOf(door, ids, results[1]))
    : new Map<string, FlavorAsset[]>();
  return {
    totalCount: entries.totalCount,
    entries: entries.objects.map((entry) => listedEntry(entry, flavors.get(entry.id) ?? [])),
    page,
    pageSize: limit,
  };
}

/**
 * Every flavor of the entries `ids`, given the answer to the request that asked for them by
 * reference. Servers older than October 2018 cannot resolve `_all`, so that request failed
 * there: then the flavors are asked for again, by the ids themselves.
 */
async function flavorsOf(door: KalturaDoor, ids: string[], byReference: MultiResult | undefined) {
  const filter = { entryIdIn: ids.join(',') };
  const firstPage = byReference?.ok
    ? asFlavorPage(byReference.value)
    : asFlavorPage(await door.call(flavorListRequest(filter)));
  return completeFlavorList(door, filter, firstPage);
}

export const listMediaEntriesTool = defineTool({
  name: 'list_media_entries',
  title: 'List media entries',
  description: DESCRIPTION,
  input,
  output,
  annotations: READ_ONLY,
  operation: 'list media entries',
  errorContext: () => ({}),
  run: listEntries,
});
