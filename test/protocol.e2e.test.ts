/**
 * The MCP side as a demanding host sees it: cancellation that stops the work, strict arguments,
 * MCP logging, the server's metadata, and protocol errors as JSON-RPC errors. The built server
 * over stdio, driven by the SDK Client and by a raw JSON-RPC peer, against the sandbox.
 */
import { LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_SECRET } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { startRawPeer, type RawPeer } from './helpers/raw-rpc.js';
import { logLines, sandboxEnv, startServer, textOf, type RunningServer, ServerPool } from './helpers/server-process.js';

const PACKAGE = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

let sandbox: Sandbox;
let server: RunningServer;
let raw: RawPeer;
const servers = new ServerPool();
const serve = (env: Record<string, string>) => servers.start(env);

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startServer(sandboxEnv(sandbox.url));
  raw = await startRawPeer(sandboxEnv(sandbox.url));
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.clearLog();
});

afterAll(async () => {
  await Promise.all([server?.close(), servers.closeAll()]);
  await raw?.close();
  await sandbox?.close();
});

/** A call that the test cancels: resolves once the client has given up on it. */
function cancellable(s: RunningServer, args: Record<string, unknown>) {
  const controller = new AbortController();
  const settled = s.client
    .callTool({ name: 'get_download_url', arguments: args }, undefined, { signal: controller.signal })
    .then(
      () => 'answered',
      () => 'cancelled',
    );
  return { cancel: () => controller.abort('test cancels'), settled };
}

