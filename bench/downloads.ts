/**
 * The downloads part of `npm run bench`: save_media_file of big files (the server's RSS growth,
 * which must not grow with the file), its throughput as a ratio to `curl -o` of the same URL
 * into the same folder (the same disk, so both write what they receive), and a resumed save's bytes as a share of the file. Each save runs in a server of its
 * own, so that one's memory says nothing of another's.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { COURSE_ENTRIES, englishCaption, sizedEntry } from '../test/sandbox/fixtures.js';
import type { Sandbox } from '../test/sandbox/server.js';
import { connect, rssMb } from './processes.js';

/** The entries the downloads bench saves: 512 MiB and 2 GiB (and 700 bytes each: real sizes). */
export const DOWNLOAD_ENTRIES = [sizedEntry('1_big00512', 512 * 1024), sizedEntry('1_big02048', 2048 * 1024)];

/** Seconds `curl` takes to fetch `url` into a file in `folder` (removed after). */
async function curlSeconds(url: string, folder: string): Promise<number> {
  const file = join(folder, 'curl-copy');
  const started = performance.now();
  await promisify(execFile)('curl', ['-sS', '-o', file, '--fail', url]);
  const seconds = (performance.now() - started) / 1000;
  rmSync(file, { force: true });
  return seconds;
}

/** One save of `entryId` in a fresh server: RSS growth (peak during the save − before), seconds, bytes. */
async function measuredSave(sandbox: Sandbox, entryId: string, folder: string) {
  const { client, pid } = await connect(sandbox, { KALTURA_DOWNLOAD_DIR: folder });
  try {
    // Warm: the session and kaltura-client are loaded before the baseline is read.
    const located = await client.callTool({ name: 'get_download_url', arguments: { entry_id: entryId } });
    const url = (located.structuredContent as { downloadUrl: string }).downloadUrl;
    const before = rssMb(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
    const started = performance.now();
    const saved = await client.callTool({ name: 'save_media_file', arguments: { entry_id: entryId } }, undefined, {
      timeout: 1_200_000,
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const body = saved.structuredContent as { bytes: number; path: string };
    rmSync(body.path);
    return { growthMb: peak - before, seconds, bytes: body.bytes, url };
  } finally {
    await client.close();
  }
}

/** RSS growth while saving 512 MiB and 2 GiB, and throughput as a ratio to curl of the same URL. */
export async function bigSaves(sandbox: Sandbox) {
  const folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-bench-'));
  try {
    const rows = [];
    for (const entry of DOWNLOAD_ENTRIES) {
      const save = await measuredSave(sandbox, entry.id, folder);
      const curl = await curlSeconds(save.url, folder);
      rows.push({ ...save, throughputRatio: curl / save.seconds });
    }
    return rows;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A save cut at 60%, then the same save again: the second transfer's bytes as a share of the file. */
export async function resumedSave(sandbox: Sandbox) {
  const folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-bench-'));
  const entry = DOWNLOAD_ENTRIES[0]!;
  const { client } = await connect(sandbox, { KALTURA_DOWNLOAD_DIR: folder });
  try {
    sandbox.setFileServing({ cutAt: 0.6 });
    await client.callTool({ name: 'save_media_file', arguments: { entry_id: entry.id } });
    sandbox.setFileServing({ cutAt: undefined });
    sandbox.clearLog();
    const saved = await client.callTool({ name: 'save_media_file', arguments: { entry_id: entry.id } }, undefined, {
      timeout: 600_000,
    });
    const body = saved.structuredContent as { bytes: number; resumedFrom: number };
    const transferred = sandbox.files.filter((f) => f.method === 'GET').reduce((sum, f) => sum + f.bytesSent, 0);
    return { share: transferred / body.bytes, resumedFrom: body.resumedFrom, bytes: body.bytes };
  } finally {
    await client.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** 1,000 small entries in category 204 (a sub-category of Courses), each with one caption: a library to save. */
export const LIBRARY_ENTRIES = Array.from({ length: 1000 }, (_, i) => {
  const entry = sizedEntry(`5_lib${String(i).padStart(4, '0')}`, 8);
  return {
    ...entry,
    name: `Library item ${i + 1}`,
    categoryIds: [204],
    captions: [englishCaption(`5_cap${String(i).padStart(4, '0')}`)],
  };
});

/** save_media_files of the first `count` library entries (category 204, limit), in a fresh server: Kaltura requests, peak RSS. */
async function libraryRun(sandbox: Sandbox, count: number) {
  const folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-bench-'));
  const { client, pid } = await connect(sandbox, { KALTURA_DOWNLOAD_DIR: folder });
  try {
    await client.listTools();
    let peak = rssMb(pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
    sandbox.clearLog();
    const result = await client.callTool(
      { name: 'save_media_files', arguments: { category_id: 204, limit: count, captions: ['en'] } },
      undefined,
      { timeout: 600_000 },
    );
    clearInterval(sampler);
    const answer = result.structuredContent as { saved: number; failed: number };
    return { count, requests: sandbox.log.length, peakMb: peak, saved: answer.saved, failed: answer.failed };
  } finally {
    await client.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Kaltura requests and peak RSS saving 10, 100 and 1,000 entries with their captions. */
export async function librarySaves(sandbox: Sandbox) {
  const runs = [];
  for (const count of [10, 100, 1000]) runs.push(await libraryRun(sandbox, count));
  return runs;
}

/** The 12-entry course (category 202) saved with save_media_files, as a ratio to curl fetching the same files 4 at a time. */
export async function courseThroughput(sandbox: Sandbox) {
  const folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-bench-'));
  const curlFolder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-bench-'));
  const { client } = await connect(sandbox, { KALTURA_DOWNLOAD_DIR: folder });
  try {
    const ids = COURSE_ENTRIES.map((e) => e.id);
    const located = await client.callTool({ name: 'get_download_urls', arguments: { entry_ids: ids } });
    const urls = (located.structuredContent as { results: Array<{ downloadUrl: string }> }).results.map(
      (r) => r.downloadUrl,
    );
    const curlStarted = performance.now();
    for (let i = 0; i < urls.length; i += 4) {
      await Promise.all(
        urls
          .slice(i, i + 4)
          .map((url, k) => promisify(execFile)('curl', ['-sS', '--fail', '-o', join(curlFolder, `f${i + k}`), url])),
      );
    }
    const curlMs = performance.now() - curlStarted;
    const started = performance.now();
    await client.callTool({ name: 'save_media_files', arguments: { category_id: 202 } });
    const saveMs = performance.now() - started;
    return { ratio: curlMs / saveMs, files: urls.length };
  } finally {
    await client.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(curlFolder, { recursive: true, force: true });
  }
}
