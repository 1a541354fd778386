/**
 * A server whose disk fills up on demand (full-disk.mjs): the node arguments and the environment
 * to start it with, and the free bytes left, which the test sets and may change at any time.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./full-disk.mjs', import.meta.url));

export interface FullDisk {
  /** Before the server's script: `--import` of the preload. */
  nodeArgs: string[];
  /** FULL_DISK_FREE_FILE, for the server's environment. */
  env: Record<string, string>;
  /** Bytes free from now on; `undefined`: room for everything. */
  setFree(bytes: number | undefined): void;
}

/** A disk with `free` bytes free, controlled through a file in `dir` (a folder of the test's, which it removes). */
export function fullDisk(dir: string, free: number): FullDisk {
  const control = join(dir, 'free-bytes');
  const setFree = (bytes: number | undefined) =>
    bytes === undefined ? rmSync(control, { force: true }) : writeFileSync(control, String(bytes));
  setFree(free);
  return { nodeArgs: ['--import', PRELOAD], env: { FULL_DISK_FREE_FILE: control }, setFree };
}
