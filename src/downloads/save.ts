/**
 * Saving a file into the download folder as a download manager does (curl -C -, wget -c,
 * yt-dlp): never over another file, never through a symlink, room checked, the bytes streamed
 * (never held in memory) into a hidden part beside a record of what they are (partial.ts), then
 * linked into place. An interrupted save keeps its part, and the next save of the same entry,
 * flavor and name continues it with `Range` (and `If-Range` when the server gave a validator)
 * while Kaltura's identity of the file is unchanged; otherwise, or when the server does not
 * answer `206` with the range asked for, it starts over. Two versions are never spliced.
 *
 * A file already there is recognised by its exact length (Kaltura's `sizeInBytes`, else the
 * `Content-Length` of a `HEAD`), never by `size` × 1024 (`size` is in KB, rounded). Saves of one
 * target, in this process or another, take turns; the later ones then find the file and answer
 * `skipped`.
 */
import { constants, type WriteStream } from 'node:fs';
import { link, lstat, open, rename, statfs, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ToolFailure } from '../failure.js';
import { dieError } from '../kaltura/errors.js';
import { SERVER_INFO } from '../package-info.js';
import { fetchFailure, openFile, type FileResponse } from './fetch-file.js';
import { compareWithServed } from './same-bytes.js';
import { stillRealFolder } from './folder.js';
import { fileExists, fileSystemCode, notAPlainFile, writeFailure, type SaveWording } from './save-wording.js';
import {
  acquireLock,
  NotALock,
  partPaths,
  readPart,
  removePart,
  sameFile,
  sweepStaleParts,
  writeRecord,
  type FileIdentity,
  type PartPaths,
  type PartRecord,
} from './partial.js';

const USER_AGENT = `${SERVER_INFO.name}/${SERVER_INFO.version}`;
/** Progress reports are at least this far apart, ms. */
export const PROGRESS_INTERVAL_MS = 250;
/** The `Last-Modified` Kaltura's origin sends for every file: no validator at all. */
const KALTURA_CONSTANT_DATE = 'Sun, 19 Nov 2000 08:52:00 GMT';

/** What a save did. */
export interface Saved {
  path: string;
  /** The file's length. */
  bytes: number;
  /** The same file was already there: nothing was downloaded. */
  skipped: boolean;
  /** Bytes of an earlier, interrupted save that were kept (0 when it started from the first byte). */
  resumedFrom: number;
}

export interface SaveRequest {
  folder: string;
  /** The saved name, already checked (file-names.ts). */
  name: string;
  /** The download URL: a credential, never logged, never in a message. */
  url: string;
  /** What Kaltura says the file is. */
  identity: FileIdentity;
  /**
   * The length an earlier save recorded for this very file (the same entry, flavor and version)
   * at this name, e.g. in save_media_files' manifest: a file of that length there is it, even when
   * nobody else knows the length.
   */
  recordedLength?: number;
  /** What a file already at the name, not this one, most likely is (e.g. another rendition of the entry): for FILE_EXISTS. */
  takenBy?: string;
  /** How messages name the folder and the caller's ways out. */
  wording: SaveWording;
  /** The size to expect when Kaltura knows only an estimate (`size` × 1024): for the room check. */
  estimatedBytes: number | null;
  /** The client cancelled: the part is removed, unless `keepPartial`. */
  signal?: AbortSignal;
  /** The server is shutting down: the part is kept for the next save. */
  stopping?: AbortSignal;
  keepPartial?: boolean;
  /**
   * Called with the bytes saved so far (resumed ones included) and the total, at most every
   * 250 ms while bytes arrive; the caller says the last word once the file is saved.
   */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Longest wait for the server to answer or send more bytes, milliseconds. */
  idleTimeoutMs: number;
  /** Parts older than this, in the same folder, are removed. */
  partialTtlMs: number;
}

/** Saves of each target running in this process: a later one waits for the earlier. */
const running = new Map<string, Promise<unknown>>();

/** Saves the URL's file as `request.name` in `request.folder`; never overwrites; throws {@link ToolFailure}. */
export async function saveToFolder(request: SaveRequest): Promise<Saved> {
  const paths = partPaths(request.folder, request.name);
  const earlier = running.get(paths.target);
  const mine = (async () => {
    if (earlier) await untilSettled(earlier, request.signal);
    return saveLocked(request, paths);
  })();
  running.set(paths.target, mine);
  try {
    return await mine;
  } finally {
    if (running.get(paths.target) === mine) running.delete(paths.target);
  }
}

