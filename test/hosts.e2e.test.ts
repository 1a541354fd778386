/**
 * The clients people actually use: schemas every validator and model provider reads (draft-07,
 * 2020-12, RE2 patterns), arguments as hosts send them (numbers as strings, nulls, empty enums,
 * bookkeeping arguments of their own), over stdio and HTTP, and MCP 2.x clients (the latest, the
 * earliest that validates output schemas, and the betas whose validator knows 2020-12 only)
 * listing and calling every tool. The built server against the sandbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { RE2 } from 're2-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { LISTED_ENTRIES } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { callerKs, httpClient, startHttpServer, type HttpServerProcess } from './helpers/http-server.js';
import {
  jsonOf,
  logLines,
  sandboxEnv,
  SERVER_ENTRY,
  startServer,
  textOf,
  type RunningServer,
} from './helpers/server-process.js';

/** Keywords that mean the same in draft-07 and 2020-12: what a listed schema may use (written here, not imported). */
const PORTABLE = new Set(
  'type properties required description enum minimum maximum minLength maxLength pattern items minItems maxItems uniqueItems default additionalProperties title const anyOf oneOf'.split(
    ' ',
  ),
);

let sandbox: Sandbox;
let stdio: RunningServer;
let remote: HttpServerProcess;
let folder: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-hosts-'));
  stdio = await startServer(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: folder }));
  remote = await startHttpServer({ PATH: process.env.PATH ?? '', KALTURA_SERVICE_URL: sandbox.url });
});

afterAll(async () => {
  await Promise.all([stdio?.close(), remote?.stop()]);
  await sandbox?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** A call of each tool that succeeds against the sandbox. */
const SUCCESSES: Record<string, Record<string, unknown>> = {
  list_media_entries: { limit: 2 },
  get_media_entry: { entry_id: '1_demo0001' },
  get_download_url: { entry_id: '1_demo0001' },
  get_download_urls: { entry_ids: ['1_demo0001', '1_image001'] },
  save_media_file: { entry_id: '1_demo0001', quality: 'lowest' },
  save_media_files: { entry_ids: ['4_bio00001'], captions: ['en'], metadata: true },
  get_thumbnail_url: { entry_id: '1_demo0001' },
};

/** Every keyword a schema uses, with where. */
function keywords(node: unknown, where = ''): Array<[string, string]> {
  if (Array.isArray(node)) return node.flatMap((item, i) => keywords(item, `${where}/${i}`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]): Array<[string, string]> =>
    key === 'properties'
      ? Object.entries(value as object).flatMap(([name, sub]) => keywords(sub, `${where}/${name}`))
      : [[key, where], ...keywords(value, `${where}/${key}`)],
  );
}

/** Every `pattern` a schema holds. */
function patterns(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(patterns);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'pattern' && typeof value === 'string' ? [value] : patterns(value),
  );
}

