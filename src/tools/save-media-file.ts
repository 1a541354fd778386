/**
 * save_media_file: saves one entry's chosen flavor into the folder KALTURA_DOWNLOAD_DIR names,
 * with progress notifications. A local tool: it writes to the server's own disk, so it is never
 * offered in remote (HTTP) mode.
 */
import { z } from 'zod';
import { entryFileName, savedName } from '../downloads/file-names.js';
import { downloadFolder } from '../downloads/folder.js';
import type { DownloadInfo } from '../downloads/entry-files.js';
import { saveEntryFiles, type FileToSave } from '../downloads/entry-saver.js';
import { findDownloadUrls } from '../downloads/locate-many.js';
import { findDownloadUrl } from '../downloads/locate.js';
import { partialTtlMs } from '../downloads/partial.js';
import { PROGRESS_INTERVAL_MS, saveToFolder, type Saved } from '../downloads/save.js';
import { namedAfterEntry } from '../downloads/save-wording.js';
import {
  captionRequest,
  captionsSchema,
  downloadRequest,
  entryIdSchema,
  FLAVOR_OR_QUALITY,
  fileNameSchema,
  flavorIdSchema,
  oneWayToChoose,
  qualityArguments,
} from './arguments.js';
import { defineTool } from './tool.js';

const DESCRIPTION =
  "SAVE one entry's media file (video, audio, an image or a document) into the server's download folder (KALTURA_DOWNLOAD_DIR). USE WHEN: The user wants the file on this machine, not a link. Choose the rendition as in get_download_url (flavor_id, or quality/max_height/format). The file is named '<entry name> [<entry id>].<ext>', as save_media_files names it (so a file either tool saved is skipped by the other), unless file_name says otherwise. RETURNS: entryId, flavorId, path, bytes, format, ms, skipped (true when the same file was already there: files are never overwritten) and resumedFrom (bytes kept from an interrupted save of the same file, which is continued, not started over). Sends progress notifications when the call carries a progressToken; cancelling removes the partial file unless keep_partial is true. With captions (['en'], or ['all']), thumbnail or metadata, those files are saved beside it, named after it ('<stem>.en.srt', '<stem>.jpg', '<stem>.info.json'), and the answer lists every file. EXAMPLE: 'Save the 720p mp4 of 1_abc123', entry_id '1_abc123', max_height 720, format 'mp4'.";

const input = z
  .strictObject({
    entry_id: entryIdSchema.describe("The entry to save (format: '1_abc123')"),
    flavor_id: flavorIdSchema.optional().describe('Optional: a specific flavor (see list_media_entries)'),
    file_name: fileNameSchema
      .optional()
      .describe(
        "Optional: the saved file's name (e.g. 'lecture-1.mp4'), without any folder; the file's extension is added when it ends in another. Default: '<entry name> [<entry id>].<ext>', the name save_media_files gives it",
      ),
    ...qualityArguments,
    captions: captionsSchema.optional(),
    thumbnail: z
      .boolean()
      .optional()
      .describe("Optional: also save the entry's thumbnail, as '<stem>.jpg' beside the file"),
    metadata: z
      .boolean()
      .optional()
      .describe(
        "Optional: also write the entry's metadata (as get_media_entry shows it) as '<stem>.info.json' beside the file",
      ),
    keep_partial: z
      .boolean()
      .optional()
      .describe(
        'Optional: when the call is cancelled, keep the bytes saved so far so that the next save continues them (default: remove them)',
      ),
  })
  .refine(oneWayToChoose, FLAVOR_OR_QUALITY);

const output = z.object({
  entryId: z.string(),
  flavorId: z.string().nullable().describe("The flavor saved; null for an image's or document's own file"),
  path: z.string().describe('Where the file is, inside KALTURA_DOWNLOAD_DIR'),
  bytes: z.number().describe('The file size in bytes'),
  format: z.string().nullable().describe('File extension, e.g. mp4'),
  ms: z.number().describe('How long the call took'),
  skipped: z.boolean().describe('True when the same file was already there and nothing was downloaded'),
  resumedFrom: z
    .number()
    .describe('Bytes kept from an interrupted save and continued (0 when it started from the first byte)'),
  files: z
    .array(
      z.object({
        kind: z.string().describe('media, caption, thumbnail or metadata'),
        path: z.string(),
        bytes: z.number(),
      }),
    )
    .optional()
    .describe('With captions, thumbnail or metadata: every file saved, the media file first'),
  missing: z
    .array(z.object({ kind: z.string(), languageCode: z.string().optional(), reason: z.string() }))
    .optional()
    .describe('Files asked for that have none: a caption not ready yet, no thumbnail'),
});

