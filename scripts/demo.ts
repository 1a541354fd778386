/**
 * `npm run demo`: what the server does for an agent, without a Kaltura account, explaining
 * Kaltura's words as they first come up. It starts the sandbox Kaltura on 127.0.0.1, runs the
 * built server over stdio with the SDK's Client (as a desktop host does), calls each kind of
 * tool once, saves one file into a folder it keeps and names, and ends with what to try next.
 * It never prints a secret, a KS, or a whole download URL (which carries one).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sandboxEnv, SERVER_ENTRY } from '../test/helpers/server-process.js';
import { SANDBOX_PARTNER_ID } from '../test/sandbox/fixtures.js';
import { startSandbox } from '../test/sandbox/server.js';

type Flavor = {
  flavorId: string;
  format: string;
  height: number;
  bitrate: number;
  status: string;
  isOriginal: boolean;
};
type Entry = { id: string; name: string; flavors: Flavor[] };
type Located = { entryId: string; flavorId: string | null; format: string; height: number; downloadUrl: string };

const say = (line = '') => console.log(line);
/** A concept, the first time it comes up. */
const explain = (word: string, meaning: string) => say(`   · ${word}: ${meaning}`);
/** A download URL without what makes it a credential: only where it points. */
const shown = (url: string) => `${new URL(url).origin}/… (the rest is a credential: not shown)`;

const sandbox = await startSandbox();
// Kept after the demo, and named at the end, so that the saved file can be opened.
const downloads = mkdtempSync(join(tmpdir(), 'kaltura-mcp-demo-'));
const client = new Client({ name: 'kaltura-mcp-demo', version: '0.1.0' });
const call = async (name: string, args: Record<string, unknown>, onprogress?: (done: number, total?: number) => void) =>
  (await client.callTool(
    { name, arguments: args },
    undefined,
    onprogress ? { onprogress: ({ progress, total }) => onprogress(progress, total) } : {},
  )) as CallToolResult;
const errorOf = (result: CallToolResult) => {
  const first = result.content[0];
  return first?.type === 'text' ? (JSON.parse(first.text) as { error: string }).error : '(no text)';
};

