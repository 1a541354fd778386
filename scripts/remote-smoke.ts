/**
 * A remote-mode smoke check, as a client sees it: the SDK's Client over Streamable HTTP (http or
 * https) with a sandbox KS in `Authorization: Bearer`, then `initialize`, `tools/list` and one
 * `tools/call` (get_download_url of the sandbox entry 1_origlast, whose original is 1_olastsrc).
 *
 *   tsx scripts/remote-smoke.ts <MCP URL>
 *
 * Prints one JSON line (`{"ok":true,…}`) and exits 0, or prints what went wrong and exits 1. Used
 * by the TLS test (with NODE_EXTRA_CA_CERTS naming a test CA) and by scripts/container-test.sh.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { callerKs } from '../test/helpers/http-server.js';

const [url] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: tsx scripts/remote-smoke.ts <MCP URL>\n');
  process.exit(2);
}

try {
  const client = new Client({ name: 'kaltura-mcp-smoke', version: '0.0.0' });
  const headers = { Authorization: `Bearer ${callerKs()}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  const server = client.getServerVersion();
  const { tools } = await client.listTools();
  const result = (await client.callTool({
    name: 'get_download_url',
    arguments: { entry_id: '1_origlast' },
  })) as CallToolResult;
  const first = result.content[0];
  const answer = first?.type === 'text' ? (JSON.parse(first.text) as { flavorId?: string; downloadUrl?: string }) : {};
  await client.close();
  const ok = !result.isError && answer.flavorId === '1_olastsrc' && typeof answer.downloadUrl === 'string';
  process.stdout.write(
    `${JSON.stringify({
      ok,
      server: server?.name,
      version: server?.version,
      tools: tools.map((t) => t.name).sort(),
      flavorId: answer.flavorId ?? null,
      isError: result.isError ?? false,
    })}\n`,
  );
  process.exit(ok ? 0 : 1);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`);
  process.exit(1);
}
