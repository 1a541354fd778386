/**
 * Temporary folders for one test: made in the run's own temporary folder (test/own-temp-folder.ts)
 * and removed when the test ends, passed or failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A fresh folder named `kaltura-mcp-<purpose>-…`, removed when the current test ends. Call it inside a test. */
export function testFolder(purpose: string): string {
  const folder = mkdtempSync(join(tmpdir(), `kaltura-mcp-${purpose}-`));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}