async function untilSettled(work: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  if (!signal) return settled;
  await Promise.race([
    settled,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(cancelledFailure(false));
      signal.addEventListener('abort', () => reject(cancelledFailure(false)), { once: true });
    }),
  ]);
}

async function saveLocked(request: SaveRequest, paths: PartPaths): Promise<Saved> {
  try {
    // Stale parts go with the next save into the folder, whether it downloads or finds its file
    // whole (a sweep reads the folder at most every 10 minutes, and never through a symlink).
    const present = await alreadySaved(request, paths.target);
    if (present) {
      await sweepStaleParts(request.folder, request.partialTtlMs);
      return present;
    }
    // Nothing is created (nor swept) through a folder that a symlink replaced since it was checked.
    await stillRealFolder(request.folder);
    await sweepStaleParts(request.folder, request.partialTtlMs);
    const lock = await acquireLock(paths.lock, request.signal).catch((error: unknown) => {
      throw request.signal?.aborted ? cancelledFailure(false) : error;
    });
    try {
      // Another process may have saved it while this one waited for the lock.
      return (await alreadySaved(request, paths.target)) ?? (await download(request, paths));
    } finally {
      await lock.release();
    }
  } catch (error) {
    if (error instanceof NotALock) {
      throw new ToolFailure(
        'UNSAFE_FILE_NAME',
        `"${basename(error.path)}" in ${request.wording.place} is ${error.what}, not a lock file of this server: remove it, then call again (a save of "${request.name}" would otherwise wait for it forever)`,
      );
    }
    // The file system's failures (a full disk while taking the lock) in words, never with a path.
    const code = error instanceof ToolFailure ? undefined : fileSystemCode(error);
    throw code ? writeFailure(request.wording.place, request.name, code, await partSize(paths)) : error;
  }
}

/** The bytes of the target's part truly on disk (0 when there is none). */
async function partSize(paths: PartPaths): Promise<number> {
  const info = await lstat(paths.part).catch(() => undefined);
  return info?.isFile() ? info.size : 0;
}