describe('portable tool schemas', () => {
  let tools: Tool[];
  beforeAll(async () => {
    ({ tools } = await stdio.client.listTools());
  });

  it('name no draft and use only keywords that mean the same in draft-07 and 2020-12', () => {
    expect(tools).toHaveLength(7);
    for (const tool of tools) {
      for (const schema of [tool.inputSchema, tool.outputSchema]) {
        for (const [key, where] of keywords(schema))
          expect(PORTABLE.has(key), `${tool.name} ${where}: ${key}`).toBe(true);
      }
    }
  });

  it('compile in a draft-07 validator and a 2020-12 validator, strictly', () => {
    for (const tool of tools) {
      for (const schema of [tool.inputSchema, tool.outputSchema]) {
        expect(() => new Ajv({ strict: true }).compile(schema as object), tool.name).not.toThrow();
        expect(() => new Ajv2020({ strict: true }).compile(schema as object), tool.name).not.toThrow();
      }
    }
  });

  it('have patterns that RE2 compiles, without lookaround, backreferences or \\u escapes', () => {
    const all = tools.flatMap((t) => [...patterns(t.inputSchema), ...patterns(t.outputSchema)]);
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const pattern of all) {
      expect(() => new RE2(pattern, 'u'), pattern).not.toThrow();
      expect(pattern, pattern).not.toMatch(/\(\?<?[=!]|\\[1-9]|\\k<|\\u/);
    }
  });

  it('describe the answers the tools give, in both drafts', async () => {
    for (const tool of tools) {
      const result = (await stdio.call(tool.name, SUCCESSES[tool.name]!)) as CallToolResult;
      expect(result.isError, `${tool.name}: ${textOf(result)}`).toBeFalsy();
      for (const ajv of [new Ajv(), new Ajv2020()]) {
        const validate = ajv.compile(tool.outputSchema!);
        expect(validate(result.structuredContent), `${tool.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });
});

/** Both ways hosts reach the server, each calling a tool and reading its JSON answer. */
const TRANSPORTS = [
  ['stdio', () => async (name: string, args: Record<string, unknown>) => stdio.call(name, args)],
  [
    'HTTP',
    () => async (name: string, args: Record<string, unknown>) => {
      const client = await httpClient(`${remote.origin}/mcp`, callerKs());
      try {
        return await client.call(name, args);
      } finally {
        await client.close();
      }
    },
  ],
] as const;

describe.each(TRANSPORTS)('arguments as hosts send them, over %s', (_, transport) => {
  const ok = async (name: string, args: Record<string, unknown>) => {
    const result = await transport()(name, args);
    expect(result.isError, textOf(result)).toBeFalsy();
    return jsonOf(result);
  };
  const refused = async (name: string, args: Record<string, unknown>) => {
    const result = await transport()(name, args);
    expect(result.isError).toBe(true);
    return jsonOf(result);
  };

  it('takes numbers sent as numeric strings', async () => {
    expect(await ok('get_download_url', { entry_id: '1_demo0001', max_height: '600' })).toMatchObject({
      flavorId: '1_demof003',
    });
    const page = await ok('list_media_entries', { limit: '2', offset: ' 2 ' });
    expect(page).toMatchObject({ pageSize: 2, page: 2 });
    expect((page.entries as unknown[]).length).toBe(2);
    expect(
      await ok('get_thumbnail_url', { entry_id: '1_demo0001', width: '640', height: ' 360', second: '0' }),
    ).toMatchObject({
      width: 640,
      height: 360,
      second: 0,
    });
  });

  it('reads null for an optional argument as not given (OpenAI strict mode sends every one)', async () => {
    const plain = await ok('get_download_url', { entry_id: '1_demo0001' });
    const nulls = await ok('get_download_url', {
      entry_id: '1_demo0001',
      flavor_id: null,
      file_name: null,
      quality: null,
      max_height: null,
      format: null,
    });
    expect(nulls.flavorId).toBe(plain.flavorId);
    const listed = await ok('list_media_entries', { search_text: null, media_type: null, limit: null, offset: null });
    expect(listed).toMatchObject({ totalCount: LISTED_ENTRIES.length, pageSize: 20, page: 1 });
    expect(
      await ok('get_thumbnail_url', { entry_id: '1_demo0001', width: null, height: null, second: null }),
    ).toMatchObject({
      width: 120,
      height: 90,
      second: 5,
    });
    expect(
      await ok('get_download_urls', { entry_ids: ['1_demo0001'], quality: null, max_height: null, format: null }),
    ).toMatchObject({
      results: [{ ok: true }],
    });
  });

  it('reads "" for an optional enum, format or number as not given, as the original read an empty media_type', async () => {
    const all = await ok('list_media_entries', { search_text: '', media_type: '' });
    expect(all.totalCount).toBe(LISTED_ENTRIES.length);
    expect(
      await ok('get_download_url', { entry_id: '1_demo0001', quality: '', format: '', max_height: '' }),
    ).toMatchObject({
      flavorId: '1_demof001',
    });
  });

  it('reads [] for an optional list that must hold something as not given (strict mode\'s "none")', async () => {
    const plain = await ok('get_download_url', { entry_id: '1_demo0001' });
    const none = await ok('get_download_url', { entry_id: '1_demo0001', captions: [] });
    expect(Object.keys(none)).toEqual(Object.keys(plain));
    expect(none.flavorId).toBe(plain.flavorId);
    // A required list is still refused empty: there is nothing to answer.
    expect(await refused('get_download_urls', { entry_ids: [] })).toMatchObject({
      error: 'Invalid entry_ids: give 1 to 50 entry ids, each at most once',
    });
  });

  it("ignores a host's own argument (Cline's task_progress), names it in the log, and never sends it to Kaltura", async () => {
    sandbox.clearLog();
    expect(
      await ok('get_download_url', { entry_id: '1_demo0001', task_progress: '- [x] find the video' }),
    ).toMatchObject({
      flavorId: '1_demof001',
    });
    expect(sandbox.log.map((r) => r.body).join('')).not.toContain('task_progress');
  });

  it('tells the model, beside the answer, of any other argument it ignored; never of a host bookkeeping one', async () => {
    const quiet = await transport()('get_download_url', { entry_id: '1_demo0001', task_progress: 'x' });
    expect(quiet.content).toHaveLength(1);
    const noted = await transport()('get_download_url', { entry_id: '1_demo0001', overwrite: true, sort: 'x' });
    expect(noted.isError).toBeFalsy();
    expect(noted.content[1]).toEqual({
      type: 'text',
      text: 'Note: get_download_url does not take "overwrite", "sort"; they were ignored, and the answer above is without them.',
    });
  });

  it('never lets a __proto__ key smuggle in an argument or stand in for a required one', async () => {
    const smuggled = JSON.parse('{"entry_id":"1_demo0001","__proto__":{"flavor_id":"1_demof002"}}') as Record<
      string,
      unknown
    >;
    expect(await ok('get_download_url', smuggled)).toMatchObject({ flavorId: '1_demof001' });
    const standIn = JSON.parse('{"__proto__":{"entry_id":"1_demo0001"}}') as Record<string, unknown>;
    expect(String((await refused('get_download_url', standIn)).error)).toContain('entry_id is required');
  });

  it.each([
    [{ entry_id: '1_demo0001', flavorId: '1_demof002' }, 'unknown argument "flavorId" (did you mean "flavor_id"?)'],
    [{ entryid: '1_demo0001' }, 'unknown argument "entryid" (did you mean "entry_id"?)'],
    [{ entry_id: '1_demo0001', max_hieght: 720 }, 'unknown argument "max_hieght" (did you mean "max_height"?)'],
  ])('still refuses a near-miss of a real argument: %j', async (args, text) => {
    const body = await refused('get_download_url', args);
    expect(body).toMatchObject({ errorType: 'INVALID_ARGUMENTS' });
    expect(String(body.error)).toContain(text);
  });

  it.each([
    ['list_media_entries', { query: 'Biology' }, 'unknown argument "query" (did you mean "search_text"?)'],
    ['get_download_url', { entry_id: '1_demo0001', height: 360 }, '"height" (did you mean "max_height"?)'],
    ['get_download_url', { entry_id: '1_demo0001', language: 'en' }, '"language" (did you mean "captions"?)'],
    ['get_thumbnail_url', { entry_id: '1_demo0001', timestamp: 5 }, '"timestamp" (did you mean "second"?)'],
    ['get_download_urls', { entry_ids: ['1_demo0001'], flavor_id: '1_demof002' }, '"flavor_id" (get_download_url'],
    ['list_media_entries', { page: 2, limit: 2 }, '"page" (did you mean "offset"?)'],
    ['list_media_entries', { name: 'Demo video' }, '"name" (did you mean "search_text"?)'],
    ['list_media_entries', { tags: 'biology' }, '"tags" (did you mean "search_text"?)'],
    ['get_download_url', { entry_id: '1_demo0001', max_width: 640 }, '"max_width" (did you mean "max_height"?)'],
    ['get_download_url', { entry_id: '1_demo0001', flavor_params_id: 487041 }, '(did you mean "flavor_id"?)'],
    ['get_thumbnail_url', { entry_id: '1_demo0001', w: 640 }, '"w" (did you mean "width"?)'],
  ])(
    'refuses a word models use for a real argument, which dropping would answer wrongly: %s %j',
    async (tool, args, text) => {
      const body = await refused(tool, args);
      expect(body).toMatchObject({ errorType: 'INVALID_ARGUMENTS' });
      expect(String(body.error)).toContain(text);
    },
  );

  it.each([
    [{ entry_id: '1_demo0001', max_height: 1e20 }, 'max_height'],
    [{ entry_id: '1_demo0001', max_height: '99999999999999999999' }, 'max_height'],
  ])('names the argument and its bounds for an integer beyond 2^53: %j', async (args, name) => {
    const body = await refused('get_download_url', args);
    expect(String(body.error)).toContain(name);
    expect(String(body.error)).not.toContain('9007199254740991');
  });

  it.each([
    [{ entry_id: '1_demo0001', max_height: 'abc' }],
    [{ entry_id: '1_demo0001', max_height: -1 }],
    [{ entry_id: '1_demo0001', max_height: '7.5' }],
    [{ entry_id: '1_demo0001', quality: 'best' }],
    [{ entry_id: null }],
  ])('refuses a value that is still wrong: %j', async (args) => {
    await refused('get_download_url', args);
  });
});

describe("another tool's argument", () => {
  it('is refused with the tools that take it, and the argument meant', async () => {
    const urls = jsonOf(await stdio.call('get_download_urls', { entry_ids: ['1_demo0001'], flavor_id: '1_demof002' }));
    expect(String(urls.error)).toContain(
      'unknown argument "flavor_id" (get_download_url and save_media_file take it, get_download_urls does not)',
    );
    const save = jsonOf(await stdio.call('save_media_file', { entry_id: '1_demo0001', folder: 'x' }));
    expect(String(save.error)).toContain(
      'unknown argument "folder" (did you mean "subfolder"? save_media_files takes it, save_media_file does not)',
    );
  });
});

describe('the log line of a call with an ignored argument', () => {
  it('names the argument, never its value', async () => {
    await stdio.call('get_media_entry', { entry_id: '1_demo0001', task_progress: 'secret plan' });
    const line = logLines(stdio.transport)
      .filter((l) => l.message === 'tool call')
      .at(-1);
    expect(line).toMatchObject({ tool: 'get_media_entry', outcome: 'ok', ignoredArguments: ['task_progress'] });
    expect(stdio.transport.stderrText()).not.toContain('secret plan');
  });

  it('takes "true" and "false" for a boolean', async () => {
    const result = await stdio.call('save_media_file', {
      entry_id: '1_demo0001',
      quality: 'lowest',
      keep_partial: 'false',
    });
    expect(result.isError, textOf(result)).toBeFalsy();
  });
});

/**
 * MCP 2.x clients, each as its package (each resolves its own `@modelcontextprotocol/client/…`
 * imports to itself, so each runs its own validator): the latest; 2.0.0-alpha.2, the first 2.x
 * release, which validates output schemas already (it loads @cfworker/json-schema, its peer, even
 * on Node); alpha.3; and beta.1, the first whose validator refuses a schema of any dialect but
 * 2020-12.
 */
const V2_CLIENTS = [
  '@modelcontextprotocol/client',
  'mcp-client-2.0.0-alpha.2',
  'mcp-client-2.0.0-alpha.3',
  'mcp-client-2.0.0-beta.1',
] as const;

describe.each(V2_CLIENTS)('the MCP 2.x client %s', (pkg) => {
  it('lists every tool and calls each one over stdio', async () => {
    const main = (await import(pkg)) as typeof import('@modelcontextprotocol/client') &
      Partial<typeof import('@modelcontextprotocol/client/stdio')>;
    const { Client } = main;
    // 2.0.0-alpha.2 exports its stdio transport from the package itself; later releases from /stdio.
    const { StdioClientTransport } =
      'StdioClientTransport' in main && main.StdioClientTransport
        ? { StdioClientTransport: main.StdioClientTransport }
        : ((await import(`${pkg}/stdio`)) as typeof import('@modelcontextprotocol/client/stdio'));
    const dir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-v2-'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [SERVER_ENTRY],
      env: sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }),
      stderr: 'ignore',
    });
    const client = new Client({ name: 'v2-test', version: '1' });
    try {
      await client.connect(transport);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(SUCCESSES).sort());
      for (const tool of tools) {
        const result = (await client.callTool({ name: tool.name, arguments: SUCCESSES[tool.name] })) as CallToolResult;
        expect(result.isError, `${tool.name}: ${JSON.stringify(result.content)}`).toBeFalsy();
        expect(result.structuredContent, tool.name).toBeDefined();
      }
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the latest MCP 2.x client over HTTP', () => {
  it('lists the remote tools and calls each one', async () => {
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const client = new Client({ name: 'v2-test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${remote.origin}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${callerKs()}` } },
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).not.toContain('save_media_file');
      expect(tools.map((t) => t.name)).not.toContain('save_media_files');
      for (const tool of tools) {
        const result = (await client.callTool({ name: tool.name, arguments: SUCCESSES[tool.name] })) as CallToolResult;
        expect(result.isError, `${tool.name}: ${JSON.stringify(result.content)}`).toBeFalsy();
      }
    } finally {
      await client.close();
    }
  });
});
