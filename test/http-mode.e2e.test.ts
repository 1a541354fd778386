/**
 * Remote mode end to end: the built server listening on a free port (`--http`), driven by the
 * SDK's StreamableHTTPClientTransport with callers' own KSs, against the sandbox; plus the HTTP
 * edges (401, 403, 405, 413, health), two partners at once, two replicas behind a round-robin
 * proxy, the per-KS cap, and SIGTERM.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, request, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE_MS } from '../src/transports/http.js';
import { OTHER_ADMIN_SECRET, OTHER_PARTNER_ID, SANDBOX_ADMIN_SECRET } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { callerKs, httpClient, postMcp, startHttpServer, type HttpServerProcess } from './helpers/http-server.js';
import { jsonOf, SERVER_ENTRY, textOf } from './helpers/server-process.js';
import { testFolder } from './helpers/temp.js';

let sandbox: Sandbox;
let server: HttpServerProcess;
const started: HttpServerProcess[] = [];

/** Only what a remote deployment gives the server: where Kaltura is (and, here, a secret it must ignore). */
const remoteEnv = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  KALTURA_SERVICE_URL: sandbox.url,
  ...extra,
});

async function serve(env = remoteEnv(), args: string[] = []) {
  const s = await startHttpServer(env, args);
  started.push(s);
  return s;
}

const mcp = (s: HttpServerProcess) => `${s.origin}/mcp`;
const post = (s: HttpServerProcess, body: unknown, headers: Record<string, string> = {}) =>
  postMcp(s.origin, body, headers);

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
};

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await serve(remoteEnv({ KALTURA_ADMIN_SECRET: SANDBOX_ADMIN_SECRET, KALTURA_PARTNER_ID: '976543' }));
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.setLatency(0);
  sandbox.clearLog();
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await sandbox?.close();
});

describe('every read-only tool, with the caller’s own KS', () => {
  it('lists every tool but save_media_file, which writes to the server’s own disk', async () => {
    const c = await httpClient(mcp(server), callerKs());
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'get_download_url',
      'get_download_urls',
      'get_media_entry',
      'get_thumbnail_url',
      'list_media_entries',
    ]);
    expect(c.client.getInstructions()).not.toContain('save_media_file');
    expect(c.client.getServerVersion()?.websiteUrl).toBe('https://www.npmjs.com/package/kaltura-mcp');
    await c.close();
  });

  it.each([
    ['list_media_entries', { limit: 2 }, 'entries'],
    ['get_media_entry', { entry_id: '1_demo0001' }, 'flavors'],
    ['get_download_url', { entry_id: '1_origlast' }, 'downloadUrl'],
    ['get_download_urls', { entry_ids: ['1_demo0001', '1_origlast'] }, 'results'],
    ['get_thumbnail_url', { entry_id: '1_demo0001' }, 'thumbnailUrl'],
  ])('answers %s', async (tool, args, field) => {
    const ks = callerKs();
    const c = await httpClient(mcp(server), ks);
    const result = await c.call(tool, args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toHaveProperty(field);
    await c.close();
    // Kaltura saw the caller's key and nothing else: no session.start, not the server's secret.
    expect(sandbox.actions()).not.toContain('session.start');
    for (const logged of sandbox.log) {
      expect(logged.body).not.toContain(SANDBOX_ADMIN_SECRET);
      for (const call of logged.calls) expect(call.params.ks).toBe(ks);
    }
  });

  it('announces where the source is, as the .env file says (AGPL: remote users can get it)', async () => {
    const dir = testFolder('source');
    writeFileSync(join(dir, 'deploy.env'), 'KALTURA_MCP_SOURCE_URL=https://git.example.com/our-fork\n');
    const s = await serve(remoteEnv({ KALTURA_ENV_FILE: join(dir, 'deploy.env') }));
    const c = await httpClient(mcp(s), callerKs());
    expect(c.client.getServerVersion()?.websiteUrl).toBe('https://git.example.com/our-fork');
    expect(s.logLines()).toContainEqual(expect.objectContaining({ source: 'git.example.com/our-fork' }));
    await c.close();
  });

  it('refuses save_media_file as an unknown tool', async () => {
    const c = await httpClient(mcp(server), callerKs());
    await expect(c.call('save_media_file', { entry_id: '1_demo0001' })).rejects.toThrow(
      /Unknown tool: save_media_file/,
    );
    await c.close();
  });

  it('says to send a fresh KS when Kaltura refuses it, and never renews it', async () => {
    const c = await httpClient(mcp(server), callerKs({ expiresIn: -60 }));
    const result = await c.call('get_download_url', { entry_id: '1_demo0001' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({
      errorType: 'INVALID_KS',
      error:
        'Failed to get download URL: Kaltura refused the KS sent in the Authorization header (EXPIRED); send a fresh, valid KS for your partner',
    });
    expect(sandbox.log).toHaveLength(1);
    await c.close();
  });

  it('warns that KALTURA_ADMIN_SECRET is set but unused, and logs one line per request without a KS or URL', async () => {
    const ks = callerKs();
    const c = await httpClient(mcp(server), ks);
    const url = String(jsonOf(await c.call('get_download_url', { entry_id: '1_demo0001' })).downloadUrl);
    await c.close();
    // A request's line is written as its response ends: let it arrive.
    const answered = () => server.logLines().some((l) => l.tool === 'get_download_url' && l.outcome === 'ok');
    for (let i = 0; i < 40 && !answered(); i += 1) await new Promise((r) => setTimeout(r, 50));
    const lines = server.logLines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining('KALTURA_ADMIN_SECRET is set but never used'),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'http request',
        method: 'POST',
        status: 200,
        rpc: 'tools/call',
        tool: 'get_download_url',
        outcome: 'ok',
        partnerId: 976543,
        ms: expect.any(Number),
      }),
    );
    expect(lines.filter((l) => l.message === 'tool call')).toEqual([]);
    const stderr = server.stderr();
    for (const secret of [ks, url, SANDBOX_ADMIN_SECRET]) expect(stderr).not.toContain(secret);
    expect(stderr).not.toMatch(/djJ8/);
  });
});

