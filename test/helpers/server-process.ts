/**
 * Runs the built server as a user does (`node dist/index.js`, stdio) and drives it with the
 * SDK's Client. The transport records every byte the server writes, so tests can check that
 * stdout carried only JSON-RPC and that no secret left the process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from '../sandbox/fixtures.js';

/** The built entry point; `npm test` builds it first. KALTURA_MCP_TEST_SERVER runs the tests against another build. */
export const SERVER_ENTRY =
  process.env.KALTURA_MCP_TEST_SERVER ?? fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** A stdio transport over a child process that keeps a copy of everything it wrote. */
export class RecordingStdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;
  child?: ChildProcessWithoutNullStreams;
  readonly stdout: Buffer[] = [];
  readonly stderr: Buffer[] = [];
  /** Lines on stdout that were not JSON-RPC messages. */
  readonly strayStdout: string[] = [];
  private readonly buffer = new ReadBuffer();
  exited?: Promise<number | null>;

  constructor(
    private readonly env: Record<string, string>,
    private readonly cwd: string,
    private readonly nodeArgs: string[] = [],
    /** Run as another user (a test running as root that needs permissions to bite). */
    private readonly user?: { uid: number; gid: number },
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [...this.nodeArgs, SERVER_ENTRY], {
      env: this.env,
      cwd: this.cwd,
      stdio: 'pipe',
      ...this.user,
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    child.on('close', () => this.onclose?.());
    child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      this.stdout.push(chunk);
      this.buffer.append(chunk);
      for (;;) {
        let message: JSONRPCMessage | null;
        try {
          message = this.buffer.readMessage();
        } catch (error) {
          this.strayStdout.push(String(error));
          continue;
        }
        if (!message) break;
        this.onmessage?.(message);
      }
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.child?.stdin.write(serializeMessage(message));
  }

  /** Writes bytes to the server's stdin as they are, e.g. a line that is not JSON-RPC. */
  writeRaw(text: string): void {
    this.child?.stdin.write(text);
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }

  stdoutText(): string {
    return Buffer.concat(this.stdout).toString('utf8');
  }

  stderrText(): string {
    return Buffer.concat(this.stderr).toString('utf8');
  }

  /** Every byte the server wrote, both streams. */
  allOutput(): string {
    return this.stdoutText() + this.stderrText();
  }
}

/**
 * The test run's temporary folder (test/own-temp-folder.ts), for the environment of a process a
 * test starts: whatever it puts there is counted by the run's check for leftovers.
 */
export function tempFolderEnv(): Record<string, string> {
  return process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {};
}

/**
 * The environment a user would give the server for the sandbox (nothing inherited but PATH, and
 * the run's TMPDIR). KALTURA_ENV_FILE names an empty file, so a `.env` the developer keeps in this
 * checkout (which the server would otherwise read, and whose App Token would win) stays out.
 */
export function sandboxEnv(serviceUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ...tempFolderEnv(),
    KALTURA_ENV_FILE: devNull,
    KALTURA_SERVICE_URL: serviceUrl,
    KALTURA_PARTNER_ID: String(SANDBOX_PARTNER_ID),
    KALTURA_ADMIN_SECRET: SANDBOX_ADMIN_SECRET,
    ...extra,
  };
}

/**
 * `env` without KALTURA_ENV_FILE, for tests of what the server does when none is named (it then
 * reads the .env in its own package folder, this checkout's, if there is one).
 */
export function withoutEnvFile(env: Record<string, string>): Record<string, string> {
  const { KALTURA_ENV_FILE: _file, ...rest } = env;
  return rest;
}

/** A running server with a connected SDK client. */
export interface RunningServer {
  client: Client;
  transport: RecordingStdioTransport;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * Spawns the built server with `env` (in an empty working directory of its own, removed when it
 * is closed, unless `cwd` is given) and connects. `nodeArgs` go to node before the script (e.g.
 * `--import` to inject a fault).
 */
export async function startServer(
  env: Record<string, string>,
  cwd?: string,
  nodeArgs: string[] = [],
  user?: { uid: number; gid: number },
): Promise<RunningServer> {
  const ownCwd = cwd ? undefined : mkdtempSync(join(tmpdir(), 'kaltura-mcp-cwd-'));
  const removeCwd = () => ownCwd && rmSync(ownCwd, { recursive: true, force: true });
  const transport = new RecordingStdioTransport(env, cwd ?? ownCwd!, nodeArgs, user);
  const client = new Client({ name: 'kaltura-mcp-tests', version: '0.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    await transport.close();
    removeCwd();
    throw error;
  }
  // However the server ends (closed, killed, crashed), its working directory goes with it.
  void transport.exited?.then(removeCwd);
  return {
    client,
    transport,
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      try {
        await client.close();
      } finally {
        await transport.close();
        removeCwd();
      }
    },
  };
}

/** The servers a test file starts along the way, closed together when the file is done. */
export class ServerPool {
  private readonly running: RunningServer[] = [];

  async start(env: Record<string, string>, nodeArgs: string[] = []): Promise<RunningServer> {
    const started = await startServer(env, undefined, nodeArgs);
    this.running.push(started);
    return started;
  }

  /** Starts one in the working directory `cwd` (which the caller removes), as a host in a project would. */
  async startIn(env: Record<string, string>, cwd: string): Promise<RunningServer> {
    const started = await startServer(env, cwd);
    this.running.push(started);
    return started;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((s) => s.close()));
  }
}

/** The JSON lines the server logged on stderr. */
export function logLines(transport: RecordingStdioTransport): Array<Record<string, unknown>> {
  return transport
    .stderrText()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The text of a tool result's first content item. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  if (!first || first.type !== 'text') throw new Error('tool result has no text content');
  return first.text;
}

/** The tool result's text, parsed as JSON. */
export function jsonOf(result: CallToolResult): Record<string, unknown> {
  return JSON.parse(textOf(result)) as Record<string, unknown>;
}
