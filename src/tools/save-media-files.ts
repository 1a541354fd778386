/**
 * save_media_files: a whole library saved into the download folder the way yt-dlp saves a
 * channel (downloads/library.ts): entries by id, a category with its sub-categories, or a
 * search; each entry as `<name> [<id>].<ext>` with its captions, thumbnail and metadata beside
 * it; a manifest; whole files skipped and interrupted ones continued on the next run. A local
 * tool, like save_media_file, and one a client may run as an MCP task.
 */
import { z } from 'zod';
import { downloadFolder, subfolderOf } from '../downloads/folder.js';
import { saveLibrary, type Selection } from '../downloads/library.js';
import { partialTtlMs } from '../downloads/partial.js';
import { placeOf } from '../downloads/save-wording.js';
import { MEDIA_TYPES } from '../kaltura/types.js';
import {
  captionRequest,
  captionsSchema,
  entryIdSchema,
  INVALID_ENTRY_ID,
  qualityArguments,
  searchArguments,
} from './arguments.js';
import { defineTool } from './tool.js';

const MAX_IDS = 500;
const MAX_LIMIT = 1000;

const DESCRIPTION = `SAVE many entries at once into the server's download folder (KALTURA_DOWNLOAD_DIR), the way yt-dlp saves a channel. USE WHEN: Backing up or exporting a course, a category or a search result, e.g. 'save every lecture of Biology 101 with English subtitles'. Choose exactly one selection: entry_ids (1 to ${MAX_IDS}), category_id (the category and all its sub-categories), or search_text and/or media_type (as list_media_entries matches); with a category or a search, limit caps the entries taken (default 100, at most ${MAX_LIMIT}). Each entry is saved as '<name> [<entry id>].<ext>' (the rendition chosen by quality, max_height and format, as in get_download_url), with, as asked, its captions ('<stem>.<language code>.srt|vtt|dfxp'), its thumbnail ('<stem>.jpg') and its metadata ('<stem>.info.json'). A manifest, kaltura-manifest.json, records each entry as it finishes. Calling again skips whole files, continues interrupted ones, retries failed entries. RETURNS: folder, manifest (and manifestError, saying why, when it could not be written), entries, saved, skipped, failed, bytes (downloaded by this call), ms, and results (per entry: ok, files with their kind, path and bytes, or error and errorType); one bad entry never fails the others. Sends progress (bytes over all files, and 'N/M entries') when the call carries a progressToken; a client that supports tasks can run it as a task. EXAMPLE: 'Back up the Biology 101 category with English captions', category_id 202, captions ['en'], metadata true, subfolder 'Biology 101'.`;

const input = z
  .strictObject({
    entry_ids: z
      .array(z.string())
      .min(1, `Invalid entry_ids: give 1 to ${MAX_IDS} entry ids, each at most once`)
      .max(MAX_IDS, `Invalid entry_ids: give 1 to ${MAX_IDS} entry ids, each at most once`)
      .refine(
        (ids) => new Set(ids).size === ids.length,
        `Invalid entry_ids: give 1 to ${MAX_IDS} entry ids, each at most once`,
      )
      .optional()
      .describe(`Entries to save, by id (1 to ${MAX_IDS})`),
    category_id: z
      .number()
      .int()
      .min(1, 'Invalid category_id: a Kaltura category id is a whole number from 1')
      .optional()
      .describe('A category to save, with all its sub-categories (its id, as the KMC shows it)'),
    search_text: searchArguments.search_text.describe(
      'Words to look for in names, descriptions and tags, as list_media_entries matches them',
    ),
    media_type: searchArguments.media_type.describe(
      "With or without search_text: only 'video', 'audio' or 'image' entries",
    ),
    limit: z
      .number()
      .int()
      .min(1, `Invalid limit: must be between 1 and ${MAX_LIMIT}`)
      .max(MAX_LIMIT, `Invalid limit: must be between 1 and ${MAX_LIMIT}`)
      .optional()
      .describe(
        `With category_id or a search: the entries taken at most, in Kaltura's order (default 100, at most ${MAX_LIMIT})`,
      ),
    ...qualityArguments,
    captions: captionsSchema.optional(),
    thumbnail: z.boolean().optional().describe("Optional: also save each entry's thumbnail as '<stem>.jpg'"),
    metadata: z
      .boolean()
      .optional()
      .describe("Optional: also write each entry's metadata (as get_media_entry shows it) as '<stem>.info.json'"),
    subfolder: z
      .string()
      .max(200, 'Invalid subfolder: a visible folder name of at most 200 bytes of UTF-8, without slashes')
      .optional()
      .describe(
        'Optional: a folder inside KALTURA_DOWNLOAD_DIR to save into (created when missing), e.g. "Biology 101"; one name, at most 200 bytes of UTF-8 (about 66 Chinese or Japanese characters)',
      ),
    keep_partial: z
      .boolean()
      .optional()
      .describe(
        'Optional: when the call is cancelled, keep the bytes saved so far so that the next call continues them',
      ),
  })
  .refine(
    (args) =>
      [
        args.entry_ids !== undefined,
        args.category_id !== undefined,
        !!args.search_text || args.media_type !== undefined,
      ].filter(Boolean).length === 1,
    'Choose exactly one selection: entry_ids, category_id, or search_text (with or without media_type)',
  )
  .refine(
    (args) => args.limit === undefined || args.entry_ids === undefined,
    'limit applies to category_id or a search, not to entry_ids',
  );

