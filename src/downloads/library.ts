/**
 * Saving a library the way yt-dlp saves a channel: the entries of a selection (ids, a category
 * with its sub-categories, or a search), each as `<name> [<id>].<ext>` with its captions,
 * thumbnail and metadata beside it, a manifest kept true as entries finish, files already whole
 * skipped, interrupted ones continued.
 *
 * Kaltura's requests, for N entries: the listing pages of a category or search (500 entries
 * each), then one multirequest per batch of 50 entries that carries the batch's listing (entries,
 * flavors, captions) together with the previous batch's URLs, and one more for the last batch's
 * URLs: at most ceil(N/50) + 3 in all. Locating runs at most a few batches ahead of the
 * downloads, so memory does not grow with N and URLs are fresh when used (a refused URL is asked
 * for again once).
 */
import type { CaptionRequest } from '../captions.js';
import { ToolFailure } from '../failure.js';
import type { FlavorRequest } from '../flavors.js';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import { KalturaDied } from '../kaltura/errors.js';
import type { KalturaRequest } from '../kaltura/connection.js';
import {
  asCaptionUrl,
  asEntryPage,
  baseEntryListRequest,
  captionUrlRequest,
  categoryGetRequest,
} from '../kaltura/library-requests.js';
import { asDownloadUrl, asMediaPage, flavorUrlRequest, mediaListRequest, unwrap } from '../kaltura/requests.js';
import { EntryType, type MediaEntry } from '../kaltura/types.js';
import type { Slots } from '../slots.js';
import { saveEntryFiles, type FileToSave, type SavedFile } from './entry-saver.js';
import { entryFileName } from './file-names.js';
import {
  choose,
  listingRequests,
  sendUrlRequests,
  type Batch,
  type BatchOptions,
  type Choices,
  type Located,
} from './locate-many.js';
import { Manifest, MANIFEST_NAME, type ManifestEntry, type ManifestFile } from './manifest.js';
import { errnoWords, fileSystemCode, manifestNotWritten, namedAfterEntry } from './save-wording.js';
import { saveToFolder, type Saved } from './save.js';

/** What to save: entries by id, a category and everything below it, or a search. */
export type Selection =
  | { kind: 'entries'; ids: string[] }
  | { kind: 'category'; categoryId: number; limit: number }
  | { kind: 'search'; text?: string; mediaTypeEqual?: number; limit: number };

export interface LibraryRequest {
  selection: Selection;
  criteria: FlavorRequest;
  captions?: CaptionRequest;
  thumbnail: boolean;
  metadata: boolean;
  /** The folder to save into (KALTURA_DOWNLOAD_DIR, or a subfolder of it), existing and checked. */
  folder: string;
  /** The folder as messages name it (save-wording.ts's placeOf). */
  place: string;
  /** The client cancelled: downloads stop, parts are removed unless keepPartial. */
  signal?: AbortSignal;
  /** The server is shutting down: downloads stop, parts are kept. */
  stopping?: AbortSignal;
  keepPartial?: boolean;
  idleTimeoutMs: number;
  partialTtlMs: number;
  /** The server's slots for downloads (shared with save_media_file): at most 4 files at once. */
  saveSlots: Pick<Slots, 'run'>;
  /**
   * Bytes saved so far over every file (resumed and skipped ones counted), the total known so
   * far (undefined until an entry's size is known), and a line such as `12/40 entries, 1 failed`
   * (`looking up entries` until their number is known). The last report is awaited, so that it
   * goes out before the answer.
   */
  onProgress?: (done: number, total: number | undefined, message: string) => void | Promise<void>;
}

/** One entry's outcome in the answer. */
export interface EntryResult {
  entry_id: string;
  ok: boolean;
  files: Array<{ kind: string; path: string; bytes: number }>;
  /** Files asked for that have none (a caption not ready, no thumbnail). */
  missing?: Array<{ kind: string; languageCode?: string; reason: string }>;
  error?: string;
  errorType?: string;
}

export interface LibraryAnswer {
  folder: string;
  manifest: string;
  /** Why the manifest could not be written, and what to do; absent when it was. */
  manifestError?: string;
  entries: number;
  saved: number;
  skipped: number;
  failed: number;
  /** Bytes downloaded by this call (0 when every file was whole already). */
  bytes: number;
  ms: number;
  results: EntryResult[];
}