describe('the HTTP edges', () => {
  it('answers /healthz without auth', async () => {
    const response = await fetch(`${server.origin}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['no Authorization header', {}, 'Bearer realm="kaltura-mcp"'],
    ['a malformed one', { Authorization: 'Basic dXNlcjpwYXNz' }, 'Bearer realm="kaltura-mcp", error="invalid_token"'],
    [
      'a Bearer that is no KS',
      { Authorization: 'Bearer not-a-session-key' },
      'Bearer realm="kaltura-mcp", error="invalid_token"',
    ],
  ])('answers %s with 401, a WWW-Authenticate header and what to send', async (_, headers, challenge) => {
    const response = await fetch(mcp(server), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(challenge);
    expect(((await response.json()) as { message: string }).message).toContain('Authorization: Bearer <KS>');
  });

  it('refuses two Authorization headers with 400 rather than guess which one was meant', async () => {
    const origin = new URL(server.origin);
    const body = JSON.stringify(INITIALIZE);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(origin.port), origin.hostname, () => {
        socket.end(
          [
            'POST /mcp HTTP/1.1',
            `Host: ${origin.host}`,
            'Content-Type: application/json',
            'Accept: application/json',
            'Authorization: Bearer not-a-session-key',
            `Authorization: Bearer ${callerKs()}`,
            `Content-Length: ${Buffer.byteLength(body)}`,
            'Connection: close',
            '',
            body,
          ].join('\r\n'),
        );
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('2 Authorization headers: send one');
  });

  it('takes "Authorization: KS <ks>" as well', async () => {
    const response = await post(server, INITIALIZE, { Authorization: `KS ${callerKs()}` });
    expect(response.status).toBe(200);
  });

  it.each([['GET'], ['DELETE']])('answers %s /mcp with 405 (stateless: no stream, no session)', async (method) => {
    const response = await fetch(mcp(server), { method, headers: { Authorization: `Bearer ${callerKs()}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.headers.get('mcp-session-id')).toBeNull();
  });

  it('answers no Mcp-Session-Id: every request stands alone', async () => {
    const response = await post(server, INITIALIZE);
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
  });

  it.each([[null], [true], [1.5], [{ token: 1 }]])(
    'answers a _meta.progressToken of %j with -32602 naming it, to the request id, and keeps serving',
    async (token) => {
      const response = await post(server, {
        jsonrpc: '2.0',
        id: 42,
        method: 'tools/call',
        params: { name: 'get_download_url', arguments: { entry_id: '1_demo0001' }, _meta: { progressToken: token } },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { id: number; error: { code: number; message: string } };
      expect(body.id).toBe(42);
      expect(body.error.code).toBe(-32602);
      expect(body.error.message).toMatch(/^Invalid params: _meta\.progressToken must be a string or an integer/);
      const next = await post(server, {
        jsonrpc: '2.0',
        id: 43,
        method: 'tools/call',
        params: { name: 'get_download_url', arguments: { entry_id: '1_demo0001' }, _meta: { progressToken: 'p' } },
      });
      expect(((await next.json()) as { result: { isError?: boolean } }).result.isError).toBeFalsy();
    },
  );

  it('answers an empty batch as an Invalid Request, and a compressed body with 415', async () => {
    const empty = await post(server, '[]');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ id: null, error: { code: -32600 } });
    const gzipped = await post(server, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'Content-Encoding': 'gzip' });
    expect(gzipped.status).toBe(415);
    expect(((await gzipped.json()) as { message: string }).message).toBe(
      'Content-Encoding gzip is not supported: send the body uncompressed',
    );
  });

  it('refuses a batch holding a tools/call before anything reaches Kaltura: each call is a request of its own', async () => {
    sandbox.clearLog();
    const call = (id: number) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'get_download_url', arguments: { entry_id: '1_demo0001' } },
    });
    const batch = await post(server, JSON.stringify([call(1), call(2)]));
    expect(batch.status).toBe(400);
    expect(await batch.json()).toMatchObject({
      id: null,
      error: { code: -32600, message: expect.stringContaining('send each tool call as a request of its own') },
    });
    expect(sandbox.log).toEqual([]);
  });

  it('names what is wrong with a request the SDK would refuse without saying which', async () => {
    const response = await post(server, { jsonrpc: '2.0', id: 'q', method: 'tools/list', params: [1] });
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 'q',
      error: { code: -32602, message: 'Invalid params: params must be an object' },
    });
  });

  it('answers a body over 1 MB with 413', async () => {
    const response = await post(server, { ...INITIALIZE, padding: 'x'.repeat(1024 * 1024) });
    expect(response.status).toBe(413);
  });

  describe('every Accept header', () => {
    /** POST /mcp through node:http, which (unlike fetch) sends no Accept header unless told to. */
    const rawPost = (headers: Record<string, string>) =>
      new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
        const origin = new URL(server.origin);
        const req = request(
          {
            host: origin.hostname,
            port: origin.port,
            path: '/mcp',
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${callerKs()}`, ...headers },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }),
            );
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(CALL));
      });
    const CALL = {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'get_download_url', arguments: { entry_id: '1_origlast' } },
    };
    const flavorOf = (message: { id: number; result: { structuredContent: { flavorId: string } } }) => {
      expect(message.id).toBe(7);
      return message.result.structuredContent.flavorId;
    };

    it.each([
      ['application/json alone', { Accept: 'application/json' }],
      ['*/*', { Accept: '*/*' }],
      ['application/*', { Accept: 'application/*' }],
      ['no Accept header', {}],
      ['both, as the SDK sends them', { Accept: 'application/json, text/event-stream' }],
    ])('answers %s with the JSON answer', async (_, headers) => {
      const answer = await rawPost(headers);
      expect(answer.status).toBe(200);
      expect(answer.type).toMatch(/^application\/json/);
      expect(flavorOf(JSON.parse(answer.text))).toBe('1_olastsrc');
    });

    it('answers text/event-stream alone with the same answer as one SSE message event', async () => {
      const answer = await rawPost({ Accept: 'text/event-stream' });
      expect(answer.status).toBe(200);
      expect(answer.type).toMatch(/^text\/event-stream/);
      const events = answer.text.split('\n\n').filter((block) => block.trim() !== '');
      expect(events).toHaveLength(1);
      const lines = events[0]!.split('\n');
      expect(lines[0]).toBe('event: message');
      const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));
      expect(flavorOf(JSON.parse(data.join('\n')))).toBe('1_olastsrc');
    });

    it('answers 406 only when the header allows neither', async () => {
      for (const accept of ['text/html', 'application/json;q=0', 'image/png, text/plain']) {
        const answer = await rawPost({ Accept: accept });
        expect(answer.status, accept).toBe(406);
        expect(JSON.parse(answer.text)).toMatchObject({ error: 'not_acceptable' });
      }
      expect(sandbox.log).toHaveLength(0);
    });
  });

  it('refuses a Host or an Origin that is not allowed with 403 (DNS rebinding)', async () => {
    const port = new URL(server.origin).port;
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/mcp',
            method: 'POST',
            headers: { 'Content-Type': 'application/json', ...headers },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.end(JSON.stringify(INITIALIZE));
      });
    const auth = { Authorization: `Bearer ${callerKs()}`, Accept: 'application/json, text/event-stream' };
    expect(await status({ ...auth, Host: 'evil.example.com' })).toBe(403);
    expect(await status({ ...auth, Host: `127.0.0.1:${port}`, Origin: 'http://evil.example.com' })).toBe(403);
    expect(await status({ ...auth, Host: `localhost:${port}`, Origin: `http://localhost:${port}` })).toBe(200);
  });
});

