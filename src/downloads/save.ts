/**
 * Saving a download URL's file into a folder, safely: a name that cannot leave the folder, no
 * symlink followed, nothing overwritten, room checked, the body streamed to a temporary file of
 * this save's own (hidden, unique, created exclusively: never held in memory, never another
 * process's) and checked against Content-Length, then linked into place; on any failure or
 * cancellation that temporary file, and only it, is removed.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, lstat, open, realpath, rename, stat, statfs, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { ToolFailure } from '../failure.js';
import { SERVER_INFO } from '../package-info.js';
import { httpGet } from './http-get.js';

const USER_AGENT = `${SERVER_INFO.name}/${SERVER_INFO.version}`;

/** What a save did. */
export interface Saved {
  path: string;
  bytes: number;
  /** A file of the same size was already there: nothing was downloaded. */
  skipped: boolean;
}

export interface SaveRequest {
  /** The folder (KALTURA_DOWNLOAD_DIR). */
  folder: string;
  /** The file's name in it: no separators, not `.` or `..`. */
  name: string;
  /** The download URL (a credential: never logged, never in a message). */
  url: string;
  /** The size Kaltura reports, when it knows it: checked against the free space up front. */
  expectedBytes: number | null;
  /** Aborts the download; the partial file is removed. */
  signal?: AbortSignal;
  /** Called with the bytes written so far and the total, when known, at most every 250 ms. */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Longest wait for the server to answer or send more bytes, milliseconds. */
  idleTimeoutMs: number;
}

const PROGRESS_INTERVAL_MS = 250;
/** Targets being written by this process now: a second save of one is refused, not raced. */
const inFlight = new Set<string>();

/** The folder as a real path, or a refusal naming the variable. */
export async function downloadFolder(configured: string | undefined): Promise<string> {
  const path = configured?.trim();
  if (!path) {
    throw new ToolFailure(
      'CONFIGURATION_ERROR',
      'KALTURA_DOWNLOAD_DIR is not set: set it to the folder save_media_file may write into (an absolute path), then restart the server',
    );
  }
  if (!isAbsolute(path)) {
    throw new ToolFailure(
      'CONFIGURATION_ERROR',
      'KALTURA_DOWNLOAD_DIR must be an absolute path (a relative one would depend on where the host starts the server)',
    );
  }
  try {
    const folder = await realpath(path);
    if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    await access(folder, constants.W_OK);
    return folder;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ENOTDIR';
    throw new ToolFailure(
      'CONFIGURATION_ERROR',
      `KALTURA_DOWNLOAD_DIR does not name a folder this server can write into (${code}): create it, fix the path or its permissions, then try again`,
    );
  }
}

