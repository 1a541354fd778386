/**
 * Under abuse over stdio, every limit answers and the server keeps serving: a line over the read
 * limit, 30,000 requests written without waiting for answers, a transport that fails, log lines
 * whose text fights JSON. The built server (node dist/index.js) against the sandbox.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { JSONRPCErrorResponseSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { expectFatalOnSignal, onSignal } from './helpers/fatal.js';
import { jsonOf, logLines, sandboxEnv, SERVER_ENTRY, ServerPool } from './helpers/server-process.js';

let sandbox: Sandbox;
const servers = new ServerPool();

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await servers.closeAll();
  await sandbox?.close();
});

/** The peak resident memory of a process so far, in MB (Linux's VmHWM). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'abuse', version: '1' } },
};

/** The built server over raw pipes: what a host writes, byte for byte, and every line it answers. */
function rawServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [SERVER_ENTRY], { env, stdio: 'pipe' });
  const answers: Array<Record<string, unknown>> = [];
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    let newline: number;
    while ((newline = stdout.indexOf('\n')) !== -1) {
      answers.push(JSON.parse(stdout.slice(0, newline)) as Record<string, unknown>);
      stdout = stdout.slice(newline + 1);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const until = async (condition: () => boolean, what: string, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    child,
    answers,
    stderr: () => stderr,
    exited,
    until,
    write: (text: string | Buffer) => new Promise<void>((resolve) => child.stdin.write(text, () => resolve())),
    answerTo: (id: number) => answers.find((a) => a.id === id),
    close: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const call = (id: number, entry_id = '1_demo0001') =>
  `${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'get_download_url', arguments: { entry_id } } })}\n`;

describe('a line over the read limit', () => {
  it('is answered with -32600 and skipped; the next request is answered, and the server goes on', async () => {
    const s = rawServer(sandboxEnv(sandbox.url));
    try {
      await s.write(`${JSON.stringify(INITIALIZE)}\n`);
      await s.until(() => s.answerTo(0) !== undefined, 'the initialize answer');
      // 12 MiB in one line (a JSON-RPC request whose argument is huge), then a normal request.
      const huge = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'get_download_url', arguments: { entry_id: 'x'.repeat(12 * 1024 * 1024) } },
      });
      await s.write(`${huge}\n`);
      await s.write(call(2));
      await s.until(() => s.answerTo(2) !== undefined, 'the answer to the request after the long line');
      // Its id stands at the start of the line: the answer goes to it, and the client stops waiting.
      const refusal = s.answerTo(1);
      expect(refusal).toEqual({
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: -32600,
          message: expect.stringMatching(
            /^Invalid Request: a line of 1258\d{4} bytes is over the read limit of 10485760 bytes \(10 MiB\); it was skipped/,
          ),
        },
      });
      const answer = s.answerTo(2) as { result: { isError?: boolean; structuredContent: { entryId: string } } };
      expect(answer.result.isError).toBeFalsy();
      expect(answer.result.structuredContent.entryId).toBe('1_demo0001');
      // Still serving, and still alive.
      await s.write(call(3, '1_origlast'));
      await s.until(() => s.answerTo(3) !== undefined, 'a later answer');
      expect(s.child.exitCode).toBeNull();
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('a line over the read limit whose id comes too late to read', () => {
  it("is answered with -32600 and no id (an error message to the SDK's schema), and the server goes on", async () => {
    const s = rawServer(sandboxEnv(sandbox.url));
    try {
      await s.write(`${JSON.stringify(INITIALIZE)}\n`);
      await s.until(() => s.answerTo(0) !== undefined, 'the initialize answer');
      // The id stands after 12 MiB of arguments: it cannot be read before the line is skipped.
      const huge = `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"get_download_url","arguments":{"entry_id":"${'x'.repeat(12 * 1024 * 1024)}"}},"id":7}`;
      await s.write(`${huge}\n`);
      await s.write(call(8));
      await s.until(() => s.answerTo(8) !== undefined, 'the answer to the request after the long line');
      const refusal = s.answers.find((a) => a.error !== undefined);
      expect(refusal).toEqual({
        jsonrpc: '2.0',
        error: {
          code: -32600,
          message: expect.stringMatching(/^Invalid Request: a line of \d+ bytes is over the read limit/),
        },
      });
      // Not answered as if it were the request: its id was never read.
      expect(s.answerTo(7)).toBeUndefined();
      // The SDK's schema reads the refusal as an error message (with an id of null it would not).
      expect(JSONRPCErrorResponseSchema.safeParse(refusal).success).toBe(true);
      expect((s.answerTo(8) as { result: { isError?: boolean } }).result.isError).toBeFalsy();
      expect(s.child.exitCode).toBeNull();
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('30,000 requests written without reading a single answer first', () => {
  it('answers every one (or BUSY beyond the waiting calls), with memory bounded', async () => {
    sandbox.setLatency(20);
    const s = rawServer(sandboxEnv(sandbox.url));
    try {
      await s.write(`${JSON.stringify(INITIALIZE)}\n`);
      await s.until(() => s.answerTo(0) !== undefined, 'the initialize answer');
      const count = 30_000;
      const lines: string[] = [];
      for (let id = 1; id <= count; id += 1) lines.push(call(id));
      await s.write(lines.join(''));
      await s.until(() => s.answers.length >= count + 1, 'every answer', 120_000);
      const peak = peakRssMb(s.child.pid!);
      const outcomes = new Map<string, number>();
      const ids = new Set<unknown>();
      for (const answer of s.answers.slice(1)) {
        ids.add(answer.id);
        const result = answer.result as { isError?: boolean; content: Array<{ text: string }> };
        const outcome = result.isError ? String(JSON.parse(result.content[0]!.text).errorType) : 'ok';
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      expect(ids.size).toBe(count);
      expect([...outcomes.keys()].sort()).toEqual(['BUSY', 'ok']);
      // 32 at work and 256 waiting at any moment: the rest of each burst is BUSY at once.
      expect(outcomes.get('ok')).toBeGreaterThanOrEqual(288);
      // Without the bound, 30,000 waiting calls took RSS to about 690 MB; a bound, not a timing.
      console.log(`30,000 pipelined calls: peak RSS ${peak.toFixed(1)} MB, outcomes ${JSON.stringify([...outcomes])}`);
      expect(peak).toBeLessThan(200);
    } finally {
      sandbox.setLatency(0);
      await s.close();
    }
  }, 180_000);
});

describe('sustained calls', () => {
  it('keep the young generation within its cap however the server is started (the heap is sized from inside)', async () => {
    // A probe beside the server reports V8's heap spaces on a signal; the server is started as
    // users start it, with no flag.
    const probe = `data:text/javascript,import v8 from 'node:v8'; process.on('SIGUSR2', () => process.stderr.write(JSON.stringify({ probe: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size])) }) + '\\n'))`;
    const s = await servers.start(sandboxEnv(sandbox.url), ['--import', probe]);
    for (let i = 0; i < 3000; i += 1)
      await s.call('get_download_url', { entry_id: i % 2 ? '1_demo0001' : '1_origlast' });
    s.transport.child!.kill('SIGUSR2');
    const report = () => logLines(s.transport).find((l) => 'probe' in l)?.probe as Record<string, number> | undefined;
    for (let i = 0; i < 100 && !report(); i += 1) await new Promise((r) => setTimeout(r, 20));
    // Two semi-spaces of 4 MiB at most (V8's own default lets them grow to 16 MiB each).
    expect(report()!.new_space).toBeLessThanOrEqual(2 * 4 * 1024 * 1024 + 64 * 1024);
  }, 60_000);
});

describe('a transport that fails', () => {
  it('says why on stderr and exits non-zero, never silently', async () => {
    // stdin fails (as a broken pipe or a read error would).
    const inject = onSignal(`() => process.stdin.destroy(new Error('injected-read-failure'))`);
    const s = await servers.start(sandboxEnv(sandbox.url), ['--import', inject]);
    await s.client.listTools();
    await expectFatalOnSignal(s, 'the stdio transport failed: stdin failed; exiting', 'Error: injected-read-failure');
  });
});

describe('log lines whose text fights JSON', () => {
  it('stay valid JSON with an escaped quote and a URL, on stderr and as MCP notifications, and logging never throws', async () => {
    // A rejection whose message holds a quoted URL, a backslash and a KS-shaped token, raised
    // on a signal the test sends once the client has set a log level.
    const message = String.raw`request to "https://cdn.example.com/p/1/serveFlavor/a.mp4\" failed: C:\temp\x djJ8OTc2NTQzfABCDEFGHIJKLMNOPQRSTUV`;
    const inject = onSignal(`() => Promise.reject(new Error(${encodeURIComponent(JSON.stringify(message))}))`);
    const s = await servers.start(sandboxEnv(sandbox.url), ['--import', inject]);
    const notifications: Array<Record<string, unknown>> = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      notifications.push(n.params.data as Record<string, unknown>);
    });
    await s.client.setLoggingLevel('debug');
    s.transport.child!.kill('SIGUSR2');
    const logged = () => logLines(s.transport).find((l) => l.message === 'unhandled rejection');
    for (let i = 0; i < 100 && (!logged() || notifications.length === 0); i += 1)
      await new Promise((r) => setTimeout(r, 50));
    // Every stderr line parses (logLines throws otherwise); the URL keeps only its origin.
    const expected = String.raw`Error: request to "https://cdn.example.com/…" failed: C:\temp\x [KS redacted]`;
    expect(logged()).toMatchObject({ level: 'error', detail: expected });
    expect(notifications).toContainEqual(expect.objectContaining({ message: 'unhandled rejection', detail: expected }));
    // The server goes on serving.
    const result = await s.call('get_download_url', { entry_id: '1_demo0001' });
    expect(jsonOf(result).entryId).toBe('1_demo0001');
    expect(s.transport.stderrText()).not.toMatch(/serveFlavor|djJ8/);
  });
});

describe('requests the SDK would drop unanswered', () => {
  it('answers each, to its id when it has one, and goes on serving: a bad progress token, bad params, a line that is not JSON', async () => {
    const s = rawServer(sandboxEnv(sandbox.url));
    try {
      await s.write(`${JSON.stringify(INITIALIZE)}\n`);
      await s.until(() => s.answerTo(0) !== undefined, 'the initialize answer');
      const tokens: unknown[] = [null, true, 1.5, { token: 1 }];
      for (const [i, token] of tokens.entries()) {
        await s.write(
          `${JSON.stringify({
            jsonrpc: '2.0',
            id: 10 + i,
            method: 'tools/call',
            params: {
              name: 'get_download_url',
              arguments: { entry_id: '1_demo0001' },
              _meta: { progressToken: token },
            },
          })}\n`,
        );
      }
      await s.write(`${JSON.stringify({ jsonrpc: '2.0', id: 20, method: 'tools/list', params: 'all' })}\n`);
      await s.write('this is not JSON\n');
      // A malformed notification: never answered (JSON-RPC), only logged.
      await s.write(
        `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: { x: 1 } } })}\n`,
      );
      await s.write(`${JSON.stringify({ jsonrpc: '2.0', id: 22, method: 'tasks/get', params: { taskId: 5 } })}\n`);
      await s.write(`${JSON.stringify({ jsonrpc: '2.0', id: 23, method: 'initialize', params: {} })}\n`);
      await s.write(call(21));
      await s.until(
        () => s.answerTo(21) !== undefined && s.answerTo(23) !== undefined,
        'the answers to the last of them',
      );
      for (const [i] of tokens.entries()) {
        expect(s.answerTo(10 + i)).toMatchObject({
          error: { code: -32602, message: expect.stringMatching(/^Invalid params: _meta\.progressToken must be/) },
        });
      }
      expect(s.answerTo(20)).toEqual({
        jsonrpc: '2.0',
        id: 20,
        error: { code: -32602, message: 'Invalid params: params must be an object' },
      });
      expect(s.answers.filter((a) => !('id' in a))).toHaveLength(1);
      expect(s.answers).toContainEqual({
        jsonrpc: '2.0',
        error: {
          code: -32700,
          message: 'Parse error: the line is not JSON; send each JSON-RPC message as one line of JSON',
        },
      });
      expect((s.answerTo(21) as { result: { isError?: boolean } }).result.isError).toBeFalsy();
      // Params the SDK's own handlers would answer with -32603 and a raw schema dump.
      expect(s.answerTo(22)).toMatchObject({
        error: { code: -32602, message: 'Invalid params: params.taskId: expected string, received number (tasks/get)' },
      });
      expect(s.answerTo(23)).toMatchObject({
        error: { code: -32602, message: expect.stringMatching(/^Invalid params: params\.protocolVersion: /) },
      });
    } finally {
      await s.close();
    }
  });
});
