/**
 * The built server in remote mode (`node dist/index.js --http`), as an operator runs it, and SDK
 * clients that reach it over Streamable HTTP with a KS of their own.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { signKsV2 } from '../../src/kaltura/ks.js';
import { SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from '../sandbox/fixtures.js';
import { SERVER_ENTRY } from './server-process.js';

/** A running remote-mode server. */
export interface HttpServerProcess {
  /** `http://127.0.0.1:<port>`, or `https://…` when serving TLS */
  origin: string;
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  logLines(): Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `node dist/index.js --http --port 0 …args` (or another build's `entry`) and waits for it to listen. */
export async function startHttpServer(
  env: Record<string, string>,
  args: string[] = [],
  entry = SERVER_ENTRY,
): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [entry, '--http', '--port', '0', ...args], { env, stdio: 'pipe' });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const ready = /"origin":"(https?:\/\/[^"]+)"/.exec(stderr);
      if (ready) resolve(ready[1]!);
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${stderr}`)));
  });
  const logLines = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    origin,
    child,
    stderr: () => stderr,
    logLines,
    exited,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A KS for a sandbox partner, as a caller would bring one. */
export function callerKs(options: { partnerId?: number; secret?: string; type?: number; expiresIn?: number } = {}) {
  return signKsV2({
    adminSecret: options.secret ?? SANDBOX_ADMIN_SECRET,
    partnerId: options.partnerId ?? SANDBOX_PARTNER_ID,
    userId: 'caller@example.com',
    type: options.type ?? 2,
    privileges: 'disableentitlement',
    expiresAt: Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600),
  });
}

/** An SDK client of `url` that sends `ks` with every request. */
export async function httpClient(url: string, ks: string) {
  const client = new Client({ name: 'kaltura-mcp-tests', version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${ks}` } },
  });
  await client.connect(transport);
  return {
    client,
    call: async (name: string, args: Record<string, unknown>, signal?: AbortSignal) =>
      (await client.callTool({ name, arguments: args }, undefined, { signal })) as CallToolResult,
    close: () => client.close(),
  };
}

/** A raw POST /mcp, as curl would send it, with a caller's KS unless `headers` say otherwise. */
export function postMcp(origin: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      Authorization: `Bearer ${callerKs()}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