/** Waits (up to a few seconds) for `condition`; a liveness check, not a measure of speed. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 50));
  expect(condition(), what).toBe(true);
}

describe('cancellation stops the work', () => {
  it('aborts the Kaltura request the moment the client cancels, and logs the call as cancelled', async () => {
    const s = await serve(sandboxEnv(sandbox.url, { KALTURA_REQUEST_TIMEOUT_MS: '60000' }));
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const call = cancellable(s, { entry_id: '1_origlast' });
    await eventually(() => sandbox.log.length === 1, 'the request reached Kaltura');
    call.cancel();
    expect(await call.settled).toBe('cancelled');
    await eventually(() => sandbox.log[0]!.clientGone, 'the Kaltura request was aborted');
    await eventually(
      () => logLines(s.transport).some((l) => l.message === 'tool call' && l.outcome === 'cancelled'),
      'the log line says cancelled',
    );
  });

  it('frees the slot at once: 32 cancelled slow calls do not hold up a 33rd', async () => {
    const s = await serve(sandboxEnv(sandbox.url, { KALTURA_REQUEST_TIMEOUT_MS: '60000' }));
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const slow = Array.from({ length: 32 }, () => cancellable(s, { entry_id: '1_origlast' }));
    await eventually(() => sandbox.log.length === 32, 'all 32 slow calls reached Kaltura');
    for (const call of slow) call.cancel();
    await Promise.all(slow.map((call) => call.settled));
    const fast = s.call('get_download_url', { entry_id: '1_demo0001' });
    const outcome = await Promise.race([
      fast.then((r) => (r.isError ? 'error' : 'answered')),
      new Promise((resolve) => setTimeout(() => resolve('still waiting for a slot'), 10_000)),
    ]);
    expect(outcome).toBe('answered');
  });

  it('never sends a call cancelled while it waited for a slot', async () => {
    const s = await serve(sandboxEnv(sandbox.url, { KALTURA_REQUEST_TIMEOUT_MS: '60000' }));
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const slow = Array.from({ length: 32 }, () => cancellable(s, { entry_id: '1_origlast' }));
    await eventually(() => sandbox.log.length === 32, 'all 32 slow calls reached Kaltura');
    const queued = cancellable(s, { entry_id: '1_noorig01' });
    await new Promise((r) => setTimeout(r, 100));
    queued.cancel();
    expect(await queued.settled).toBe('cancelled');
    for (const call of slow) call.cancel();
    await Promise.all(slow.map((call) => call.settled));
    // The queue has drained once a later call is answered.
    expect((await s.call('get_download_url', { entry_id: '1_demo0001' })).isError).toBeFalsy();
    expect(sandbox.log.some((r) => r.body.includes('1_noorig01'))).toBe(false);
  });
});

describe('strict arguments', () => {
  it('refuses an unknown argument, naming it, suggesting the right one and listing the accepted ones', async () => {
    const result = await server.call('get_download_url', { entry_id: '1_demo0001', flavorId: '1_demof003' });
    expect(result.isError).toBe(true);
    expect(JSON.parse(textOf(result))).toEqual({
      error:
        'Input validation error: Invalid arguments for tool get_download_url: unknown argument "flavorId" (did you mean "flavor_id"?). The accepted arguments are: entry_id (required), flavor_id, file_name, quality, max_height, format, captions.',
      errorType: 'INVALID_ARGUMENTS',
    });
    expect(sandbox.log).toHaveLength(0);
  });

  it('refuses mediaType instead of media_type rather than ignoring it', async () => {
    const result = await server.call('list_media_entries', { mediaType: 'audio' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('unknown argument \\"mediaType\\" (did you mean \\"media_type\\"?)');
    expect(sandbox.log).toHaveLength(0);
  });

  it('states the true bounds and defaults in the schemas, and no other arguments', async () => {
    const { tools } = await server.client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.inputSchema]));
    for (const schema of Object.values(byName)) expect(schema.additionalProperties).toBe(false);
    expect(byName.list_media_entries!.properties).toMatchObject({
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 },
      offset: { type: 'integer', minimum: 0, default: 0 },
      search_text: { type: 'string', maxLength: 1000 },
    });
    expect(byName.get_thumbnail_url!.properties).toMatchObject({
      width: { type: 'integer', minimum: 1, maximum: 4096, default: 120 },
      height: { type: 'integer', minimum: 1, maximum: 4096, default: 90 },
      second: { type: 'integer', minimum: 0, default: 5 },
    });
    expect(byName.get_download_url!.properties).toMatchObject({
      entry_id: { type: 'string', pattern: '^[0-9]+_[a-zA-Z0-9]+$', maxLength: 50 },
    });
    expect(JSON.stringify(tools)).not.toContain('9007199254740991');
  });
});

describe('MCP logging', () => {
  it('advertises logging, sends nothing before a level is set, then each line at or above it, redacted', async () => {
    const s = await serve(sandboxEnv(sandbox.url));
    expect(s.client.getServerCapabilities()?.logging).toEqual({});
    const received: Array<{ level: string; data: Record<string, unknown> }> = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      received.push(n.params as { level: string; data: Record<string, unknown> });
    });
    const url = async () =>
      String(JSON.parse(textOf(await s.call('get_download_url', { entry_id: '1_demo0001' }))).downloadUrl);
    await url();
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([]);

    await s.client.setLoggingLevel('info');
    const downloadUrl = await url();
    await eventually(() => received.length > 0, 'a notification arrived');
    expect(received).toContainEqual({
      level: 'info',
      logger: 'kaltura-mcp',
      data: expect.objectContaining({
        message: 'tool call',
        tool: 'get_download_url',
        outcome: 'ok',
        kalturaRequests: 1,
      }),
    });
    const everything = JSON.stringify(received);
    expect(everything).not.toContain(downloadUrl);
    expect(everything).not.toContain(SANDBOX_ADMIN_SECRET);
    expect(everything).not.toMatch(/djJ8/);

    await s.client.setLoggingLevel('error');
    received.length = 0;
    await url();
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([]);
  });

  it('sends debug lines when the client asks for debug, even without KALTURA_DEBUG', async () => {
    const s = await serve(sandboxEnv(sandbox.url));
    const received: Array<{ level: string; data: Record<string, unknown> }> = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      received.push(n.params as { level: string; data: Record<string, unknown> });
    });
    await s.client.setLoggingLevel('debug');
    await s.call('get_download_url', { entry_id: '1_demo0001' });
    await eventually(() => received.some((n) => n.level === 'debug'), 'a debug notification arrived');
    expect(received).toContainEqual(
      expect.objectContaining({ level: 'debug', data: expect.objectContaining({ message: 'kaltura request' }) }),
    );
    // stderr keeps its own level: no debug lines there.
    expect(logLines(s.transport).filter((l) => l.level === 'debug')).toEqual([]);
  });

  it('answers an unknown level with -32602', async () => {
    const response = await raw.request('logging/setLevel', { level: 'loud' });
    expect(response.error).toEqual({
      code: -32602,
      message:
        'Invalid params for logging/setLevel: "level" must be one of debug, info, notice, warning, error, critical, alert, emergency',
    });
  });
});

describe('metadata', () => {
  it('gives a title, the package version, a description and instructions that teach the workflow', () => {
    expect(server.client.getServerVersion()).toMatchObject({
      name: 'kaltura-mcp',
      title: 'Kaltura',
      version: PACKAGE.version,
      description: expect.stringContaining('Kaltura'),
    });
    const instructions = server.client.getInstructions() ?? '';
    for (const tool of ['list_media_entries', 'get_media_entry', 'get_download_url'])
      expect(instructions).toContain(tool);
    expect(instructions).toMatch(/credential/);
    expect(instructions).toMatch(/READY/);
    expect(instructions).toMatch(/INVALID_KS/);
  });

  it('does not claim the tool list can change', () => {
    expect(server.client.getServerCapabilities()?.tools).toEqual({});
  });

  it('says, for every tool that downloads, that audio is served and the URL is a credential', async () => {
    const { tools } = await server.client.listTools();
    const download = tools.find((t) => t.name === 'get_download_url')!;
    expect(download.description).toMatch(/audio/);
    expect(download.description).toMatch(/expires .*access token/);
    expect(download.description).toMatch(/not yet READY answers an error naming its status/);
  });
});

describe('protocol errors are JSON-RPC errors', () => {
  it('answers an unknown tool with -32602, not an isError result', async () => {
    const response = await raw.request('tools/call', { name: 'delete_everything', arguments: {} });
    expect(response.error).toEqual({
      code: -32602,
      message: expect.stringMatching(/^Unknown tool: delete_everything; the tools are list_media_entries, /),
    });
    await expect(server.client.callTool({ name: 'nope', arguments: {} })).rejects.toBeInstanceOf(McpError);
  });

  it.each([
    [
      'arguments that are not an object',
      { name: 'get_download_url', arguments: 'entry_id=1_demo0001' },
      '"arguments" must be an object',
    ],
    ['no name', { arguments: { entry_id: '1_demo0001' } }, '"name" must be the name of a tool'],
    ['params without a name', {}, '"name" must be the name of a tool'],
  ])('answers %s with -32602 and a clean message', async (_, params, detail) => {
    const response = await raw.request('tools/call', params);
    expect(response.error).toEqual({ code: -32602, message: `Invalid params for tools/call: ${detail}` });
  });

  it('answers a tools/list cursor it never gave with -32602', async () => {
    expect((await raw.request('tools/list', { cursor: 7 })).error).toEqual({
      code: -32602,
      message: 'Invalid params for tools/list: "cursor" must be a string',
    });
    expect((await raw.request('tools/list', { cursor: 'page-2' })).error).toEqual({
      code: -32602,
      message: 'Invalid params for tools/list: unknown cursor',
    });
  });

  it('answers a method it does not serve with -32601', async () => {
    expect((await raw.request('resources/list', {})).error).toEqual({ code: -32601, message: 'Method not found' });
  });

  it('keeps serving after protocol errors', async () => {
    const response = await raw.request('tools/call', {
      name: 'get_download_url',
      arguments: { entry_id: '1_demo0001' },
    });
    expect((response.result as { isError?: boolean }).isError).toBeFalsy();
  });
});
