/**
 * A save in progress, on disk, as download managers keep one: the bytes so far in a hidden
 * `.<name>.part`, beside a small record `.<name>.part.json` of what they are (the entry, the
 * flavor, Kaltura's identity of its file, the server's validators and length), and, while a
 * process writes them, a lock `.<name>.part.lock`. A part outlives an interrupted save (a cut
 * connection, a timeout, a shutdown, SIGKILL) so that the next save of the same file continues
 * it; one nobody resumes is removed once it is older than the TTL.
 *
 * The lock is our own (Node has no file locks): a file created exclusively, holding its owner's
 * host and pid, touched every few seconds while the owner works. It is stale, and may be taken
 * over, when its owner is a dead process of this host, or when it has not been touched for
 * {@link STALE_LOCK_MS}.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { ToolFailure } from '../failure.js';
import { stillRealFolder } from './folder.js';

/** What Kaltura says a file is: a part is continued only while this is unchanged. */
export interface FileIdentity {
  entryId: string;
  /** The flavor, or null for an entry's own file (an image's raw file). */
  flavorId: string | null;
  /** The flavor asset's (or the entry's data) version. */
  version: string | null;
  /** The exact length Kaltura records (`sizeInBytes`), or null when it does not know it. */
  sizeInBytes: number | null;
  /** Unix seconds. */
  updatedAt: number | null;
}

/** The record beside a part. */
export interface PartRecord extends FileIdentity {
  kind: typeof RECORD_KIND;
  /** The server's strong validators, when it sent them. */
  etag: string | null;
  lastModified: string | null;
  /** The file's whole length as the server announced it, once known. */
  length: number | null;
}

const RECORD_KIND = 'kaltura-mcp partial download';
const HEARTBEAT_MS = 5_000;
/** A lock untouched this long belongs to nobody (its owner touches it every {@link HEARTBEAT_MS}). */
export const STALE_LOCK_MS = 30_000;
const WAIT_STEP_MS = 200;

/** The files of one target: the target, its part, the part's record and lock. */
export interface PartPaths {
  target: string;
  part: string;
  record: string;
  lock: string;
}

export function partPaths(folder: string, name: string): PartPaths {
  return {
    target: join(folder, name),
    part: join(folder, `.${name}.part`),
    record: join(folder, `.${name}.part.json`),
    lock: join(folder, `.${name}.part.lock`),
  };
}

/** The record and the part's size, when both are there and the record is ours. */
export async function readPart(paths: PartPaths): Promise<{ record: PartRecord; size: number } | undefined> {
  const record = await readRecord(paths);
  const info = record && (await lstat(paths.part).catch(() => undefined));
  return record && info?.isFile() ? { record, size: info.size } : undefined;
}

/** Whether a part of `record` holds bytes of the file Kaltura now describes as `identity`. */
export function sameFile(record: FileIdentity, identity: FileIdentity): boolean {
  return (
    record.entryId === identity.entryId &&
    record.flavorId === identity.flavorId &&
    record.version === identity.version &&
    record.sizeInBytes === identity.sizeInBytes &&
    record.updatedAt === identity.updatedAt
  );
}

/**
 * Writes the record atomically (a whole new file renamed over the old), so it is never
 * half-written; a new file that could not be written whole (a full disk) is removed. Never
 * through a folder that a symlink replaced since it was checked (ELOOP).
 */
