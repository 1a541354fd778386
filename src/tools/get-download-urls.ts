/**
 * get_download_urls: the download URLs of up to 50 entries at once, each chosen by the same rules
 * (and quality criteria) as get_download_url. One bad entry never fails the others.
 */
import { z } from 'zod';
import { findDownloadUrls } from '../downloads/locate-many.js';
import { captionLinks, downloadInfoSchema, missingCaptions } from '../downloads/entry-files.js';
import { captionRequest, captionsSchema, entryIdSchema, INVALID_ENTRY_ID, qualityArguments } from './arguments.js';
import { defineTool, READ_ONLY } from './tool.js';

const MAX_ENTRIES = 50;

const DESCRIPTION = `Get direct DOWNLOAD links for many entries at once (up to ${MAX_ENTRIES}), video or audio. USE WHEN: Downloading or exporting a set of entries, e.g. 'the 720p mp4 of these 30 lectures'. RETURNS: results in the order asked, each either ok with get_download_url's fields (entryId, entryName, flavorId, fileSize, bitrate, format, downloadUrl, width, height) or not ok with error and errorType; one bad entry never fails the others. Choose the rendition with quality, max_height and format as in get_download_url; with captions, each answer adds its captions' URLs. URLs are credentials. EXAMPLE: entry_ids ['1_abc123', '1_def456'], max_height 720, format 'mp4'.`;

const entryIdsRule = `Invalid entry_ids: give 1 to ${MAX_ENTRIES} entry ids, each at most once`;

const input = z.strictObject({
  entry_ids: z
    .array(z.string())
    .min(1, entryIdsRule)
    .max(MAX_ENTRIES, entryIdsRule)
    .refine((ids) => new Set(ids).size === ids.length, entryIdsRule)
    .describe(`1 to ${MAX_ENTRIES} distinct entry ids (format: '1_abc123')`),
  ...qualityArguments,
  captions: captionsSchema.optional(),
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

export const getDownloadUrlsTool = defineTool({
  name: 'get_download_urls',
  title: 'Get download URLs',
  description: DESCRIPTION,
  input,
  output,
  annotations: READ_ONLY,
  operation: 'get download URLs',
  errorContext: () => ({}),
  async run(door, args, context) {
    const valid = args.entry_ids.filter((id) => entryIdSchema.safeParse(id).success);
    const captions = captionRequest(args.captions);
    const found = await findDownloadUrls(door, valid, {
      criteria: { quality: args.quality, maxHeight: args.max_height, format: args.format },
      captions,
      signal: context.signal,
      idleTimeoutMs: context.requestTimeoutMs,
    });
    const located = new Map(valid.map((id, at) => [id, found[at]!]));
    const results = args.entry_ids.map((entryId): Item => {
      const one = located.get(entryId);
      if (one?.ok) {
        const missing = captions ? missingCaptions(one.captionsMissing) : [];
        return {
          entry_id: entryId,
          ok: true,
          ...one.info,
          ...(captions ? { captions: captionLinks(one.captions) } : {}),
          ...(missing.length ? { missing } : {}),
        };
      }
      const [error, errorType] = one ? [one.failure.message, one.failure.code] : [INVALID_ENTRY_ID, 'INVALID_ENTRY_ID'];
      return { entry_id: entryId, ok: false, error, errorType };
    });
    return { results };
  },
});