describe('callers never see each other', () => {
  it('keeps two partners’ concurrent calls apart', async () => {
    const mine = await httpClient(mcp(server), callerKs());
    const theirs = await httpClient(mcp(server), callerKs({ partnerId: OTHER_PARTNER_ID, secret: OTHER_ADMIN_SECRET }));
    const ids = (r: { structuredContent?: unknown }) =>
      (r.structuredContent as { entries: Array<{ id: string }> }).entries.map((e) => e.id);
    const rounds = await Promise.all(
      Array.from({ length: 10 }, async () => ({
        mine: await mine.call('list_media_entries', { limit: 100 }),
        theirs: await theirs.call('list_media_entries', { limit: 100 }),
        theirsByMe: await mine.call('get_media_entry', { entry_id: '2_theirs01' }),
      })),
    );
    for (const round of rounds) {
      expect(ids(round.theirs)).toEqual(['2_theirs01', '2_theirs02']);
      expect(ids(round.mine).some((id) => id.startsWith('2_'))).toBe(false);
      expect(jsonOf(round.theirsByMe)).toMatchObject({ errorType: 'ENTRY_ID_NOT_FOUND' });
    }
    await Promise.all([mine.close(), theirs.close()]);
  });

  it('caps each KS’s calls at 8 at once, so one caller cannot hold every slot', async () => {
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const greedy = await httpClient(mcp(server), callerKs());
    const controllers = Array.from({ length: 9 }, () => new AbortController());
    const hanging = controllers.map((c) =>
      greedy.call('get_download_url', { entry_id: '1_origlast' }, c.signal).catch(() => undefined),
    );
    for (let i = 0; i < 100 && sandbox.log.length < 8; i += 1) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    expect(sandbox.log).toHaveLength(8);
    const other = await httpClient(mcp(server), callerKs({ type: 0 }));
    expect((await other.call('get_download_url', { entry_id: '1_demo0001' })).isError).toBeFalsy();
    for (const c of controllers) c.abort();
    await Promise.all(hanging);
    await Promise.all([greedy.close(), other.close()]);
  });
});

