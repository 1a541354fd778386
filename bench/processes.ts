/**
 * What every bench needs of the server it measures: a stdio client of a built server against the
 * sandbox, and the server process's memory.
 */
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { sandboxEnv, SERVER_ENTRY } from '../test/helpers/server-process.js';
import type { Sandbox } from '../test/sandbox/server.js';

/** A process's resident memory now, in MB (Linux's VmRSS). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** The built server at `entry` (this build's by default) over stdio, with the sandbox's settings and `env`. */
export async function connect(
  sandbox: Sandbox,
  env: Record<string, string> = {},
  entry = SERVER_ENTRY,
  name = 'bench',
): Promise<{ client: Client; pid: number }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry],
    env: sandboxEnv(sandbox.url, env),
    stderr: 'ignore',
  });
  const client = new Client({ name, version: '1' });
  await client.connect(transport);
  return { client, pid: transport.pid! };
}