try {
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [SERVER_ENTRY],
      env: sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: downloads }),
      stderr: 'ignore',
    }),
  );
  const { tools } = await client.listTools();
  say(`kaltura-mcp, run as an MCP host runs it, against a sandbox Kaltura on this machine (${sandbox.url}).`);
  explain(
    'partner id',
    `a Kaltura account's number: here ${SANDBOX_PARTNER_ID} (yours is in KMC > Settings > Integration Settings)`,
  );
  explain(
    'KS',
    "a Kaltura session key, the pass sent with each request: the server signs one with the partner's admin secret (both are secrets, never shown)",
  );
  say(`   The server offers ${tools.length} tools to the agent: ${tools.map((t) => t.name).join(', ')}.`);

  say('\n── list_media_entries {"limit": 2}');
  const page = (await call('list_media_entries', { limit: 2 })).structuredContent as {
    totalCount: number;
    entries: Entry[];
  };
  explain('entry', 'one item of the library (a video, an audio, an image or a document), with an id like 1_demo0001');
  explain('flavor', 'one file of an entry, also called a rendition: the original upload, or a conversion of it');
  for (const entry of page.entries) {
    say(`   ${entry.id}  "${entry.name}": ${entry.flavors.length} flavors`);
    for (const f of entry.flavors) {
      say(
        `      ${f.flavorId}  ${f.format} ${f.height}p ${f.bitrate} kbps  ${f.status}${f.isOriginal ? '  (the original)' : ''}`,
      );
    }
  }
  say(`   (${page.totalCount} entries in all.)`);

  say('\n── get_download_url {"entry_id": "1_demo0001"}');
  const original = (await call('get_download_url', { entry_id: '1_demo0001' })).structuredContent as Located;
  say(`   the original, flavor ${original.flavorId}: ${shown(original.downloadUrl)}`);
  explain(
    'download URL',
    "a link to one flavor's file; it is a credential (it may carry an access token): do not post it",
  );
  const by = (await call('get_download_url', { entry_id: '1_demo0001', max_height: 540, format: 'mp4' }))
    .structuredContent as Located;
  say(`   with {"max_height": 540, "format": "mp4"}: flavor ${by.flavorId}, ${by.height}p ${by.format}`);
  for (const id of ['1_image001', '1_doc00001']) {
    const found = (await call('get_download_url', { entry_id: id })).structuredContent as Located;
    say(
      `   ${id}: a ${found.format} file${found.flavorId ? `, flavor ${found.flavorId}` : ' of its own (an image has no flavors)'}`,
    );
  }
  say(`   1_allconv1: ${errorOf(await call('get_download_url', { entry_id: '1_allconv1' }))}`);
  say(`   1_missing1: ${errorOf(await call('get_download_url', { entry_id: '1_missing1' }))}`);

  sandbox.clearLog();
  const ids = ['1_demo0001', '1_origlast', '1_missing1', '1_audio001'];
  const batch = (await call('get_download_urls', { entry_ids: ids, format: 'mp4' })).structuredContent as {
    results: Array<{ entry_id: string; ok: boolean; flavorId?: string; errorType?: string }>;
  };
  say(`\n── get_download_urls for ${ids.length} entries, mp4 only: ${sandbox.log.length} requests to Kaltura`);
  for (const r of batch.results) say(`   ${r.entry_id}  ${r.ok ? `flavor ${r.flavorId}` : r.errorType}`);

  say('\n── save_media_file {"entry_id": "1_demo0001", "quality": "highest"}');
  // Slowed down so that the progress can be seen.
  sandbox.setFileServing({ bytesPerSecond: 6 * 1024 * 1024 });
  const saved = (await call('save_media_file', { entry_id: '1_demo0001', quality: 'highest' }, drawProgress))
    .structuredContent as { path: string; bytes: number };
  drawProgress(saved.bytes, saved.bytes);
  process.stderr.write('\n');
  say(`   saved ${(saved.bytes / 1024 / 1024).toFixed(1)} MB as ${saved.path}`);
  sandbox.setFileServing({ bytesPerSecond: 0 });

  say('\n── save_media_files {"category_id": 202, "captions": ["en"], "metadata": true, "subfolder": "Biology 101"}');
  explain('category', 'a shelf of entries (a course, a channel); here Biology 101, with its sub-category Week 1');
  explain('caption', "an entry's subtitles in one language, kept by Kaltura as an SRT, WebVTT or DFXP file");
  sandbox.clearLog();
  const library = (
    await call('save_media_files', { category_id: 202, captions: ['en'], metadata: true, subfolder: 'Biology 101' })
  ).structuredContent as {
    folder: string;
    entries: number;
    saved: number;
    bytes: number;
    results: Array<{ files: Array<{ path: string }> }>;
  };
  say(
    `   ${library.saved} of ${library.entries} entries saved (${(library.bytes / 1024 / 1024).toFixed(1)} MB) with ${sandbox.log.length} requests to Kaltura, into ${library.folder}:`,
  );
  for (const file of library.results[0]!.files) say(`      ${file.path.slice(library.folder.length + 1)}`);
  say('      … and the same for every lecture, with kaltura-manifest.json listing them all');
  const again = (
    await call('save_media_files', { category_id: 202, captions: ['en'], metadata: true, subfolder: 'Biology 101' })
  ).structuredContent as { skipped: number; bytes: number };
  say(`   called again: ${again.skipped} entries skipped, ${again.bytes} bytes downloaded (every file was whole)`);

  say('\nnext:');
  say(`   · the saved files stay in ${downloads} (remove it when done)`);
  say('   · call the tools yourself in the MCP Inspector, against the sandbox: in one terminal, npm run sandbox');
  say("     (it prints the three settings); in another (the Inspector's web UI wants Node 22 or newer):");
  say(
    `       npx @modelcontextprotocol/inspector -e KALTURA_SERVICE_URL=<its URL> -e KALTURA_PARTNER_ID=${SANDBOX_PARTNER_ID} -e KALTURA_ADMIN_SECRET=<its secret> node ${SERVER_ENTRY}`,
  );
  say('   · add it to your host with your own account, e.g. Claude Code:');
  say(
    `       claude mcp add kaltura --scope user --env KALTURA_PARTNER_ID=<your partner id> --env KALTURA_APP_TOKEN_ID=<id> --env KALTURA_APP_TOKEN=<value> -- node ${SERVER_ENTRY}`,
  );
  say('     (kaltura-mcp app-token create makes the App Token; the README shows Claude Desktop, Cursor and VS Code)');
} finally {
  await client.close();
  await sandbox.close();
}

/** A progress bar on stderr, redrawn in place. */
function drawProgress(done: number, total: number | undefined): void {
  const width = 30;
  const share = total ? Math.min(1, done / total) : 0;
  const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  process.stderr.write(`\r   [${bar}] ${mb(done)} of ${total ? mb(total) : '?'} MB`);
}