export const saveMediaFileTool = defineTool({
  name: 'save_media_file',
  title: 'Save media file',
  description: DESCRIPTION,
  input,
  output,
  // It writes a new file (never changes or removes one); saving the same file twice is a no-op.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  operation: 'save media file',
  errorContext: ({ entry_id }) => ({ entry_id }),
  localOnly: true,
  slots: 'saves',
  async run(door, args, context) {
    const started = performance.now();
    const folder = await downloadFolder(context.downloadDir);
    const ttlMs = partialTtlMs(context.partialTtlHours);
    const located = { signal: context.signal, idleTimeoutMs: context.requestTimeoutMs };
    const wording = { place: 'KALTURA_DOWNLOAD_DIR', otherName: 'give this one another file_name' };
    const progress = paced(context.progress);
    const saveFile = async (file: FileToSave): Promise<Saved> => {
      const saved = await saveToFolder({
        folder,
        ...file,
        wording,
        // A file at the entry's own name is, most likely, another rendition of it.
        takenBy:
          file.kind === 'media' && !args.file_name
            ? namedAfterEntry(args.entry_id, 'flavor_id, quality, max_height or format')
            : undefined,
        signal: context.signal,
        // A shutdown stops the save too; its part is kept for the next save to continue.
        stopping: context.stopping,
        keepPartial: args.keep_partial,
        onProgress: file.kind === 'media' ? progress.report : undefined,
        idleTimeoutMs: context.requestTimeoutMs,
        partialTtlMs: ttlMs,
      });
      if (file.kind === 'media' && !saved.skipped) await progress.finish(saved.bytes);
      return saved;
    };
    const nameOf = (info: DownloadInfo) =>
      args.file_name
        ? savedName(args.file_name, info.format)
        : entryFileName(info.entryName, info.entryId, info.format);
    if (!args.captions && !args.thumbnail && !args.metadata) {
      const { info, identity } = await findDownloadUrl(
        door,
        { ...downloadRequest(args), fileName: undefined },
        located,
      );
      const saved = await saveFile({
        kind: 'media',
        name: nameOf(info),
        url: info.downloadUrl,
        identity,
        estimatedBytes: info.fileSize,
      });
      return answer(info, saved, started);
    }
    // With captions, a thumbnail or metadata: the entry's listing (flavors and captions), then every URL.
    const [one] = await findDownloadUrls(door, [args.entry_id], {
      ...located,
      criteria: downloadRequest(args),
      captions: captionRequest(args.captions),
      listCaptions: args.metadata,
    });
    if (!one?.ok) throw one?.failure ?? new Error('no answer for the entry');
    const outcome = await saveEntryFiles({
      located: one,
      folder,
      wording,
      mediaName: nameOf(one.info),
      thumbnail: args.thumbnail ?? false,
      metadata: args.metadata ?? false,
      save: saveFile,
    });
    if (outcome.failure) throw outcome.failure;
    const media = outcome.files[0]!;
    return {
      ...answer(one.info, media, started),
      files: outcome.files.map((f) => ({ kind: f.kind, path: f.path, bytes: f.bytes })),
      ...(outcome.missing.length ? { missing: outcome.missing } : {}),
    };
  },
});

/**
 * The media file's progress: the save's reports (at most every 250 ms while bytes arrive), then,
 * once the file is saved, its last word, progress == total, at least 250 ms after the one before
 * and sent before the answer (a client would otherwise show the save stuck short of its end).
 */
function paced(send: ((done: number, total: number | undefined) => void | Promise<void>) | undefined) {
  let lastAt = -Infinity;
  let lastDone = -1;
  let sending: void | Promise<void>;
  return {
    report: send
      ? (done: number, total: number | undefined) => {
          lastAt = performance.now();
          lastDone = done;
          sending = send(done, total);
        }
      : undefined,
    async finish(bytes: number): Promise<void> {
      if (!send) return;
      // Progress must grow with each notification: the whole file, said once.
      if (lastDone >= bytes) return void (await sending);
      const wait = PROGRESS_INTERVAL_MS - (performance.now() - lastAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await send(bytes, bytes);
    },
  };
}

/** The answer's fields for the media file saved. */
function answer(info: DownloadInfo, saved: Pick<Saved, 'path' | 'bytes' | 'skipped' | 'resumedFrom'>, started: number) {
  return {
    entryId: info.entryId,
    flavorId: info.flavorId,
    path: saved.path,
    bytes: saved.bytes,
    format: info.format,
    ms: Math.round(performance.now() - started),
    skipped: saved.skipped,
    resumedFrom: saved.resumedFrom,
  };
}