export async function writeRecord(paths: PartPaths, record: Omit<PartRecord, 'kind'>): Promise<void> {
  const temporary = `${paths.record}.${randomBytes(4).toString('hex')}`;
  try {
    await stillRealFolder(dirname(paths.record));
    await writeFile(temporary, JSON.stringify({ kind: RECORD_KIND, ...record }), { flag: 'wx', mode: 0o644 });
    await rename(temporary, paths.record);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Removes the part and its record (whatever of them is there), unless the folder is no longer the one checked. */
export async function removePart(paths: PartPaths): Promise<void> {
  // Never through a folder that a symlink replaced since it was checked: what is out there is not ours.
  if (!(await isStillReal(dirname(paths.part)))) return;
  await Promise.all([unlink(paths.part).catch(() => undefined), unlink(paths.record).catch(() => undefined)]);
}

const isStillReal = (folder: string) =>
  stillRealFolder(folder).then(
    () => true,
    () => false,
  );

/** The lock's name holds something that is no lock file of ours (a folder, a symlink): never waited for, never removed. */
export class NotALock extends Error {
  override readonly name = 'NotALock';
  constructor(
    readonly path: string,
    /** What it is, e.g. `a folder`. */
    readonly what: string,
  ) {
    super(`${path} is ${what}, not a lock file`);
  }
}

/** What is at `path` when it is not a plain file, in words; undefined for a plain file or nothing. */
async function notAFile(path: string): Promise<string | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (!info || info.isFile()) return undefined;
  if (info.isDirectory()) return 'a folder';
  if (!info.isSymbolicLink()) return 'not a plain file';
  const target = await stat(path).catch(() => undefined);
  return target?.isDirectory() ? 'a symlink to a folder' : 'a symlink';
}

/** A lock held by this process. */
export interface Lock {
  release(): Promise<void>;
}

interface LockOwner {
  host: string;
  pid: number;
  token: string;
}

/** The tokens of the locks this process holds now: one of its own locks that is not among them was left behind. */
const heldHere = new Set<string>();

/**
 * Takes the target's lock, waiting while another live process holds it (polling; `signal` ends
 * the wait). Resolves once it is ours; rejects with the file system's error when the lock cannot
 * be written (a full disk), leaving no lock behind, and with {@link NotALock} at once when its
 * name holds a folder, a symlink or anything but a plain file, which no process would ever release.
 */
export async function acquireLock(path: string, signal?: AbortSignal): Promise<Lock> {
  const owner: LockOwner = { host: hostname(), pid: process.pid, token: randomBytes(8).toString('hex') };
  for (;;) {
    signal?.throwIfAborted();
    let handle;
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (handle) {
      try {
        await handle.writeFile(JSON.stringify(owner));
        await handle.close();
      } catch (error) {
        // An empty or cut lock would look like one being made, and stall every save for STALE_LOCK_MS.
        await handle.close().catch(() => undefined);
        await unlink(path).catch(() => undefined);
        throw error;
      }
      return held(path, owner);
    }
    const what = await notAFile(path);
    if (what) throw new NotALock(path, what);
    if (await isStale(path)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

function held(path: string, owner: LockOwner): Lock {
  heldHere.add(owner.token);
  const heartbeat = setInterval(() => {
    const now = new Date();
    void utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      heldHere.delete(owner.token);
      // Only our own lock is removed (a stale-looking lock may have been taken over meanwhile).
      const current = await readFile(path, 'utf8').catch(() => '');
      if (current === JSON.stringify(owner)) await unlink(path).catch(() => undefined);
    },
  };
}

/** Whether the lock at `path` belongs to nobody any more: a dead process of this host, or untouched too long. */
async function isStale(path: string): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([lstat(path), readFile(path, 'utf8')]);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return true;
    const owner = JSON.parse(text || '{}') as Partial<LockOwner>;
    // Written but not yet filled: a process is creating it now.
    if (owner.pid === undefined) return false;
    if (owner.host !== hostname()) return false;
    // This process's own lock that it no longer holds (it could not remove it, in a folder turned read-only).
    if (owner.pid === process.pid) return !heldHere.has(owner.token ?? '');
    return !isAlive(owner.pid);
  } catch (error) {
    // Gone meanwhile: try again at once.
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Temporary files of this server, removed once older than the TTL: those of versions before
 * resuming existed (`.<name>.<pid>-<8 hex>.part`), and new records, metadata and manifests that a
 * crash or a full disk left before they were renamed into place (`.<name>.part.json.<8 hex>`,
 * `.<name>.<8 hex>.tmp`).
 */
const TEMPORARY = [/^\..+\.\d+-[0-9a-f]{8}\.part$/, /^\..+\.part\.json\.[0-9a-f]{8}$/, /^\..+\.[0-9a-f]{8}\.tmp$/];

/** When each folder was last swept, so that a folder is read at most every {@link SWEEP_EVERY_MS}. */
const swept = new Map<string, number>();
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Removes from `folder` the parts nobody resumed within `ttlMs`: a record of ours whose part and
 * record are both older, with no live lock; and this server's temporary files ({@link TEMPORARY}).
 * Only files this server writes are touched. Best effort: never throws.
 */
export async function sweepStaleParts(folder: string, ttlMs: number): Promise<string[]> {
  const now = Date.now();
  if (now - (swept.get(folder) ?? -Infinity) < SWEEP_EVERY_MS) return [];
  swept.set(folder, now);
  const removed: string[] = [];
  let names: string[];
  try {
    if (!(await isStillReal(folder))) return removed;
    names = await readdir(folder);
  } catch {
    return removed;
  }
  // A file that is not there is as old as can be.
  const older = async (path: string) => now - (await stat(path).catch(() => ({ mtimeMs: 0 }))).mtimeMs > ttlMs;
  for (const file of names) {
    if (TEMPORARY.some((pattern) => pattern.test(file))) {
      if (await older(join(folder, file))) {
        await unlink(join(folder, file)).catch(() => undefined);
        removed.push(file);
      }
      continue;
    }
    const match = /^\.(.+)\.part\.json$/.exec(file);
    if (!match) continue;
    const paths = partPaths(folder, match[1]!);
    if (!(await readRecord(paths))) continue;
    if (!(await older(paths.record)) || !(await older(paths.part))) continue;
    if ((await lockExists(paths.lock)) && !(await isStale(paths.lock))) continue;
    await removePart(paths);
    await unlink(paths.lock).catch(() => undefined);
    removed.push(`.${match[1]}.part`);
  }
  return removed;
}

async function readRecord(paths: PartPaths): Promise<PartRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(paths.record, 'utf8')) as PartRecord;
    return record?.kind === RECORD_KIND ? record : undefined;
  } catch {
    return undefined;
  }
}

async function lockExists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** KALTURA_PARTIAL_TTL_HOURS by default: three days to resume an interrupted save. */
export const DEFAULT_PARTIAL_TTL_HOURS = 72;

/** KALTURA_PARTIAL_TTL_HOURS (hours, a positive number, fractions allowed) in milliseconds; a CONFIGURATION_ERROR when malformed. */
export function partialTtlMs(configured: string | undefined): number {
  const text = configured?.trim();
  if (!text) return DEFAULT_PARTIAL_TTL_HOURS * 3_600_000;
  const hours = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(hours > 0) || hours > 100_000) {
    throw new ToolFailure(
      'CONFIGURATION_ERROR',
      `KALTURA_PARTIAL_TTL_HOURS must be a number of hours greater than 0 (e.g. 72), not "${text}"`,
    );
  }
  return hours * 3_600_000;
}