describe('cancellation over HTTP', () => {
  it('aborts the Kaltura request when the client cancels the call (its notification comes in a request of its own)', async () => {
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const c = await httpClient(mcp(server), callerKs());
    const controller = new AbortController();
    const call = c.call('get_download_url', { entry_id: '1_origlast' }, controller.signal).catch(() => 'cancelled');
    for (let i = 0; i < 100 && sandbox.log.length < 1; i += 1) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(await call).toBe('cancelled');
    for (let i = 0; i < 100 && !sandbox.log[0]!.clientGone; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(sandbox.log[0]!.clientGone).toBe(true);
    const cancelled = () => server.logLines().some((l) => l.rpc === 'tools/call' && l.outcome === 'cancelled');
    for (let i = 0; i < 40 && !cancelled(); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(cancelled()).toBe(true);
    await c.close();
  });
});

describe('a failure only the operator can fix', () => {
  it("tells the caller to try later, and keeps where Kaltura is and the server's settings for its log", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const s = await serve(remoteEnv({ KALTURA_SERVICE_URL: `http://127.0.0.1:${closed}` }));
    const c = await httpClient(mcp(s), callerKs());
    const result = await c.call('get_download_url', { entry_id: '1_demo0001' });
    await c.close();
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toContain(
      "Failed to get download URL: this server could not get an answer from Kaltura (the reason is in the server's log, for its operator)",
    );
    expect(text).not.toContain(String(closed));
    expect(text).not.toContain('KALTURA_SERVICE_URL');
    expect(s.logLines()).toContainEqual(
      expect.objectContaining({
        message: 'a call failed for a reason only the operator can fix',
        detail: expect.stringContaining(`127.0.0.1:${closed} failed (ECONNREFUSED); check KALTURA_SERVICE_URL`),
      }),
    );
  });

  it("keeps Kaltura's host from the caller when Kaltura answers HTTP 500 too", async () => {
    sandbox.setFault({ kind: 'http500' });
    const c = await httpClient(mcp(server), callerKs());
    const result = await c.call('get_download_url', { entry_id: '1_demo0001' });
    await c.close();
    sandbox.setFault(undefined);
    expect(textOf(result)).toContain('this server could not get an answer from Kaltura');
    expect(textOf(result)).not.toContain(new URL(sandbox.url).host);
  });
});

describe('a call cancelled while its request stays open', () => {
  it('gets an answer, a JSON-RPC error, not a closed connection (a load balancer would run it again)', async () => {
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const ks = callerKs();
    const call = post(
      server,
      {
        jsonrpc: '2.0',
        id: 91,
        method: 'tools/call',
        params: { name: 'get_download_url', arguments: { entry_id: '1_origlast' } },
      },
      { Authorization: `Bearer ${ks}` },
    );
    for (let i = 0; i < 100 && sandbox.log.length < 1; i += 1) await new Promise((r) => setTimeout(r, 50));
    const notified = await post(
      server,
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 91, reason: 'the user stopped it' } },
      { Authorization: `Bearer ${ks}` },
    );
    expect(notified.status).toBe(202);
    const answered = await call;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({
      jsonrpc: '2.0',
      id: 91,
      error: { code: -32800, message: 'Request cancelled: notifications/cancelled named it' },
    });
    for (let i = 0; i < 100 && !sandbox.log[0]!.clientGone; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(sandbox.log[0]!.clientGone).toBe(true);
    expect(server.logLines().filter((l) => l.message === 'http request failed unexpectedly')).toEqual([]);
  });

  it('answers it as the last event of the stream when the client asked for an event stream', async () => {
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const ks = callerKs();
    const call = post(
      server,
      {
        jsonrpc: '2.0',
        id: 92,
        method: 'tools/call',
        params: { name: 'get_download_url', arguments: { entry_id: '1_origlast' } },
      },
      { Authorization: `Bearer ${ks}`, Accept: 'text/event-stream' },
    );
    for (let i = 0; i < 100 && sandbox.log.length < 1; i += 1) await new Promise((r) => setTimeout(r, 50));
    await post(
      server,
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 92 } },
      { Authorization: `Bearer ${ks}` },
    );
    const answered = await call;
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain(
      'data: {"jsonrpc":"2.0","id":92,"error":{"code":-32800,"message":"Request cancelled: notifications/cancelled named it"}}',
    );
  });
});

