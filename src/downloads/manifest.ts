/**
 * The manifest of a saved library, `kaltura-manifest.json` in its folder: per entry its id,
 * name, flavor, files with their bytes, status and time. It is rewritten as each entry finishes,
 * atomically (a whole new file renamed over the old, so a reader or a crash never sees half of
 * one), and a later run reads it back. Entries of earlier runs stay in it.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stillRealFolder } from './folder.js';
import type { FileIdentity } from './partial.js';

export const MANIFEST_NAME = 'kaltura-manifest.json';
const KIND = 'kaltura-mcp manifest';

/** Manifests in use in this process, by path: one shared instance per folder. */
const OPEN = new Map<string, { manifest: Promise<Manifest>; users: number }>();

/** One file of an entry, as the manifest keeps it. */
export interface ManifestFile {
  kind: string;
  /** Its name in the folder. */
  name: string;
  bytes: number;
  /** What Kaltura said the file was: its flavor (or caption asset, or `thumbnail`), absent in manifests before these were kept. */
  flavorId?: string | null;
  /** Its version (a thumbnail's: its URL's). */
  version?: string;
  /** Unix seconds. */
  updatedAt?: number | null;
}

/** Whether `file` is the file Kaltura describes as `identity` (a thumbnail of an older manifest: by its version). */
function isFileOf(file: ManifestFile, identity: FileIdentity): boolean {
  if (file.flavorId === undefined) {
    return file.kind === 'thumbnail' && identity.flavorId === 'thumbnail' && file.version === identity.version;
  }
  return (
    file.flavorId === identity.flavorId &&
    (file.version ?? null) === identity.version &&
    (file.updatedAt ?? null) === identity.updatedAt
  );
}

/** One entry, as the manifest keeps it. */
export interface ManifestEntry {
  entryId: string;
  name: string | null;
  flavorId: string | null;
  /** `saved` (every file is whole), `failed` (see `error`), or `cancelled`. */
  status: 'saved' | 'failed' | 'cancelled';
  /** When this entry last finished, ISO 8601. */
  time: string;
  files: ManifestFile[];
  error?: string;
  errorType?: string;
}

interface ManifestFileShape {
  kind: typeof KIND;
  version: 1;
  updatedAt: string;
  entries: Record<string, ManifestEntry>;
}

/** The manifest of one folder, in memory, written back as entries finish. */
export class Manifest {
  private writing: Promise<void> = Promise.resolve();
  private pending = false;
  /** Why the last write failed (a full disk, a folder turned read-only): flush() says so. */
  private failure?: unknown;

  private constructor(
    readonly path: string,
    private readonly entries: Map<string, ManifestEntry>,
  ) {}

  /**
   * The folder's manifest, shared by every save into that folder in this process (so that two at
   * once record each other's entries instead of the last write losing the other's); read from
   * disk by the first, or empty (an unreadable or foreign file is replaced, never merged). Each
   * caller gives it back with {@link release} once it has flushed.
   */
  static async open(folder: string): Promise<Manifest> {
    const path = join(folder, MANIFEST_NAME);
    let shared = OPEN.get(path);
    if (!shared) {
      shared = { manifest: Manifest.read(path), users: 0 };
      OPEN.set(path, shared);
    }
    shared.users += 1;
    return shared.manifest;
  }

  /** Gives the manifest back: the last user's release forgets it (the next open reads the file again). */
  release(): void {
    const shared = OPEN.get(this.path);
    if (!shared) return;
    shared.users -= 1;
    if (shared.users <= 0) OPEN.delete(this.path);
  }

  private static async read(path: string): Promise<Manifest> {
    const entries = new Map<string, ManifestEntry>();
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<ManifestFileShape>;
      if (parsed.kind === KIND && parsed.entries && typeof parsed.entries === 'object') {
        for (const [id, entry] of Object.entries(parsed.entries)) entries.set(id, entry);
      }
    } catch {
      // None yet, or not ours: a new one.
    }
    return new Manifest(path, entries);
  }

  get(entryId: string): ManifestEntry | undefined {
    return this.entries.get(entryId);
  }

  /** What the manifest records at `name` for the entry, if anything: the file and its entry. */
  fileAt(entryId: string, name: string): { file: ManifestFile; entry: ManifestEntry } | undefined {
    const entry = this.entries.get(entryId);
    const file = entry?.files.find((f) => f.name === name);
    return entry && file ? { file, entry } : undefined;
  }

  /** The length recorded for the very file `identity` describes, saved at `name`: bytes; undefined when none is. */
  recordedLength(name: string, identity: FileIdentity): number | undefined {
    const file = this.fileAt(identity.entryId, name)?.file;
    return file && isFileOf(file, identity) && Number.isSafeInteger(file.bytes) ? file.bytes : undefined;
  }

  /** Records an entry and schedules a write; writes that pile up while one runs are done once. */
  record(entry: ManifestEntry): void {
    this.entries.set(entry.entryId, entry);
    if (this.pending) return;
    this.pending = true;
    this.writing = this.writing.then(async () => {
      this.pending = false;
      try {
        await this.write();
        this.failure = undefined;
      } catch (error) {
        this.failure = error;
      }
    });
  }

  /** Resolves once everything recorded is written: with undefined, or the last write's failure (a full disk, a folder turned read-only). */
  async flush(): Promise<unknown> {
    await this.writing;
    return this.failure;
  }

  private async write(): Promise<void> {
    const shape: ManifestFileShape = {
      kind: KIND,
      version: 1,
      updatedAt: new Date().toISOString(),
      entries: Object.fromEntries(this.entries),
    };
    const temporary = join(dirname(this.path), `.${MANIFEST_NAME}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await stillRealFolder(dirname(this.path));
      await writeFile(temporary, `${JSON.stringify(shape, null, 2)}\n`, { flag: 'wx', mode: 0o644 });
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}
