/**
 * `npm run demo`: the server's main job, seen without a Kaltura account. Starts the sandbox
 * Kaltura on 127.0.0.1, spawns the built server over stdio with the SDK's Client (as Claude
 * Desktop would), lists the tools, discovers flavors with list_media_entries and calls
 * get_download_url for a few sample entries.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sandboxEnv, SERVER_ENTRY } from '../test/helpers/server-process.js';
import { startSandbox } from '../test/sandbox/server.js';

const samples: Array<{ title: string; args: Record<string, string> }> = [
  { title: 'Default choice: the original flavor', args: { entry_id: '1_demo0001' } },
  { title: 'The original, listed last among 3 flavors', args: { entry_id: '1_origlast' } },
  { title: 'A chosen flavor', args: { entry_id: '1_demo0001', flavor_id: '1_demof003' } },
  { title: 'Original still converting: the first READY flavor instead', args: { entry_id: '1_convert1' } },
  { title: 'An invalid entry id', args: { entry_id: 'not-an-id' } },
  { title: 'An entry that does not exist', args: { entry_id: '1_missing1' } },
];

const sandbox = await startSandbox();
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [SERVER_ENTRY],
  env: sandboxEnv(sandbox.url),
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
} finally {
  await client.close();
  await sandbox.close();
}