const fileSchema = z.object({
  kind: z.string().describe('media, caption, thumbnail or metadata'),
  path: z.string(),
  bytes: z.number(),
});

const output = z.object({
  folder: z.string().describe('Where the files are'),
  manifest: z.string().describe('The manifest file: every entry saved into this folder, with its files'),
  entries: z.number().describe('Entries in the selection'),
  saved: z.number().describe('Entries with at least one file downloaded by this call'),
  skipped: z.number().describe('Entries whose files were all whole already'),
  failed: z.number(),
  bytes: z.number().describe('Bytes downloaded by this call'),
  ms: z.number(),
  manifestError: z
    .string()
    .optional()
    .describe(
      'Present when the manifest could not be written (a full disk, a folder turned read-only): why, and what to do; the results still stand',
    ),
  results: z.array(
    z.object({
      entry_id: z.string(),
      ok: z.boolean(),
      files: z.array(fileSchema),
      missing: z
        .array(z.object({ kind: z.string(), languageCode: z.string().optional(), reason: z.string() }))
        .optional()
        .describe('Files asked for that have none: a caption not ready yet, no thumbnail'),
      error: z.string().optional(),
      errorType: z.string().optional(),
    }),
  ),
});

type Args = z.output<typeof input>;

/** The selection the arguments name (exactly one, as the schema checked). */
function selectionOf(args: Args, validIds: string[]): Selection {
  if (args.entry_ids) return { kind: 'entries', ids: validIds };
  const limit = args.limit ?? 100;
  if (args.category_id !== undefined) return { kind: 'category', categoryId: args.category_id, limit };
  return {
    kind: 'search',
    ...(args.search_text ? { text: args.search_text } : {}),
    ...(args.media_type ? { mediaTypeEqual: MEDIA_TYPES[args.media_type] } : {}),
    limit,
  };
}

/** The folder to save into: KALTURA_DOWNLOAD_DIR, or the subfolder in it (created when missing); and the download folder. */
async function folderOf(
  configured: string | undefined,
  subfolder: string | undefined,
): Promise<{ root: string; folder: string }> {
  const root = await downloadFolder(configured);
  return { root, folder: subfolder ? await subfolderOf(root, subfolder) : root };
}

export const saveMediaFilesTool = defineTool({
  name: 'save_media_files',
  title: 'Save media files (a library)',
  description: DESCRIPTION,
  input,
  output,
  // It writes new files (never changes or removes one); saving the same library twice transfers nothing.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  operation: 'save media files',
  errorContext: () => ({}),
  localOnly: true,
  slots: 'libraries',
  taskSupport: 'optional',
  async run(door, args, context) {
    const { root, folder } = await folderOf(context.downloadDir, args.subfolder);
    const ttlMs = partialTtlMs(context.partialTtlHours);
    const ids = args.entry_ids ?? [];
    const valid = ids.filter((id) => entryIdSchema.safeParse(id).success);
    const answer = await saveLibrary(door, {
      selection: selectionOf(args, valid),
      criteria: { quality: args.quality, maxHeight: args.max_height, format: args.format },
      captions: captionRequest(args.captions),
      thumbnail: args.thumbnail ?? false,
      metadata: args.metadata ?? false,
      folder,
      place: placeOf(root, folder),
      signal: context.signal,
      stopping: context.stopping,
      keepPartial: args.keep_partial,
      idleTimeoutMs: context.requestTimeoutMs,
      partialTtlMs: ttlMs,
      saveSlots: context.saveSlots,
      onProgress: context.progress,
    });
    if (valid.length === ids.length) return answer;
    // Malformed ids are answered in their place, as get_download_urls answers them.
    const byId = new Map(answer.results.map((r) => [r.entry_id, r]));
    const results = ids.map(
      (id) =>
        byId.get(id) ?? { entry_id: id, ok: false, files: [], error: INVALID_ENTRY_ID, errorType: 'INVALID_ENTRY_ID' },
    );
    return { ...answer, entries: ids.length, failed: answer.failed + ids.length - valid.length, results };
  },
});
