/**
 * A load run through a load balancer: N clients (the SDK's Client, each with its own sandbox
 * KS) make M `tools/call`s each, in parallel, and every answer is checked against the sandbox's
 * fixtures. Used by scripts/container-test.sh for the compose topology.
 *
 *   tsx scripts/remote-load.ts <MCP URL> [clients=20] [callsPerClient=10]
 *
 * Every call is read-only (get_download_url of a fixture entry), so a load balancer may retry
 * it on another replica. Prints one JSON line: calls, correct, failures (with their messages),
 * elapsed ms; exits 0 only when every call was answered correctly.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { callerKs } from '../test/helpers/http-server.js';

/** Fixture entries and the flavor get_download_url must answer for each (their original). */
const EXPECTED: Array<[entryId: string, flavorId: string]> = [
  ['1_demo0001', '1_demof001'],
  ['1_origlast', '1_olastsrc'],
  ['1_unicode1', '1_unicodf1'],
  ['1_nothumb1', '1_nothumf1'],
];

const [url, clientsText = '20', callsText = '10'] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: tsx scripts/remote-load.ts <MCP URL> [clients] [callsPerClient]\n');
  process.exit(2);
}
const clients = Number(clientsText);
const callsPerClient = Number(callsText);
const failures: string[] = [];
let correct = 0;
const started = performance.now();

async function runClient(index: number): Promise<void> {
  const client = new Client({ name: `kaltura-mcp-load-${index}`, version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url!), {
    requestInit: { headers: { Authorization: `Bearer ${callerKs()}` } },
  });
  try {
    await client.connect(transport);
  } catch (error) {
    failures.push(`client ${index} could not connect: ${(error as Error).message}`);
    return;
  }
  for (let call = 0; call < callsPerClient; call += 1) {
    const [entryId, flavorId] = EXPECTED[(index + call) % EXPECTED.length]!;
    try {
      const result = (await client.callTool({
        name: 'get_download_url',
        arguments: { entry_id: entryId },
      })) as CallToolResult;
      const first = result.content[0];
      const answer = first?.type === 'text' ? (JSON.parse(first.text) as { flavorId?: string }) : {};
      if (!result.isError && answer.flavorId === flavorId) correct += 1;
      else failures.push(`client ${index} call ${call}: ${first?.type === 'text' ? first.text.slice(0, 200) : '?'}`);
    } catch (error) {
      failures.push(`client ${index} call ${call}: ${(error as Error).message}`);
    }
  }
  await client.close();
}

await Promise.all(Array.from({ length: clients }, (_, i) => runClient(i)));
/** A failure on one line, short (an nginx error page is mostly markup). */
const brief = (text: string) =>
  text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
const calls = clients * callsPerClient;
process.stdout.write(
  `${JSON.stringify({ calls, correct, failures: failures.length, messages: failures.slice(0, 5).map(brief), ms: Math.round(performance.now() - started) })}\n`,
);
process.exit(correct === calls ? 0 : 1);