/** What is at `path` without following a symlink: nothing, a file of some size, or something else. */
async function existing(path: string): Promise<{ kind: 'none' } | { kind: 'file'; size: number } | { kind: 'other' }> {
  try {
    const info = await lstat(path);
    return info.isFile() ? { kind: 'file', size: info.size } : { kind: 'other' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw error;
  }
}

/**
 * The answer when the target is there already: `skipped` when it is the file, else FILE_EXISTS;
 * undefined when nothing is there. The file is this one when an earlier save recorded this very
 * file there at that length (save_media_files' manifest); otherwise its bytes are compared with
 * what the URL serves (same-bytes.ts: the last 64 KiB, one ranged GET), since a length alone
 * cannot tell another entry's file, or a flavor replaced upstream, from this one. When the server
 * gives nothing to compare, the length decides, as before.
 */
async function alreadySaved(request: SaveRequest, target: string): Promise<Saved | undefined> {
  const present = await existing(target);
  if (present.kind === 'none') return undefined;
  if (present.kind === 'other') throw notAPlainFile(request.wording, request.name);
  const skipped = { path: target, bytes: present.size, skipped: true, resumedFrom: 0 };
  if (request.recordedLength === present.size) return skipped;
  const known = request.identity.sizeInBytes ?? undefined;
  const taken = { name: request.name, size: present.size, takenBy: request.takenBy };
  if (known !== undefined && known !== present.size) throw fileExists(request.wording, { ...taken, length: known });
  // A shutdown ends the comparison too (the call then answers INTERRUPTED, as a download would).
  const signals = [request.signal, request.stopping].filter((s): s is AbortSignal => s !== undefined);
  const compared = await compareWithServed(
    {
      url: request.url,
      signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      idleTimeoutMs: request.idleTimeoutMs,
      userAgent: USER_AGENT,
    },
    target,
    present.size,
  ).catch((error: unknown) => {
    if (request.signal?.aborted || request.stopping?.aborted) return { kind: 'cut off' as const };
    throw error;
  });
  if (request.signal?.aborted) throw cancelledFailure(false);
  if (request.stopping?.aborted) {
    throw new ToolFailure(
      'INTERRUPTED',
      'the server is shutting down; nothing was changed: call again once it is back',
    );
  }
  if (compared.kind === 'same') return skipped;
  if (compared.kind === 'cut off') {
    throw fetchFailure(
      `"${request.name}" is already in ${request.wording.place}, and comparing it with the file's server was cut off before it could tell whether it is this file; nothing was changed: call again`,
    );
  }
  if (compared.kind === 'different') {
    const length = compared.length ?? known;
    throw fileExists(request.wording, { ...taken, length, otherBytes: true });
  }
  if (known === present.size) return skipped;
  throw fileExists(request.wording, { ...taken, length: known });
}

/** How a download ended early: the failure, and whether its part is worth keeping. */
function cancelledFailure(kept: boolean): ToolFailure {
  return new ToolFailure(
    'CANCELLED',
    kept
      ? 'the save was cancelled; the part saved so far is kept for the next save to continue'
      : 'the save was cancelled; nothing was kept',
  );
}

/** Where a download starts: a fresh file, or the end of a part of the same file. */
interface Start {
  from: number;
  record: Omit<PartRecord, 'kind'>;
}

/** Continues the target's part when Kaltura's identity of the file is unchanged; else starts over. */
async function startOf(request: SaveRequest, paths: PartPaths): Promise<Start> {
  const fresh = { ...request.identity, etag: null, lastModified: null, length: null };
  const part = await readPart(paths);
  if (part && part.size > 0 && sameFile(part.record, request.identity)) {
    const { etag, lastModified, length } = part.record;
    if (length === null || part.size <= length)
      return { from: part.size, record: { ...fresh, etag, lastModified, length } };
  }
  await removePart(paths);
  return { from: 0, record: fresh };
}

/** The `Range` (and `If-Range`) that continue a part, when there is one. */
function rangeHeaders(start: Start): Record<string, string> {
  if (start.from === 0) return {};
  const { etag, lastModified } = start.record;
  // Only a strong validator may be sent in If-Range; Kaltura's constant date tells nothing.
  const validator =
    etag && !etag.startsWith('W/')
      ? etag
      : lastModified && lastModified !== KALTURA_CONSTANT_DATE
        ? lastModified
        : undefined;
  return { Range: `bytes=${start.from}-`, ...(validator ? { 'If-Range': validator } : {}) };
}

/** A `Content-Range` header: the first and last byte sent and the whole length (undefined when `*`). */
function contentRange(header: string | undefined): { first?: number; last?: number; total?: number } | undefined {
  const match = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const number = (text: string | undefined) => (text === undefined || text === '*' ? undefined : Number(text));
  return { first: number(match[1]), last: number(match[2]), total: number(match[3]) };
}

/**
 * What the answer to a request from `start` means: bytes to write from `from` (to a file of
 * `total` bytes, when known), the part already complete, or (for a part) start over.
 */
function reading(
  response: FileResponse,
  start: Start,
):
  | { kind: 'write'; from: number; total: number | undefined }
  | { kind: 'complete'; total: number }
  | { kind: 'restart' } {
  const etag = header(response, 'etag');
  // Kaltura "dies" on a file URL too (access control, a file gone): an empty 200 whose headers say why.
  const died = dieError(response.headers);
  if (died) throw new ToolFailure(died.code, died.message);
  if (response.status === 200 && response.length === 0 && (start.record.sizeInBytes ?? 0) > 0) {
    throw fetchFailure("the file's server sent an empty answer for a file Kaltura says is not empty: try again later");
  }
  if (response.status === 200) {
    // A whole file: the first answer, or a server that ignored the range (or whose validator changed).
    return { kind: 'write', from: 0, total: response.length };
  }
  if (start.from > 0 && response.status === 206) {
    const range = contentRange(header(response, 'content-range'));
    const expected = start.record.length ?? start.record.sizeInBytes ?? range?.total;
    const sameValidator = !start.record.etag || !etag || etag === start.record.etag;
    if (range?.first === start.from && range.total !== undefined && range.total === expected && sameValidator) {
      if (range.last === undefined || range.last === range.total - 1)
        return { kind: 'write', from: start.from, total: range.total };
    }
    return { kind: 'restart' };
  }
  if (start.from > 0 && response.status === 416) {
    // Nothing left to send: the part may already be the whole file (cut off just before it was put in place).
    const total = contentRange(header(response, 'content-range'))?.total;
    const expected = start.record.length ?? start.record.sizeInBytes;
    if (total !== undefined && total === start.from && (expected === null || expected === total))
      return { kind: 'complete', total };
    return { kind: 'restart' };
  }
  if (response.status === 401 || response.status === 403 || response.status === 410) {
    // Refused: a time-limited URL past its time, most often. A new URL from Kaltura may do.
    throw new ToolFailure(
      'URL_REFUSED',
      `the file's server refused the download URL (HTTP ${response.status}; it may have expired): try again, which asks Kaltura for a new one`,
    );
  }
  throw fetchFailure(`the file's server answered HTTP ${response.status}: try again`);
}

const header = (response: FileResponse, name: string): string | undefined => {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

async function download(request: SaveRequest, paths: PartPaths): Promise<Saved> {
  let start = await startOf(request, paths);
  const known = request.identity.sizeInBytes ?? request.estimatedBytes;
  if (known !== null) await ensureRoom(request, known - start.from);
  const idle = new AbortController();
  const signal = AbortSignal.any([idle.signal, request.signal, request.stopping].filter((s): s is AbortSignal => !!s));
  // Bytes in the part so far, and the file's whole length once known: what a failure reports.
  const state = { written: start.from, total: undefined as number | undefined };
  try {
    // The record first: a part on disk is never without the record that says what it is.
    await writeRecord(paths, start.record);
    let response = await get(request, rangeHeaders(start), signal);
    let plan = reading(response, start);
    if (plan.kind === 'restart') {
      response.body.destroy();
      await removePart(paths);
      start = { from: 0, record: { ...start.record, etag: null, lastModified: null, length: null } };
      await writeRecord(paths, start.record);
      response = await get(request, {}, signal);
      plan = reading(response, start);
    }
    if (plan.kind === 'restart') throw fetchFailure("the file's server answered a fresh request with a partial answer");
    state.total = plan.total;
    if (plan.kind === 'write') {
      if (plan.from === 0 && start.from > 0) start = { from: 0, record: start.record };
      state.written = plan.from;
      const record = {
        ...start.record,
        etag: header(response, 'etag') ?? null,
        lastModified: header(response, 'last-modified') ?? null,
        length: plan.total ?? null,
      };
      await writeRecord(paths, record);
      if (plan.total !== undefined && known === null) await ensureRoom(request, plan.total - plan.from);
      await writeBody(request, paths, response, state, idle);
      if (plan.total !== undefined && state.written !== plan.total) throw cutOff(state.written, plan.total);
    } else {
      response.body.resume();
      state.written = plan.total;
    }
    const bytes = state.written;
    await stillRealFolder(request.folder);
    await putInPlace(paths, request, bytes);
    await unlink(paths.record).catch(() => undefined);
    return { path: paths.target, bytes, skipped: false, resumedFrom: start.from };
  } catch (error) {
    throw await failed(error, request, paths, { ...state, idle: idle.signal.aborted });
  }
}

/** A GET of the file with `headers`. */
function get(request: SaveRequest, headers: Record<string, string>, signal: AbortSignal): Promise<FileResponse> {
  return openFile({
    url: request.url,
    method: 'GET',
    headers,
    signal,
    idleTimeoutMs: request.idleTimeoutMs,
    userAgent: USER_AGENT,
  });
}

/**
 * Streams the body into the part from byte `state.written` (appending to the part, or into a
 * new one), counting into `state.written` and reporting progress. Never follows a symlink at the part.
 */
async function writeBody(
  request: SaveRequest,
  paths: PartPaths,
  response: FileResponse,
  state: { written: number; total: number | undefined },
  idle: AbortController,
): Promise<void> {
  const { total } = state;
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    (constants.O_NOFOLLOW ?? 0) |
    (state.written > 0 ? constants.O_APPEND : constants.O_TRUNC);
  await stillRealFolder(request.folder);
  const file = await open(paths.part, flags, 0o644);
  let reported = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  const stillAlive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), request.idleTimeoutMs);
  };
  stillAlive();
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      stillAlive();
      state.written += chunk.byteLength;
      const now = performance.now();
      if (request.onProgress && now - reported >= PROGRESS_INTERVAL_MS) {
        reported = now;
        request.onProgress(state.written, total);
      }
      callback(null, chunk);
    },
  });
  try {
    await streamInto(response.body, counter, file.createWriteStream());
  } finally {
    clearTimeout(timer);
    await file.close().catch(() => undefined);
  }
}

