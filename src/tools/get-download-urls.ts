/**
 * get_download_urls: the download URLs of up to 50 entries at once, each chosen by the same rules
 * (and quality criteria) as get_download_url. One bad entry never fails the others. For 50
 * entries of up to 10 flavors each it costs two Kaltura requests: every entry and all their
 * flavors in one multirequest, then every chosen flavor's URL in another.
 */
import { z } from 'zod';
import { flavorsByEntry, selectFlavor, type FlavorRequest } from '../flavors.js';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import { KalturaDied, KalturaError } from '../kaltura/errors.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  completeFlavorList,
  flavorListRequest,
  flavorUrlRequest,
  mediaGetRequest,
  unwrap,
} from '../kaltura/requests.js';
import type { FlavorAsset, MediaEntry } from '../kaltura/types.js';
import { entryIdSchema, INVALID_ENTRY_ID, qualityArguments } from './arguments.js';
import { choiceFailure, downloadInfo, downloadInfoSchema } from './get-download-url.js';
import { defineTool, READ_ONLY } from './tool.js';
import type { Answer } from './tool-call.js';

const MAX_ENTRIES = 50;

const DESCRIPTION = `Get direct DOWNLOAD links for many entries at once (up to ${MAX_ENTRIES}), video or audio. USE WHEN: Downloading or exporting a set of entries, e.g. 'the 720p mp4 of these 30 lectures'. RETURNS: results in the order asked, each either ok with get_download_url's fields (entryId, entryName, flavorId, fileSize, bitrate, format, downloadUrl, width, height) or not ok with error and errorType; one bad entry never fails the others. Choose the rendition with quality, max_height and format as in get_download_url. URLs are credentials. EXAMPLE: entry_ids ['1_abc123', '1_def456'], max_height 720, format 'mp4'.`;

const entryIdsRule = `Invalid entry_ids: give 1 to ${MAX_ENTRIES} entry ids, each at most once`;

const input = z.strictObject({
  entry_ids: z
    .array(z.string())
    .min(1, entryIdsRule)
    .max(MAX_ENTRIES, entryIdsRule)
    .refine((ids) => new Set(ids).size === ids.length, entryIdsRule)
    .describe(`1 to ${MAX_ENTRIES} distinct entry ids (format: '1_abc123')`),
  ...qualityArguments,
});

const found = downloadInfoSchema.extend({ entry_id: z.string(), ok: z.literal(true) });
const missed = z.object({
  entry_id: z.string(),
  ok: z.literal(false),
  error: z.string().describe('What went wrong for this entry, and what to do'),
  errorType: z.string().describe('e.g. ENTRY_ID_NOT_FOUND, NO_MATCHING_FLAVOR, NO_READY_FLAVOR, INVALID_ENTRY_ID'),
});
type Item = z.infer<typeof found> | z.infer<typeof missed>;

const output = z.object({
  results: z.array(z.union([found, missed])).describe('One result per entry id, in the order asked'),
});

const miss = (entryId: string, error: { message: string; code: string }): Item => ({
  entry_id: entryId,
  ok: false,
  error: error.message,
  errorType: error.code,
});

/**
 * The URLs of `flavorIds` in one multirequest. When one entry's own settings (its access control)
 * make Kaltura "die", which loses every slot, halves until that entry is alone; a die about the
 * session or the partner would only repeat in every half, so it fails the call.
 */
async function flavorUrls(door: KalturaDoor, flavorIds: string[]): Promise<MultiResult[]> {
  if (flavorIds.length === 0) return [];
  try {
    return await door.multi(flavorIds.map((id) => flavorUrlRequest(id)));
  } catch (error) {
    if (!(error instanceof KalturaDied) || !error.aboutOneEntry) throw error;
    if (flavorIds.length === 1) return [{ ok: false, error }];
    const half = Math.ceil(flavorIds.length / 2);
    return [...(await flavorUrls(door, flavorIds.slice(0, half))), ...(await flavorUrls(door, flavorIds.slice(half)))];
  }
}

/** Every valid entry id with its flavors chosen by `criteria`, then every chosen URL, in input order. */
async function findDownloadUrls(
  door: KalturaDoor,
  entryIds: string[],
  criteria: FlavorRequest,
): Promise<Answer<z.infer<typeof output>>> {
  const results: Item[] = [];
  const valid = entryIds.filter((id) => entryIdSchema.safeParse(id).success);
  const chosen: Array<{ at: number; id: string; entry: MediaEntry; flavor: FlavorAsset }> = [];
  if (valid.length > 0) {
    const filter = { entryIdIn: valid.join(',') };
    const answers = await door.multi([...valid.map(mediaGetRequest), flavorListRequest(filter)]);
    const flavors = flavorsByEntry(await completeFlavorList(door, filter, asFlavorPage(unwrap(answers.at(-1)))));
    valid.forEach((id, k) => {
      const at = entryIds.indexOf(id);
      try {
        const entry = asMediaEntry(unwrap(answers[k]));
        const choice = selectFlavor(flavors.get(id) ?? [], criteria);
        if (choice.kind === 'chosen') return void chosen.push({ at, id, entry, flavor: choice.flavor });
        const failed = choiceFailure(id, choice, criteria);
        results[at] = miss(id, { message: failed.error.error, code: failed.code ?? 'NO_FLAVOR' });
      } catch (error) {
        if (!(error instanceof KalturaError)) throw error;
        results[at] = miss(id, error);
      }
    });
  }
  const urls = await flavorUrls(
    door,
    chosen.map((c) => c.flavor.id),
  );
  chosen.forEach(({ at, id, entry, flavor }, k) => {
    try {
      const url = asDownloadUrl(unwrap(urls[k]), flavor.id);
      results[at] = { entry_id: id, ok: true, ...downloadInfo(id, entry, flavor, url) };
    } catch (error) {
      if (!(error instanceof KalturaError)) throw error;
      results[at] = miss(id, error);
    }
  });
  entryIds.forEach((id, at) => {
    results[at] ??= miss(id, { message: INVALID_ENTRY_ID, code: 'INVALID_ENTRY_ID' });
  });
  return { ok: true, data: { results } };
}

export const getDownloadUrlsTool = defineTool({
  name: 'get_download_urls',
  title: 'Get download URLs',
  description: DESCRIPTION,
  input,
  output,
  annotations: READ_ONLY,
  operation: 'get download URLs',
  errorContext: () => ({}),
  run: (door, args) =>
    findDownloadUrls(door, args.entry_ids, { quality: args.quality, maxHeight: args.max_height, format: args.format }),
});
