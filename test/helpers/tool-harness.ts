/**
 * The server's tools called in-process, as a client calls them: `createServer` with every tool,
 * connected to the SDK's Client through the SDK's in-memory transport, its door to Kaltura a
 * {@link fakeKaltura}. What a test sees is the tool result a host would receive (its text, its
 * structuredContent checked against the tool's outputSchema by the client, its isError), with
 * no build and no process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { onTestFinished } from 'vitest';
import type { KalturaDoor } from '../../src/kaltura/client-manager.js';
import { createLogger } from '../../src/logging.js';
import { Redactor } from '../../src/redact.js';
import { createServer } from '../../src/server.js';
import { Slots } from '../../src/slots.js';
import { ALL_TOOLS } from '../../src/tools/all-tools.js';
import type { CallRecord, ToolDeps } from '../../src/tools/tool-call.js';

/** A connected client of the in-process server; closed when the test ends. */
export async function toolClient(door: KalturaDoor, settings: Partial<ToolDeps['settings']> = {}) {
  const records: CallRecord[] = [];
  const logLines: string[] = [];
  const redactor = new Redactor();
  const server = createServer(ALL_TOOLS, {
    door: () => door,
    logger: createLogger(redactor, { debug: () => false, write: (line) => logLines.push(line) }),
    slots: { calls: new Slots(4), saves: new Slots(2), libraries: new Slots(1) },
    settings: { requestTimeoutMs: 2000, ...settings },
    report: (record) => records.push(record),
  });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'kaltura-mcp-unit-tests', version: '0.0.0' });
  await server.connect(serverSide);
  await client.connect(clientSide);
  onTestFinished(() => client.close());
  return {
    client,
    /** What the server logged (JSON lines). */
    logLines,
    /** Each call's record, as its log line holds it. */
    records,
    call: async (name: string, args: Record<string, unknown>, onprogress?: (done: number) => void) =>
      (await client.callTool(
        { name, arguments: args },
        undefined,
        onprogress ? { onprogress: ({ progress }) => onprogress(progress) } : {},
      )) as CallToolResult,
  };
}

/** The text of a tool result, as a host shows it. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  if (!first || first.type !== 'text') throw new Error('the tool result has no text');
  return first.text;
}

/** The tool result's text as JSON. */
export function jsonOf(result: CallToolResult): Record<string, unknown> {
  return JSON.parse(textOf(result)) as Record<string, unknown>;
}