/**
 * Streams `body` through `counter` into `sink`. Unlike `pipeline`, a body that fails (a cut
 * connection, a stall, a cancellation) does not destroy what follows it: what arrived is
 * written first, so the part holds every byte received; then the body's failure is thrown.
 */
function streamInto(body: Readable, counter: Transform, sink: WriteStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    // `finished` also reports a body that failed before this began (a malformed chunk).
    finished(body).catch((error: unknown) => {
      failure ??= error;
      if (!counter.writableEnded) counter.end();
    });
    counter.once('error', (error) => {
      failure ??= error;
      sink.destroy(error);
    });
    sink.once('error', (error) => {
      failure ??= error;
      body.destroy();
      reject(failure);
    });
    sink.once('finish', () => (failure ? reject(failure) : resolve()));
    body.pipe(counter).pipe(sink);
  });
}

function cutOff(written: number, total: number | undefined): ToolFailure {
  const of = total === undefined ? '' : ` of ${total}`;
  const kept = written > 0 ? 'they are kept: call again to continue from there' : 'nothing was saved: try again';
  return new ToolFailure('INCOMPLETE_DOWNLOAD', `the download was cut off after ${written}${of} bytes; ${kept}`);
}

/**
 * The failure a download ended in, with its part kept or removed: kept after an interruption
 * (a cut connection, a stall, a full disk, a shutdown) so the next save continues it; removed
 * after a cancellation (unless `keepPartial`) and after an answer that cannot be trusted.
 */
