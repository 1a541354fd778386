/**
 * Remote mode under abuse refuses cheaply and keeps serving: structures nested to overflow a
 * stack, made-up session keys from one address, too many requests in flight from one address
 * (behind a trusted proxy or not), and a flood of idle connections. The built server listening
 * on a free port, against the sandbox.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/cli.js';
import { BLOCKING_STRIKES } from '../src/transports/caller-limits.js';
import { SANDBOX_PARTNER_ID } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { callerKs, httpClient, postMcp, startHttpServer, type HttpServerProcess } from './helpers/http-server.js';
import { eventually } from './helpers/wait.js';
import { jsonOf } from './helpers/server-process.js';

const post = (s: HttpServerProcess, body: unknown, headers: Record<string, string> = {}) =>
  postMcp(s.origin, body, headers);

let sandbox: Sandbox;
const started: HttpServerProcess[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.clearLog();
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await sandbox?.close();
});

async function serve(env: Record<string, string> = {}, args: string[] = []) {
  const s = await startHttpServer({ PATH: process.env.PATH ?? '', KALTURA_SERVICE_URL: sandbox.url, ...env }, args);
  started.push(s);
  return s;
}

/** A KS that looks right (v2, the sandbox's partner, whole AES blocks) and that no secret signed. */
function madeUpKs(): string {
  return Buffer.concat([Buffer.from(`v2|${SANDBOX_PARTNER_ID}|`), randomBytes(64)])
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

const toolCall = (id: number, entry_id = '1_demo0001') => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'get_download_url', arguments: { entry_id } },
});

describe('structures built to overflow a stack', () => {
  it('answers a JSON-RPC id nested 5,000 deep, or a nested requestId, with 400 before anything recurses', async () => {
    const s = await serve();
    const nestedId = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    const bodies = [
      `{"jsonrpc":"2.0","id":${nestedId},"method":"tools/list"}`,
      `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":${nestedId}}}`,
      `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_download_url","arguments":{"entry_id":${nestedId}}}}`,
    ];
    for (const [i, body] of bodies.entries()) {
      expect(body.length).toBeGreaterThan(10_000);
      const response = await post(s, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        // The third one's own id is readable: the answer goes to it.
        id: i === 2 ? 1 : null,
        error: { code: -32600, message: 'Invalid Request: the message is nested more than 64 levels deep' },
      });
    }
    // Still serving; nothing reached Kaltura; no stack overflow and no error in the log.
    expect((await post(s, toolCall(2))).status).toBe(200);
    expect(sandbox.log).toHaveLength(1);
    await eventually(() => s.logLines().filter((l) => l.status === 400).length === 3, 'the three 400 lines');
    expect(s.stderr()).not.toMatch(/RangeError|Maximum call stack/);
    expect(s.logLines().filter((l) => l.level === 'error')).toEqual([]);
  });
});

describe('made-up session keys from one address', () => {
  it('are slowed, then refused with 429 and Retry-After before Kaltura sees more than a handful', async () => {
    const s = await serve();
    // A caller whose key Kaltura accepted before the abuse began.
    const honest = await httpClient(`${s.origin}/mcp`, callerKs());
    expect((await honest.call('get_download_url', { entry_id: '1_demo0001' })).isError).toBeFalsy();
    sandbox.clearLog();
    const statuses: number[] = [];
    let refusal: Response | undefined;
    for (let i = 0; i < 20; i += 1) {
      const response = await post(s, toolCall(i), { Authorization: `Bearer ${madeUpKs()}` });
      statuses.push(response.status);
      if (response.status === 429) refusal ??= response;
      else await response.text();
    }
    // Kaltura refused six keys, or seven (strikes fade a little during the slowed calls), each
    // a round trip; every later call was refused here.
    const relayed = statuses.indexOf(429);
    expect(relayed).toBeGreaterThanOrEqual(6);
    expect(relayed).toBeLessThanOrEqual(7);
    expect(sandbox.log).toHaveLength(relayed);
    expect(statuses.slice(0, relayed)).toEqual(Array(relayed).fill(200));
    expect(statuses.slice(relayed)).toEqual(Array(20 - relayed).fill(429));
    expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refusal!.json()).toEqual({
      error: 'too_many_requests',
      message: expect.stringMatching(
        /^too many session keys from this address were refused by Kaltura; try again in \d+ s$/,
      ),
    });
    // A burst of them does not get through either.
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post(s, toolCall(100 + i), { Authorization: `Bearer ${madeUpKs()}` })),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(12).fill(429));
    expect(sandbox.log).toHaveLength(relayed);
    // The caller whose key Kaltura accepted is still served.
    expect((await honest.call('get_download_url', { entry_id: '1_origlast' })).isError).toBeFalsy();
    await honest.close();
  });

  it('in a concurrent burst, reach Kaltura at most the requests one address may have in flight, and a few more', async () => {
    const s = await serve();
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(s, toolCall(i), { Authorization: `Bearer ${madeUpKs()}` })),
    );
    const statuses = burst.map((r) => r.status);
    const bound = DEFAULT_LIMITS.callsPerAddress + BLOCKING_STRIKES;
    expect(sandbox.log.length).toBeLessThanOrEqual(bound);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(60 - bound);
    // Once Kaltura's refusals are counted, the address is refused without a round trip.
    const relayed = sandbox.log.length;
    const after = await post(s, toolCall(99), { Authorization: `Bearer ${madeUpKs()}` });
    expect(after.status).toBe(429);
    expect(sandbox.log).toHaveLength(relayed);
  });
});

