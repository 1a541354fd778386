/**
 * `npm run demo`: the server's main job, seen without a Kaltura account. Starts the sandbox
 * Kaltura on 127.0.0.1, spawns the built server over stdio with the SDK's Client (as Claude
 * Desktop would), lists the tools, discovers flavors with list_media_entries, calls
 * get_download_url for a few sample entries and by quality, gets a batch of URLs with
 * get_download_urls, and saves a file with save_media_file, its progress drawn on stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sandboxEnv, SERVER_ENTRY } from '../test/helpers/server-process.js';
import { startSandbox } from '../test/sandbox/server.js';

const samples: Array<{ title: string; args: Record<string, unknown> }> = [
  { title: 'Default choice: the original flavor', args: { entry_id: '1_demo0001' } },
  { title: 'The original, listed last among 3 flavors', args: { entry_id: '1_origlast' } },
  { title: 'A chosen flavor', args: { entry_id: '1_demo0001', flavor_id: '1_demof003' } },
  { title: 'Original still converting: the first READY flavor instead', args: { entry_id: '1_convert1' } },
  { title: 'An invalid entry id', args: { entry_id: 'not-an-id' } },
  { title: 'An entry that does not exist', args: { entry_id: '1_missing1' } },
  {
    title: 'By quality: the highest mp4 at most 540 pixels high',
    args: { entry_id: '1_demo0001', max_height: 540, format: 'mp4' },
  },
];

const sandbox = await startSandbox();
const downloads = mkdtempSync(join(tmpdir(), 'kaltura-mcp-demo-'));
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [SERVER_ENTRY],
  env: sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: downloads }),
  stderr: 'ignore',
});
const client = new Client({ name: 'kaltura-mcp-demo', version: '0.1.0' });

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  console.log(`Sandbox Kaltura at ${sandbox.url}; server spawned over stdio.\n`);
  console.log(`Tools: ${tools.map((t) => t.name).join(', ')}\n`);

  // Flavor discovery: what get_download_url's flavor_id can be.
  const listed = (await client.callTool({ name: 'list_media_entries', arguments: { limit: 3 } })) as CallToolResult;
  const page = listed.structuredContent as {
    totalCount: number;
    entries: Array<{ id: string; name: string; flavors: Array<Record<string, unknown>> }>;
  };
  console.log(`── Flavor discovery: list_media_entries {"limit":3}  →  ${page.totalCount} entries in all`);
  for (const e of page.entries) {
    console.log(`   ${e.id}  ${e.name}`);
    for (const f of e.flavors) {
      const original = f.isOriginal ? ', original' : '';
      console.log(
        `      ${String(f.flavorId)}  ${String(f.format)}  ${String(f.bitrate)} kbps  ${String(f.status)}${original}`,
      );
    }
  }
  console.log('');
  for (const sample of samples) {
    const result = (await client.callTool({ name: 'get_download_url', arguments: sample.args })) as CallToolResult;
    const first = result.content[0];
    const text = first?.type === 'text' ? first.text : '(no text)';
    console.log(`── ${sample.title}`);
    console.log(`   get_download_url ${JSON.stringify(sample.args)}  →  ${result.isError ? 'isError' : 'ok'}`);
    console.log(`${text.replace(/^/gm, '   ')}\n`);
  }

  sandbox.clearLog();
  const batch = (await client.callTool({
    name: 'get_download_urls',
    arguments: { entry_ids: ['1_demo0001', '1_origlast', '1_missing1', '1_audio001'], format: 'mp4' },
  })) as CallToolResult;
  console.log(`── A batch: get_download_urls for 4 entries, mp4 only: ${sandbox.log.length} Kaltura requests`);
  sandbox.clearLog();
  const { results } = batch.structuredContent as {
    results: Array<{ entry_id: string; ok: boolean; flavorId?: string; height?: number; errorType?: string }>;
  };
  for (const r of results) {
    console.log(
      `   ${r.entry_id}  ${r.ok ? `ok  ${String(r.flavorId)}  ${String(r.height)}p` : `not ok  ${String(r.errorType)}`}`,
    );
  }
  console.log('');

  // Slow the sandbox's delivery down so that the progress can be watched.
  sandbox.setFileServing({ bytesPerSecond: 6 * 1024 * 1024 });
  console.log(`── Saving a file: save_media_file {"entry_id":"1_demo0001","quality":"highest"} into ${downloads}`);
  const saved = (await client.callTool(
    { name: 'save_media_file', arguments: { entry_id: '1_demo0001', quality: 'highest' } },
    undefined,
    { onprogress: ({ progress, total }) => drawProgress(progress, total) },
  )) as CallToolResult;
  const savedBytes = (saved.structuredContent as { bytes?: number } | undefined)?.bytes;
  if (savedBytes !== undefined) drawProgress(savedBytes, savedBytes);
  process.stderr.write('\n');
  const first = saved.content[0];
  console.log(`${(first?.type === 'text' ? first.text : '').replace(/^/gm, '   ')}\n`);
} finally {
  await client.close();
  await sandbox.close();
  rmSync(downloads, { recursive: true, force: true });
}

/** A progress bar on stderr, redrawn in place. */
function drawProgress(done: number, total: number | undefined): void {
  const width = 30;
  const share = total ? Math.min(1, done / total) : 0;
  const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  process.stderr.write(`\r   [${bar}] ${mb(done)} of ${total ? mb(total) : '?'} MB`);
}