describe('a flood of calls', () => {
  it('answers BUSY once the overall slots and the wait queue are full, made-up keys or not', async () => {
    const s = await serve(remoteEnv({ MCP_MAX_CALLS: '2', MCP_MAX_WAITING_CALLS: '2' }));
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    // Four callers, four keys (each key's own cap is not what stops them): two run, two wait.
    const clients = await Promise.all(
      Array.from({ length: 5 }, (_, i) => httpClient(mcp(s), callerKs({ expiresIn: 3600 + i }))),
    );
    const controllers = clients.slice(0, 4).map(() => new AbortController());
    const held = controllers.map((c, i) =>
      clients[i]!.call('get_download_url', { entry_id: '1_origlast' }, c.signal).catch(() => undefined),
    );
    for (let i = 0; i < 100 && sandbox.log.length < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    const refused = await clients[4]!.call('get_download_url', { entry_id: '1_demo0001' });
    expect(refused.isError).toBe(true);
    expect(jsonOf(refused)).toMatchObject({
      errorType: 'BUSY',
      error: 'Failed to get download URL: the server has too many calls waiting already; try again in a few seconds',
    });
    for (const c of controllers) c.abort();
    await Promise.all(held);
    // The server frees the slots once it sees the connections close: then calls are served again.
    let next = await clients[4]!.call('get_download_url', { entry_id: '1_demo0001' });
    for (let i = 0; i < 40 && next.isError; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      next = await clients[4]!.call('get_download_url', { entry_id: '1_demo0001' });
    }
    expect(next.isError, textOf(next)).toBeFalsy();
    await Promise.all(clients.map((c) => c.close()));
  });
});

describe("one KS's own share", () => {
  it('answers BUSY naming the KS, not the server, when that KS alone has filled its queue', async () => {
    const s = await serve(remoteEnv({ MCP_MAX_CALLS_PER_KS: '1', MCP_MAX_WAITING_CALLS: '1' }));
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const ks = callerKs({ expiresIn: 7200 });
    const clients = await Promise.all(Array.from({ length: 3 }, () => httpClient(mcp(s), ks)));
    const controllers = clients.slice(0, 2).map(() => new AbortController());
    const held = controllers.map((c, i) =>
      clients[i]!.call('get_download_url', { entry_id: '1_origlast' }, c.signal).catch(() => undefined),
    );
    for (let i = 0; i < 100 && sandbox.log.length < 1; i += 1) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    const refused = await clients[2]!.call('get_download_url', { entry_id: '1_demo0001' });
    expect(jsonOf(refused)).toMatchObject({
      errorType: 'BUSY',
      error: expect.stringContaining('this KS has too many calls waiting already'),
    });
    // Another caller's KS is served meanwhile.
    const other = await httpClient(mcp(s), callerKs({ expiresIn: 7300 }));
    expect((await other.call('get_download_url', { entry_id: '1_demo0001' })).isError).toBeFalsy();
    for (const c of controllers) c.abort();
    await Promise.all(held);
    await Promise.all([...clients, other].map((c) => c.close()));
  });
});

describe('scaling out: replicas behind a load balancer', () => {
  it('serves one client’s calls alternately from two processes behind a round-robin proxy', async () => {
    const a = await serve();
    const b = await serve();
    const upstreams = [a, b].map((s) => new URL(s.origin));
    let next = 0;
    const proxy: Server = createServer((req, res) => {
      const target = upstreams[next++ % upstreams.length]!;
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: `localhost:${target.port}` },
        },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const c = await httpClient(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`, callerKs());
      const entries = ['1_demo0001', '1_origlast', '1_noorig01', '1_demo0001', '1_origlast', '1_noorig01'];
      for (const entry_id of entries) {
        const result = await c.call('get_download_url', { entry_id });
        expect(jsonOf(result).entryId).toBe(entry_id);
      }
      await c.close();
      const calls = (s: HttpServerProcess) => s.logLines().filter((l) => l.rpc === 'tools/call').length;
      // Each server writes its request's log line as the response ends: let the last one arrive.
      for (let i = 0; i < 40 && calls(a) + calls(b) < entries.length; i += 1)
        await new Promise((r) => setTimeout(r, 50));
      expect(calls(a) + calls(b)).toBe(entries.length);
      expect(calls(a)).toBeGreaterThanOrEqual(2);
      expect(calls(b)).toBeGreaterThanOrEqual(2);
    } finally {
      proxy.close();
    }
  });
});

describe('lifecycle and safety', () => {
  it('on SIGTERM stops accepting, answers the call in flight, and exits 0', async () => {
    const s = await serve();
    const c = await httpClient(mcp(s), callerKs());
    sandbox.setLatency(400);
    const pending = c.call('get_download_url', { entry_id: '1_origlast' });
    await new Promise((r) => setTimeout(r, 100));
    s.child.kill('SIGTERM');
    const result = await pending;
    expect(jsonOf(result).flavorId).toBe('1_olastsrc');
    expect(await s.exited).toBe(0);
  });

  it('does not wait out its grace on SIGTERM for a connection that never sent a request', async () => {
    const s = await serve();
    const origin = new URL(s.origin);
    const idle = await new Promise<Socket>((resolve) => {
      const socket = connect(Number(origin.port), origin.hostname, () => resolve(socket));
      socket.on('error', () => undefined);
    });
    const started = performance.now();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    // A load balancer's pre-opened connection held the exit for the whole 10 s grace.
    expect(performance.now() - started).toBeLessThan(SHUTDOWN_GRACE_MS / 2);
    idle.destroy();
  });

  it('says how many calls it cut when the grace runs out on SIGTERM, and leaves at once on a second Ctrl+C', async () => {
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const cut = await serve();
    const c = await httpClient(mcp(cut), callerKs());
    const pending = c.call('get_download_url', { entry_id: '1_origlast' }).catch(() => 'cut');
    for (let i = 0; i < 100 && sandbox.log.length < 1; i += 1) await new Promise((r) => setTimeout(r, 50));
    cut.child.kill('SIGTERM');
    expect(await cut.exited).toBe(0);
    expect(await pending).toBe('cut');
    expect(cut.logLines()).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        requestsCut: 1,
        message: expect.stringContaining('after the 10 s grace were cut'),
      }),
    );

    const twice = await serve();
    const d = await httpClient(mcp(twice), callerKs());
    const held = d.call('get_download_url', { entry_id: '1_origlast' }).catch(() => 'cut');
    for (let i = 0; i < 100 && sandbox.log.length < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
    twice.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    twice.child.kill('SIGINT');
    expect(await twice.exited).toBe(130);
    expect(await held).toBe('cut');
    expect(twice.logLines()).toContainEqual(expect.objectContaining({ message: 'interrupted again: leaving now' }));
  }, 30_000);

  it('refuses to bind a non-loopback address without --allowed-hosts', async () => {
    const child = spawn(process.execPath, [SERVER_ENTRY, '--http', '--host', '0.0.0.0', '--port', '0'], {
      env: remoteEnv(),
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('binding to 0.0.0.0 lets other machines reach the server');
    expect(stderr).toContain('--allowed-hosts');
  });

  it('binds anywhere when told the host names to allow, and allows only those', async () => {
    const s = await serve(remoteEnv(), [
      '--host',
      '0.0.0.0',
      '--allowed-hosts',
      'mcp.example.test',
      '--behind-tls-proxy',
    ]);
    const port = new URL(s.origin).port;
    const status = (host: string) =>
      new Promise<number>((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/mcp',
            method: 'POST',
            headers: {
              Host: host,
              'Content-Type': 'application/json',
              Accept: 'application/json, text/event-stream',
              Authorization: `Bearer ${callerKs()}`,
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.end(JSON.stringify(INITIALIZE));
      });
    expect(await status(`mcp.example.test:${port}`)).toBe(200);
    expect(await status(`127.0.0.1:${port}`)).toBe(403);
  });
});