/** Characters and names Windows does not allow in a file name (elsewhere they are refused too, for portable folders). */
const NOT_PORTABLE = /[<>:"|?*]|[. ]$|^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** A file name made from free text (an entry's name): every character no file system takes becomes `_`. */
export function portableFileName(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are what is being replaced
      .replace(/[/\\<>:"|?*\u0000-\u001f\u007f]/g, '_')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^[. ]+|[. ]+$/g, '')
  );
}

/** Where `name` lands in `folder`, refused if it could land anywhere else. */
function targetIn(folder: string, name: string): string {
  // eslint-disable-next-line no-control-regex -- a control character or NUL has no place in a file name
  const unsafe = /[/\\\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..' || name.trim() === '';
  const target = join(folder, name);
  if (unsafe || dirname(target) !== folder || basename(target) !== name) {
    throw new ToolFailure(
      'UNSAFE_FILE_NAME',
      'the file name would leave KALTURA_DOWNLOAD_DIR (it has a path separator, a control character, or is . or ..): give a plain file name',
    );
  }
  if (NOT_PORTABLE.test(name)) {
    throw new ToolFailure(
      'UNSAFE_FILE_NAME',
      'the file name has a character Windows does not allow (< > : " | ? *), ends with a dot or a space, or is a device name (CON, NUL, COM1, …): give a plain file name',
    );
  }
  return target;
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

/** Saves the URL's file as `name` in `folder`; never overwrites; throws {@link ToolFailure}. */
export async function saveToFolder(request: SaveRequest): Promise<Saved> {
  const target = targetIn(request.folder, request.name);
  const present = await existing(target);
  if (present.kind === 'other') {
    throw new ToolFailure(
      'UNSAFE_FILE_NAME',
      `${request.name} exists in KALTURA_DOWNLOAD_DIR and is not a plain file (a symlink or a folder): choose another file_name`,
    );
  }
  if (present.kind === 'file' && request.expectedBytes !== null) {
    if (present.size === request.expectedBytes) return { path: target, bytes: present.size, skipped: true };
    throw fileExists(request.name, present.size);
  }
  if (inFlight.has(target)) {
    throw new ToolFailure(
      'FILE_EXISTS',
      `${request.name} is being saved by another call: wait for it, or choose another file_name`,
    );
  }
  inFlight.add(target);
  try {
    return await download(request, target, present.kind === 'file' ? present.size : undefined);
  } finally {
    inFlight.delete(target);
  }
}

function fileExists(name: string, size: number): ToolFailure {
  return new ToolFailure(
    'FILE_EXISTS',
    `${name} already exists in KALTURA_DOWNLOAD_DIR with a different size (${size} bytes) and is never overwritten: choose another file_name, or remove the file`,
  );
}

async function download(request: SaveRequest, target: string, presentSize: number | undefined): Promise<Saved> {
  if (request.expectedBytes !== null) await ensureRoom(request.folder, request.expectedBytes);
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const stillAlive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), request.idleTimeoutMs);
  };
  const signal = request.signal ? AbortSignal.any([request.signal, idle.signal]) : idle.signal;
  stillAlive();
  // Hidden and unique: another save of the same name, here or in another process, has its own.
  const part = join(request.folder, `.${request.name}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
  let file: FileHandle | undefined;
  let created = false;
  let total: number | undefined;
  let done = 0;
  let reported = 0;
  try {
    const result = await httpGet(request.url, {
      signal,
      userAgent: USER_AGENT,
      onResponse: async (response) => {
        stillAlive();
        if (response.status !== 200) {
          throw new ToolFailure(
            'DOWNLOAD_FAILED',
            `the file's server answered HTTP ${response.status}${response.status === 403 ? ' (the URL may have expired)' : ''}: try again`,
          );
        }
        total = response.contentLength;
        // The size Kaltura did not know, the server says: a file of that size is already saved.
        if (presentSize !== undefined)
          throw presentSize === total ? ALREADY_SAVED : fileExists(request.name, presentSize);
        if (total !== undefined && request.expectedBytes === null) await ensureRoom(request.folder, total);
        // Created exclusively: if anything is there (it cannot be ours), nothing is written through it.
        file = await open(part, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
        created = true;
      },
      onBody: async (chunk) => {
        stillAlive();
        await file!.write(chunk);
        done += chunk.byteLength;
        const now = performance.now();
        if (request.onProgress && now - reported >= PROGRESS_INTERVAL_MS) {
          reported = now;
          request.onProgress(done, total);
        }
      },
    });
    await file?.close();
    file = undefined;
    // The last word on progress, when the last report is old enough for another.
    if (request.onProgress && performance.now() - reported >= PROGRESS_INTERVAL_MS) request.onProgress(done, total);
    if (!result.complete || (total !== undefined && result.bytes !== total)) {
      throw new ToolFailure(
        'INCOMPLETE_DOWNLOAD',
        `the download was cut off after ${result.bytes}${total === undefined ? '' : ` of ${total}`} bytes; nothing was saved: try again`,
      );
    }
    await putInPlace(part, target, request.name);
    return { path: target, bytes: result.bytes, skipped: false };
  } catch (error) {
    await file?.close().catch(() => undefined);
    if (error === ALREADY_SAVED) return { path: target, bytes: presentSize!, skipped: true };
    if (created) await unlink(part).catch(() => undefined);
    if (request.signal?.aborted) throw new ToolFailure('CANCELLED', 'the save was cancelled; nothing was kept');
    if (idle.signal.aborted) {
      throw new ToolFailure(
        'TIMEOUT',
        `the download stalled for ${request.idleTimeoutMs} ms; nothing was saved: try again, or raise KALTURA_REQUEST_TIMEOUT_MS`,
      );
    }
    if (error instanceof ToolFailure) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ToolFailure(
      'DOWNLOAD_FAILED',
      `the download failed (${code ?? (error instanceof Error ? error.message : 'I/O error')}); nothing was saved: try again`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Thrown from the response handler when the file is already there: no body is read. */
const ALREADY_SAVED = new Error('already saved');

async function ensureRoom(folder: string, bytes: number): Promise<void> {
  const info = await statfs(folder);
  const free = info.bavail * info.bsize;
  if (free < bytes) {
    throw new ToolFailure(
      'INSUFFICIENT_SPACE',
      `the file needs ${bytes} bytes but KALTURA_DOWNLOAD_DIR has ${free} free: make room, or choose a smaller flavor (max_height, quality lowest)`,
    );
  }
}

/** Moves the finished file to its name, never replacing a file that appeared meanwhile. */
async function putInPlace(part: string, target: string, name: string): Promise<void> {
  try {
    await link(part, target);
    await unlink(part);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw fileExists(name, (await lstat(target)).size);
    // Filesystems without hard links: rename, once nothing is at the target.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
    if ((await existing(target)).kind !== 'none') throw fileExists(name, (await lstat(target)).size);
    await rename(part, target);
  }
}

/** The name a file gets when the call gives none: the entry's name (made portable) and the flavor id. */
export function defaultFileName(info: {
  entryName: string | null;
  entryId: string;
  flavorId: string;
  format: string | null;
}): string {
  const base = portableFileName(info.entryName ?? '')
    .slice(0, 120)
    .trim();
  return `${base || info.entryId}-${info.flavorId}${info.format ? `.${portableFileName(info.format)}` : ''}`;
}