describe('requests in flight per caller address', () => {
  it('refuses one more than MCP_MAX_CALLS_PER_ADDRESS with 429, and counts callers behind a trusted proxy apart', async () => {
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const direct = await serve({ MCP_MAX_CALLS_PER_ADDRESS: '2' });
    const proxied = await serve({ MCP_MAX_CALLS_PER_ADDRESS: '2' }, ['--trust-proxy', '1']);
    const controller = new AbortController();
    const send = (s: HttpServerProcess, headers: Record<string, string> = {}) =>
      fetch(`${s.origin}/mcp`, {
        method: 'POST',
        signal: controller.signal,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          Authorization: `Bearer ${callerKs()}`,
          ...headers,
        },
        body: JSON.stringify(toolCall(1, '1_origlast')),
      }).then(
        (r) => r.status,
        () => 'aborted',
      );
    // Without a trusted proxy, X-Forwarded-For is ignored: both count as 127.0.0.1.
    const held = [
      send(direct, { 'X-Forwarded-For': '203.0.113.1' }),
      send(direct, { 'X-Forwarded-For': '203.0.113.2' }),
    ];
    await eventually(() => sandbox.log.length === 2, 'two calls reached Kaltura');
    const third = await post(direct, toolCall(3), { 'X-Forwarded-For': '203.0.113.3' });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(((await third.json()) as { message: string }).message).toMatch(/requests in flight already/);
    // Behind one trusted proxy, the address the proxy saw is the caller.
    held.push(send(proxied, { 'X-Forwarded-For': '203.0.113.1' }), send(proxied, { 'X-Forwarded-For': '203.0.113.1' }));
    await eventually(() => sandbox.log.length === 4, 'two more calls reached Kaltura');
    expect((await post(proxied, toolCall(5), { 'X-Forwarded-For': '203.0.113.1' })).status).toBe(429);
    expect((await post(proxied, toolCall(6), { 'X-Forwarded-For': '203.0.113.9' })).status).toBe(200);
    controller.abort();
    await Promise.all(held);
  });
});

describe('a flood of idle connections', () => {
  it('beyond MCP_MAX_CONNECTIONS closes the oldest idle ones, and a new caller is still served', async () => {
    const s = await serve({ MCP_MAX_CONNECTIONS: '20' });
    const port = Number(new URL(s.origin).port);
    const sockets: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 200; i += 1) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => (closed += 1));
      sockets.push(socket);
      await new Promise((resolve) => socket.once('connect', resolve));
    }
    // All but the newest twenty or so were closed by the server to make room.
    await eventually(() => closed >= 180, 'the server closed the oldest idle connections');
    // A new caller, on a new connection, gets its answer.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/mcp',
          method: 'POST',
          agent: false,
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            Authorization: `Bearer ${callerKs()}`,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(toolCall(1)));
    });
    expect(status).toBe(200);
    for (const socket of sockets) socket.destroy();
    const c = await httpClient(`${s.origin}/mcp`, callerKs());
    expect(jsonOf(await c.call('get_download_url', { entry_id: '1_demo0001' })).entryId).toBe('1_demo0001');
    await c.close();
  });
});