const BATCH_SIZE = 50;
/** Kaltura's largest page of entries. */
const PAGE_SIZE = 500;
/** Entries saved at once; each saves its files one after another, and every file waits for a save slot. */
const ENTRIES_AT_ONCE = 4;
/** Entries located and waiting for their downloads at most: locating waits beyond it. */
const LOOK_AHEAD = 2 * BATCH_SIZE;
/** Progress notifications are this far apart at least, and a heartbeat goes out this often at least, ms. */
const MIN_PROGRESS_GAP_MS = 250;
const HEARTBEAT_MS = 2000;

/** The batches of a selection: ids in 50s, or listing pages of 500 cut in 50s (the entries they gave kept). */
async function* batchesOf(door: KalturaDoor, selection: Selection): AsyncGenerator<Batch> {
  if (selection.kind === 'entries') {
    for (let i = 0; i < selection.ids.length; i += BATCH_SIZE) yield { ids: selection.ids.slice(i, i + BATCH_SIZE) };
    return;
  }
  let taken = 0;
  for (let page = 1; taken < selection.limit; page += 1) {
    const size = Math.min(PAGE_SIZE, selection.limit - taken);
    // A page of exactly `size`: page N of that size is entries (N-1)*size…, so every page but the last is full.
    const pageIndex = taken / size + 1;
    let entries: MediaEntry[];
    let total: number;
    if (selection.kind === 'category') {
      const listing = baseEntryListRequest(
        { categoryAncestorIdIn: String(selection.categoryId), typeIn: `${EntryType.MEDIA_CLIP},${EntryType.DOCUMENT}` },
        pageIndex,
        size,
      );
      // The first page asks for the category too: an unknown id is an error, not an empty shelf.
      const answers = page === 1 ? await door.multi([categoryGetRequest(selection.categoryId), listing]) : undefined;
      if (answers) unwrap(answers[0]);
      const listed = asEntryPage(answers ? unwrap(answers[1]) : await door.call(listing));
      [entries, total] = [listed.objects, listed.totalCount];
    } else {
      const filter = {
        ...(selection.text ? { freeText: selection.text } : {}),
        ...(selection.mediaTypeEqual !== undefined ? { mediaTypeEqual: selection.mediaTypeEqual } : {}),
      };
      const listed = asMediaPage(await door.call(mediaListRequest(filter, pageIndex, size)));
      [entries, total] = [listed.objects, listed.totalCount];
    }
    const kept = entries.slice(0, selection.limit - taken);
    for (let i = 0; i < kept.length; i += BATCH_SIZE) {
      const slice = kept.slice(i, i + BATCH_SIZE);
      yield { ids: slice.map((e) => e.id), entries: new Map(slice.map((e) => [e.id, e])) };
    }
    taken += kept.length;
    if (entries.length < size || taken >= total) return;
  }
}

