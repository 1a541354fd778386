/**
 * The server keeps serving, and leaks nothing, whatever Kaltura or the client does. Each test
 * drives the built server over stdio against the sandbox, with faults injected there.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTRIES, SANDBOX_ADMIN_SECRET } from './sandbox/fixtures.js';
import { startSandbox, type FaultKind, type Sandbox } from './sandbox/server.js';
import { expectFatalOnSignal, onSignal } from './helpers/fatal.js';
import {
  jsonOf,
  logLines,
  sandboxEnv,
  startServer,
  textOf,
  type RunningServer,
  ServerPool,
} from './helpers/server-process.js';

const TIMEOUT_MS = 500;
let sandbox: Sandbox;
let server: RunningServer;
const servers = new ServerPool();
const serve = (env: Record<string, string>, nodeArgs?: string[]) => servers.start(env, nodeArgs);

const download = (s: RunningServer, args: Record<string, unknown>) => s.call('get_download_url', args);

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startServer(sandboxEnv(sandbox.url, { KALTURA_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) }));
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.setLatency(0);
  sandbox.clearLog();
});

afterAll(async () => {
  await Promise.all([server?.close(), servers.closeAll()]);
  await sandbox?.close();
});

describe('upstream faults: an isError that says what happened, then the next call works', () => {
  it.each<[FaultKind, string, RegExp]>([
    ['http500', 'HTTP_ERROR', /answered HTTP 500; the service is failing for now; try again shortly$/],
    ['http503', 'HTTP_ERROR', /answered HTTP 503/],
    [
      'html',
      'INVALID_RESPONSE',
      /unexpected response from Kaltura: the body was HTML or XML; check that KALTURA_SERVICE_URL/,
    ],
    ['empty', 'INVALID_RESPONSE', /unexpected response from Kaltura: the body was empty/],
    ['truncated', 'INVALID_RESPONSE', /unexpected response from Kaltura: the body was not valid JSON/],
    [
      'garbage-json',
      'INVALID_RESPONSE',
      /unexpected response from Kaltura: the multirequest answer is not one result per request/,
    ],
    [
      'reset',
      'NETWORK_ERROR',
      /connection to Kaltura at 127\.0\.0\.1:\d+ failed \(ECONNRESET\); check KALTURA_SERVICE_URL/,
    ],
    ['hang', 'TIMEOUT', new RegExp(`timed out after ${TIMEOUT_MS} ms; try again`)],
  ])('%s → %s', async (kind, errorType, message) => {
    sandbox.setFault({ kind, times: 1 });
    const result = await download(server, { entry_id: '1_demo0001' });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const body = jsonOf(result);
    expect(body).toMatchObject({ errorType, operation: 'get download URL', entry_id: '1_demo0001' });
    expect(String(body.error)).toMatch(message);
    expect(textOf(result)).not.toMatch(/downloadUrl|serveFlavor/);
    const next = await download(server, { entry_id: '1_demo0001' });
    expect(next.isError).toBeFalsy();
    expect(jsonOf(next).flavorId).toBe('1_demof001');
  });

  it('says so when Kaltura cannot be reached at all', async () => {
    const down = await serve(sandboxEnv('http://127.0.0.1:1'));
    const body = jsonOf(await download(down, { entry_id: '1_demo0001' }));
    expect(body.errorType).toBe('NETWORK_ERROR');
    expect(String(body.error)).toMatch(/connection to Kaltura at 127\.0\.0\.1:1 failed \(ECONNREFUSED\)/);
  });
});

describe('session renewal', () => {
  it('shares one renewal among calls that all find the session refused', async () => {
    const remote = await serve(sandboxEnv(sandbox.url, { KALTURA_SESSION_MODE: 'remote' }));
    expect((await download(remote, { entry_id: '1_demo0001' })).isError).toBeFalsy();
    sandbox.revokeSessions();
    sandbox.clearLog();
    const ids = ['1_demo0001', '1_origlast', '1_noorig01', '1_convert1', '1_unicode1'];
    const results = await Promise.all(
      ids.flatMap((entry_id) => [download(remote, { entry_id }), download(remote, { entry_id })]),
    );
    for (const result of results) expect(result.isError).toBeFalsy();
    expect(sandbox.actions().filter((a) => a === 'session.start')).toHaveLength(1);
  });
});

describe('bad input: a clear isError, and nothing reaches Kaltura', () => {
  it.each([
    ['a missing entry_id', {}],
    ['a number', { entry_id: 12345 }],
    ['an object', { entry_id: { id: '1_demo0001' } }],
    ['an array', { entry_id: ['1_demo0001'] }],
    ['null', { entry_id: null }],
    ['a boolean', { entry_id: true }],
    ['a numeric flavor_id', { entry_id: '1_demo0001', flavor_id: 7 }],
  ])('refuses %s with the input-validation error', async (_, args) => {
    const result = await download(server, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Input validation error: Invalid arguments for tool get_download_url/);
    expect(sandbox.log).toHaveLength(0);
  });

  it.each([
    ['a 1 MB string', `1_${'a'.repeat(1024 * 1024)}`],
    ['a NUL byte', '1_abc\u0000'],
    ['a newline', '1_abc\n'],
    ['CJK', '1_日本語'],
    ['an RTL override', '1_abc\u202edef'],
    ['SQL', "1_abc' OR '1'='1"],
    ['HTML', '1_<script>alert(1)</script>'],
    ['a path', '../../../etc/passwd'],
    ['a reference token', '{1:result:id}'],
  ])('refuses an entry id with %s', async (_, entry_id) => {
    const result = await download(server, { entry_id });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({ error: 'Invalid entry ID format' });
    expect(sandbox.log).toHaveLength(0);
  });

  it('refuses a flavor id that is a result reference (it must not steer the multirequest)', async () => {
    const result = await download(server, { entry_id: '1_demo0001', flavor_id: '{1:result:id}' });
    expect(jsonOf(result)).toEqual({ error: 'Invalid flavor ID format' });
    expect(sandbox.log).toHaveLength(0);
  });

  it('keeps serving after garbage lines on stdin', async () => {
    server.transport.writeRaw('this is not json\n');
    server.transport.writeRaw('{"jsonrpc": "2.0", "broken\n');
    server.transport.writeRaw('\u0000\u0001\u0002\n\n');
    server.transport.writeRaw('[1, 2, 3]\n');
    const result = await download(server, { entry_id: '1_origlast' });
    expect(result.isError).toBeFalsy();
    expect(jsonOf(result).flavorId).toBe('1_olastsrc');
    expect(server.transport.strayStdout).toEqual([]);
  });
});

describe('secrets stay out of every byte the server writes', () => {
  it('when session.start fails at the HTTP layer (whose error carries the request body)', async () => {
    const remote = await serve(sandboxEnv(sandbox.url, { KALTURA_SESSION_MODE: 'remote', KALTURA_DEBUG: 'true' }));
    sandbox.setFault({ kind: 'http500', times: 1 });
    const result = await download(remote, { entry_id: '1_demo0001' });
    expect(jsonOf(result).errorType).toBe('HTTP_ERROR');
    expect(sandbox.log[0]!.body).toContain(SANDBOX_ADMIN_SECRET); // it was on the wire: remote mode
    expect(remote.transport.allOutput()).not.toContain(SANDBOX_ADMIN_SECRET);
  });

  it('with debug logging on: detail is added, but no secret, session key or URL', async () => {
    const debug = await serve(sandboxEnv(sandbox.url, { KALTURA_DEBUG: 'true' }));
    const result = await download(debug, { entry_id: '1_demo0001' });
    const url = String(jsonOf(result).downloadUrl);
    const lines = logLines(debug.transport);
    expect(lines.filter((l) => l.level === 'debug').length).toBeGreaterThanOrEqual(2);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'debug', message: 'kaltura request', request: 'multirequest' }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'debug', message: 'configuration loaded', adminSecret: 'SET' }),
    );
    const stderr = debug.transport.stderrText();
    const sessionKey = String(sandbox.log[0]!.calls[0]!.params.ks);
    for (const secret of [SANDBOX_ADMIN_SECRET, sessionKey, url, url.split('/ks/')[1]!.split('/')[0]!]) {
      expect(stderr).not.toContain(secret);
    }
    expect(stderr).not.toMatch(/djJ8/);
  });
});

describe('load', () => {
  it('answers 200 concurrent calls for different entries, each with its own entry', async () => {
    // Every entry whose default download succeeds.
    const failing = ['1_allconv1', '1_remote01', '1_pending1'];
    const ids = ENTRIES.filter((e) => e.flavors.length > 0 && !failing.includes(e.id)).map((e) => e.id);
    const expected = new Map<string, unknown>();
    for (const id of ids) expected.set(id, jsonOf(await download(server, { entry_id: id })).flavorId);
    const calls = Array.from({ length: 200 }, (_, i) => ids[i % ids.length]!);
    const results = await Promise.all(calls.map((entry_id) => download(server, { entry_id })));
    results.forEach((result, i) => {
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(jsonOf(result)).toMatchObject({ entryId: calls[i], flavorId: expected.get(calls[i]!) });
    });
  });
});

describe('lifecycle', () => {
  async function exitAfter(trigger: (s: RunningServer) => void): Promise<{ code: number | null; ms: number }> {
    const s = await serve(sandboxEnv(sandbox.url));
    await s.client.listTools();
    const started = performance.now();
    trigger(s);
    const code = await s.transport.exited!;
    return { code, ms: performance.now() - started };
  }

  it.each([
    ['stdin closes', (s: RunningServer) => s.transport.child!.stdin.end()],
    ['SIGTERM', (s: RunningServer) => s.transport.child!.kill('SIGTERM')],
    ['SIGINT', (s: RunningServer) => s.transport.child!.kill('SIGINT')],
  ])('exits cleanly, at once, when %s', async (_, trigger) => {
    const { code, ms } = await exitAfter(trigger);
    expect(code).toBe(0);
    // Soon and of its own accord (a host kills a server that lingers): the bound is far above the
    // milliseconds it takes, so that a loaded machine cannot fail it, and a hang still does.
    expect(ms).toBeLessThan(5000);
  });

  it('answers a call in flight before leaving on SIGTERM', async () => {
    const s = await serve(sandboxEnv(sandbox.url));
    await s.client.listTools();
    sandbox.setLatency(300);
    const pending = download(s, { entry_id: '1_origlast' });
    await new Promise((r) => setTimeout(r, 50));
    s.transport.child!.kill('SIGTERM');
    const result = await pending;
    expect(result.isError).toBeFalsy();
    expect(jsonOf(result).flavorId).toBe('1_olastsrc');
    expect(await s.transport.exited).toBe(0);
  });

  it('logs an unexpected rejection with its context and keeps serving', async () => {
    const inject = `data:text/javascript,setTimeout(() => Promise.reject(new Error('injected-test-rejection')), 100)`;
    const s = await serve(sandboxEnv(sandbox.url), ['--import', inject]);
    await new Promise((r) => setTimeout(r, 300));
    expect(logLines(s.transport)).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'unhandled rejection',
        detail: 'Error: injected-test-rejection',
      }),
    );
    expect((await download(s, { entry_id: '1_demo0001' })).isError).toBeFalsy();
  });

  it('logs an uncaught exception before exiting non-zero, never silently', async () => {
    const inject = onSignal(`() => { throw new Error('injected-test-crash') }`);
    const s = await serve(sandboxEnv(sandbox.url), ['--import', inject]);
    await s.client.listTools();
    await expectFatalOnSignal(s, 'uncaught exception; exiting', 'Error: injected-test-crash');
  });
});

describe('logging', () => {
  it('writes one structured line per tool call: tool, duration, Kaltura requests, outcome', async () => {
    const s = await serve(sandboxEnv(sandbox.url));
    await download(s, { entry_id: '1_demo0001' });
    await download(s, { entry_id: '1_missing1' });
    await download(s, { entry_id: 'not an id' });
    const calls = logLines(s.transport).filter((l) => l.message === 'tool call');
    expect(calls).toEqual([
      expect.objectContaining({
        level: 'info',
        tool: 'get_download_url',
        kalturaRequests: 1,
        outcome: 'ok',
        ms: expect.any(Number),
      }),
      expect.objectContaining({ kalturaRequests: 1, outcome: 'ENTRY_ID_NOT_FOUND' }),
      expect.objectContaining({ kalturaRequests: 0, outcome: 'INVALID_ARGUMENTS' }),
    ]);
    expect(s.transport.stderrText()).not.toMatch(/serveFlavor|djJ8/);
  });
});