async function failed(
  error: unknown,
  request: SaveRequest,
  paths: PartPaths,
  state: { written: number; total: number | undefined; idle: boolean },
): Promise<ToolFailure> {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  // A symlink in the way (the folder replaced by one since it was checked): nothing is touched through it.
  if (code === 'ELOOP') return writeFailure(request.wording.place, request.name, code, 0);
  // What is on disk, not what arrived (a full disk keeps less): what the next save continues from.
  const kept = await partSize(paths);
  // Nothing kept: nothing worth keeping but the record, which goes too.
  if (kept === 0) await removePart(paths);
  if (request.signal?.aborted) {
    if (!request.keepPartial) await removePart(paths);
    return cancelledFailure(!!request.keepPartial && kept > 0);
  }
  if (request.stopping?.aborted) {
    return new ToolFailure(
      'INTERRUPTED',
      'the server is shutting down; the part saved so far is kept for the next save',
    );
  }
  if (state.idle || code === 'ETIMEDOUT') {
    return new ToolFailure(
      'TIMEOUT',
      `the download stalled for ${request.idleTimeoutMs} ms ${kept > 0 ? `after ${kept} bytes; they are kept: call again to continue` : 'before a byte was saved: call again'}, or raise KALTURA_REQUEST_TIMEOUT_MS`,
    );
  }
  if (error instanceof ToolFailure) return error;
  if (code.startsWith('HPE_')) {
    // A malformed answer cannot be trusted, not even its first bytes.
    await removePart(paths);
    return fetchFailure(`the file's server sent a malformed answer (${code}); nothing was saved: try again later`);
  }
  // Cut once the answer had begun: what arrived is kept.
  if ((code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') && (kept > 0 || state.total !== undefined)) {
    return cutOff(kept, state.total);
  }
  // The disk's failures (full, read-only, gone): said as such, with the bytes truly kept.
  const fileSystem = fileSystemCode(error);
  if (fileSystem) return writeFailure(request.wording.place, request.name, fileSystem, kept);
  const what = code || (error instanceof Error ? error.message : 'I/O error');
  return fetchFailure(
    kept > 0
      ? `the download failed (${what}); the ${kept} bytes saved so far are kept: call again to continue`
      : `the download failed (${what}); nothing was saved: check the network (and HTTPS_PROXY) and try again`,
  );
}

async function ensureRoom(request: SaveRequest, bytes: number): Promise<void> {
  const info = await statfs(request.folder);
  const free = info.bavail * info.bsize;
  if (free < bytes) {
    throw new ToolFailure(
      'INSUFFICIENT_SPACE',
      `the file needs ${bytes} more bytes but ${request.wording.place} has ${free} free: make room, or choose a smaller flavor (max_height, quality lowest)`,
    );
  }
}

/**
 * Moves the finished part to its name, never replacing a file that appeared meanwhile. When the
 * folder refuses (its permissions changed), the part is kept: the next save puts it in place
 * without downloading it again.
 */
async function putInPlace(paths: PartPaths, request: SaveRequest, bytes: number): Promise<void> {
  try {
    try {
      await link(paths.part, paths.target);
      await unlink(paths.part);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // File systems without hard links: rename, once nothing is at the target.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
      if ((await existing(paths.target)).kind !== 'none') throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      await rename(paths.part, paths.target);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'I/O error';
    if (code === 'EEXIST') {
      const present = await existing(paths.target);
      if (present.kind === 'file' && present.size === bytes) return void (await removePart(paths));
      if (present.kind !== 'file') throw notAPlainFile(request.wording, request.name);
      throw fileExists(request.wording, {
        name: request.name,
        size: present.size,
        length: bytes,
        takenBy: request.takenBy,
      });
    }
    throw new ToolFailure(
      'SAVE_FAILED',
      `the file was downloaded (${bytes} bytes) but could not be put in place (${code}): make ${request.wording.place} writable and call again; the downloaded bytes are kept and will not be fetched again`,
    );
  }
}