/** Saves the selection's entries into `request.folder`; one bad entry never fails the others. */
export async function saveLibrary(door: KalturaDoor, request: LibraryRequest): Promise<LibraryAnswer> {
  const started = performance.now();
  const manifest = await Manifest.open(request.folder);
  const options: BatchOptions = {
    criteria: request.criteria,
    captions: request.captions,
    listCaptions: request.metadata,
    signal: request.signal,
    idleTimeoutMs: request.idleTimeoutMs,
  };
  const results: EntryResult[] = [];
  const order = new Map<string, number>();
  const counts = { saved: 0, skipped: 0, failed: 0, bytes: 0 };
  const progress = new ProgressReporter(request.onProgress);
  const wording = { place: request.place, otherName: 'save into another subfolder' };
  if (request.selection.kind === 'entries') progress.expectEntries(request.selection.ids.length);
  const cancelledOrStopping = () => request.signal?.aborted || request.stopping?.aborted;

  const finishEntry = (entryId: string, result: EntryResult, record: ManifestEntry) => {
    results[order.get(entryId)!] = result;
    if (!result.ok) counts.failed += 1;
    manifest.record(record);
    progress.entryDone(!result.ok);
  };
  const failEntry = (entryId: string, name: string | null, failure: ToolFailure, files: SavedFile[] = []) =>
    finishEntry(
      entryId,
      { entry_id: entryId, ok: false, files: files.map(shown), error: failure.message, errorType: failure.code },
      {
        entryId,
        name,
        flavorId: null,
        status: failure.code === 'CANCELLED' || failure.code === 'INTERRUPTED' ? 'cancelled' : 'failed',
        time: new Date().toISOString(),
        files: files.map(recorded),
        error: failure.message,
        errorType: failure.code,
      },
    );

  /** Saves one located entry's files, each download in a save slot, and records the outcome. */
  const saveEntry = async (located: Extract<Located, { ok: true }>) => {
    const { info } = located;
    const outcome = await saveEntryFiles({
      located,
      folder: request.folder,
      wording,
      mediaName: entryFileName(info.entryName, info.entryId, info.format),
      thumbnail: request.thumbnail,
      metadata: request.metadata,
      save: (file) => saveOne(file, located),
    });
    for (const file of outcome.files) {
      // Downloaded bytes: the metadata is written here, not fetched.
      if (!file.skipped && file.kind !== 'metadata') counts.bytes += file.bytes - file.resumedFrom;
      progress.fileDone(file.name, file.bytes);
    }
    if (outcome.failure) return failEntry(info.entryId, info.entryName, outcome.failure, outcome.files);
    const allSkipped = outcome.files.every((f) => f.skipped);
    if (allSkipped) counts.skipped += 1;
    else counts.saved += 1;
    finishEntry(
      info.entryId,
      {
        entry_id: info.entryId,
        ok: true,
        files: outcome.files.map(shown),
        ...(outcome.missing.length ? { missing: outcome.missing } : {}),
      },
      {
        entryId: info.entryId,
        name: info.entryName,
        flavorId: info.flavorId,
        status: 'saved',
        time: new Date().toISOString(),
        files: outcome.files.map(recorded),
      },
    );
  };

  /**
   * One file through saveToFolder in a save slot; a refused URL is asked for again once. The slot
   * is not given the call's signal: saveToFolder stops on it itself, and ends with the truth (a
   * file that was put in place just as the call was cancelled is saved, not abandoned).
   */
  const saveOne = async (file: FileToSave, located: Extract<Located, { ok: true }>): Promise<Saved> => {
    const attempt = (url: string) =>
      request.saveSlots.run(() =>
        saveToFolder({
          folder: request.folder,
          name: file.name,
          url,
          identity: file.identity,
          estimatedBytes: file.estimatedBytes,
          recordedLength: manifest.recordedLength(file.name, file.identity),
          takenBy: takenBy(manifest, file),
          wording,
          signal: request.signal,
          stopping: request.stopping,
          keepPartial: request.keepPartial,
          onProgress: (done) => progress.fileProgress(file.name, done),
          idleTimeoutMs: request.idleTimeoutMs,
          partialTtlMs: request.partialTtlMs,
        }),
      );
    try {
      return await attempt(file.url);
    } catch (error) {
      if (!(error instanceof ToolFailure) || error.code !== 'URL_REFUSED') throw error;
      return attempt(await freshUrl(door, file, located));
    }
  };

  // Entries being saved, and those located and waiting for a turn.
  const waiting: Array<Extract<Located, { ok: true }>> = [];
  const running = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const pump = () => {
    while (running.size < ENTRIES_AT_ONCE && waiting.length > 0 && !cancelledOrStopping()) {
      const next = waiting.shift()!;
      const job = saveEntry(next)
        .catch((error: unknown) => {
          failEntry(next.info.entryId, next.info.entryName, asSaveFailure(error));
        })
        .finally(() => {
          running.delete(job);
          pump();
          wake?.();
        });
      running.add(job);
    }
  };
  /** Takes a batch's located entries: failures are recorded at once, the others queued for saving. */
  const take = (batch: Batch, located: Located[]) => {
    located.forEach((one, i) => {
      const entryId = batch.ids[i]!;
      if (one.ok) {
        progress.addBytes(
          one.info.fileSize ?? 0,
          one.captions.reduce((sum, c) => sum + (c.caption.size ?? 0), 0),
        );
        waiting.push(one);
      } else {
        failEntry(entryId, batch.entries?.get(entryId)?.name ?? null, one.failure);
      }
    });
    pump();
  };
  /** Resolves once fewer than LOOK_AHEAD entries wait (or the call ends). */
  const roomToLookAhead = async () => {
    while (waiting.length + running.size >= LOOK_AHEAD && !cancelledOrStopping()) {
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  let manifestFailure: unknown;
  try {
    let previous: { batch: Batch; choices: Choices } | undefined;
    for await (const batch of batchesOf(door, request.selection)) {
      if (cancelledOrStopping()) break;
      for (const id of batch.ids) if (!order.has(id)) order.set(id, order.size);
      if (request.selection.kind !== 'entries') progress.expectEntries(order.size);
      await roomToLookAhead();
      const { urlAnswers, listingAnswers } = await pipelined(
        door,
        previous?.choices.urlRequests ?? [],
        listingRequests(batch, options),
      );
      if (previous) take(previous.batch, await previous.choices.finish(urlAnswers));
      previous = { batch, choices: await choose(door, batch, listingAnswers, options) };
    }
    if (previous && !cancelledOrStopping()) {
      take(previous.batch, await previous.choices.finish(await sendUrlRequests(door, previous.choices.urlRequests)));
    }
    while (running.size > 0 || (waiting.length > 0 && !cancelledOrStopping())) {
      await Promise.race(running);
    }
  } finally {
    await Promise.allSettled(running);
    await progress.stop();
    manifestFailure = await manifest.flush();
    manifest.release();
  }
  if (request.signal?.aborted)
    throw new ToolFailure('CANCELLED', 'the save was cancelled; the manifest lists the entries saved before');
  if (request.stopping?.aborted) {
    throw new ToolFailure(
      'INTERRUPTED',
      'the server is shutting down; saved entries are in the manifest, partial files are kept',
    );
  }
  return {
    folder: request.folder,
    manifest: manifest.path,
    // The entries' results stand: what was saved is saved, whatever became of the manifest.
    ...(manifestFailure ? { manifestError: manifestNotWritten(request.place, MANIFEST_NAME, manifestFailure) } : {}),
    entries: order.size,
    ...counts,
    ms: Math.round(performance.now() - started),
    results: results.filter(Boolean),
  };
}

/**
 * The previous batch's URL requests and this batch's listing in one multirequest. When Kaltura
 * "dies" on one entry's URL (its access control), which loses every slot, the two go apart: the
 * URLs halving down to that entry, the listing alone.
 */
async function pipelined(
  door: KalturaDoor,
  urls: KalturaRequest[],
  listing: KalturaRequest[],
): Promise<{ urlAnswers: MultiResult[]; listingAnswers: MultiResult[] }> {
  if (urls.length === 0) return { urlAnswers: [], listingAnswers: await door.multi(listing) };
  try {
    const answers = await door.multi([...urls, ...listing]);
    return { urlAnswers: answers.slice(0, urls.length), listingAnswers: answers.slice(urls.length) };
  } catch (error) {
    if (!(error instanceof KalturaDied) || !error.aboutOneEntry) throw error;
    return { urlAnswers: await sendUrlRequests(door, urls), listingAnswers: await door.multi(listing) };
  }
}

/** A new URL for a file whose URL the file's server refused: the flavor's or the caption's. */
async function freshUrl(door: KalturaDoor, file: FileToSave, located: Extract<Located, { ok: true }>): Promise<string> {
  const id = file.identity.flavorId;
  const caption = located.captions.find((c) => c.caption.id === id);
  if (caption) return asCaptionUrl(await door.call(captionUrlRequest(caption.caption.id)));
  if (id && id === located.info.flavorId) return asDownloadUrl(await door.call(flavorUrlRequest(id)), id);
  throw new ToolFailure(
    'URL_REFUSED',
    "the file's server refused the file's URL, and Kaltura has no other: try again later",
  );
}

/** Whatever saving an entry threw, as its failure: a file system's error in words (never its message, which names paths). */
function asSaveFailure(error: unknown): ToolFailure {
  if (error instanceof ToolFailure) return error;
  const code = fileSystemCode(error);
  const why = code ? errnoWords(code) : error instanceof Error ? error.message : String(error);
  return new ToolFailure('SAVE_FAILED', `the entry's files could not be saved (${why})`);
}

/**
 * What the file at a media file's name most likely is when it is not the one to save, for
 * FILE_EXISTS: what the manifest recorded there, or what the name says.
 */
function takenBy(manifest: Manifest, file: FileToSave): string | undefined {
  if (file.kind !== 'media') return undefined;
  const { entryId, flavorId } = file.identity;
  const there = manifest.fileAt(entryId, file.name);
  if (!there) return namedAfterEntry(entryId, 'quality, max_height or format');
  const { file: was, entry } = there;
  const wasFlavor = was.flavorId === undefined ? entry.flavorId : was.flavorId;
  if (wasFlavor !== flavorId) {
    const what = wasFlavor ? `flavor ${wasFlavor} of entry ${entryId}` : `entry ${entryId}'s own file (no flavor)`;
    return `the manifest records it as ${what}, saved ${entry.time}: another rendition, saved with another quality, max_height or format`;
  }
  return `the manifest records it as an earlier version of this file of entry ${entryId} (${was.bytes} bytes, saved ${entry.time}): the file has changed since`;
}

const shown = (file: SavedFile) => ({ kind: file.kind, path: file.path, bytes: file.bytes });
const recorded = (file: SavedFile): ManifestFile => ({
  kind: file.kind,
  name: file.name,
  bytes: file.bytes,
  ...(file.identity
    ? {
        flavorId: file.identity.flavorId,
        ...(file.identity.version !== null ? { version: file.identity.version } : {}),
        updatedAt: file.identity.updatedAt,
      }
    : {}),
});

/** Progress over every file, sent at most every 250 ms while it moves and at least every 2 s while work goes on. */
class ProgressReporter {
  private total = 0;
  private completed = 0;
  private readonly inFlight = new Map<string, number>();
  private entries = 0;
  /** Whether the number of entries is known (a listing may still be under way). */
  private counted = false;
  private finished = 0;
  private failed = 0;
  private lastSent = 0;
  private lastDone = -1;
  private readonly heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly send?: (done: number, total: number | undefined, message: string) => void | Promise<void>,
  ) {
    if (send) {
      this.heartbeat = setInterval(() => this.report(true), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  expectEntries(count: number): void {
    this.entries = Math.max(this.entries, count);
    this.counted = true;
  }

  addBytes(...bytes: number[]): void {
    for (const b of bytes) this.total += b;
  }

  fileProgress(name: string, done: number): void {
    this.inFlight.set(name, done);
    this.report(false);
  }

  fileDone(name: string, bytes: number): void {
    this.completed += bytes;
    this.inFlight.delete(name);
    this.report(false);
  }

  entryDone(failed: boolean): void {
    this.finished += 1;
    if (failed) this.failed += 1;
    this.report(false);
  }

  /** Stops the heartbeat and sends the last word, once 250 ms have passed since the one before. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    if (!this.send) return;
    const wait = MIN_PROGRESS_GAP_MS - (performance.now() - this.lastSent);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await this.report(true, true);
  }

  /** Sends the progress: when it moved (or `force`), and 250 ms after the last (unless `last`, which waited for that). */
  private report(force: boolean, last = false): void | Promise<void> {
    if (!this.send) return;
    const now = performance.now();
    if (!last && now - this.lastSent < MIN_PROGRESS_GAP_MS) return;
    let done = this.completed;
    for (const bytes of this.inFlight.values()) done += bytes;
    if (!force && done === this.lastDone) return;
    this.lastSent = now;
    this.lastDone = done;
    const failed = this.failed ? `, ${this.failed} failed` : '';
    const message = this.counted || last ? `${this.finished}/${this.entries} entries${failed}` : 'looking up entries';
    // No total until one is known: 0 would read as "nothing to do".
    return this.send(done, this.total > 0 ? Math.max(this.total, done) : undefined, message);
  }
}
