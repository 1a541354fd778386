/**
 * list_media_entries, get_media_entry and get_thumbnail_url end to end, and what every tool
 * must have. The built server over stdio, the SDK Client, the sandbox Kaltura.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_BY_ID, flavorBytes, LISTED_ENTRIES } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { jsonOf, sandboxEnv, startServer, textOf, type RunningServer } from './helpers/server-process.js';

let sandbox: Sandbox;
let server: RunningServer;

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startServer(sandboxEnv(sandbox.url));
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.clearLog();
});

afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

const call = (tool: string, args: Record<string, unknown>) => server.call(tool, args);
type Listed = { id: string; flavors: Array<Record<string, unknown>> } & Record<string, unknown>;

describe('every tool', () => {
  it('has a title, all four annotations, an output schema, and a USE WHEN / RETURNS / EXAMPLE description', async () => {
    const { tools } = await server.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'get_download_url',
      'get_download_urls',
      'get_media_entry',
      'get_thumbnail_url',
      'list_media_entries',
      'save_media_file',
      'save_media_files',
    ]);
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      // Every tool only reads Kaltura; the save tools also write new files here (never over one).
      expect(tool.annotations, tool.name).toEqual({
        title: tool.title,
        readOnlyHint: !tool.name.startsWith('save_media_file'),
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      });
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.description, tool.name).toMatch(/USE WHEN: .* RETURNS: .* EXAMPLES?: /);
    }
  });

  it('names no tool, in any description or in the instructions, that is not registered', async () => {
    const { tools } = await server.client.listTools();
    const registered = new Set(tools.map((t) => t.name));
    const texts = tools.flatMap((t) => [
      t.description ?? '',
      ...Object.values((t.inputSchema.properties ?? {}) as Record<string, { description?: string }>).map(
        (p) => p.description ?? '',
      ),
    ]);
    texts.push(server.client.getInstructions() ?? '');
    const named = texts.flatMap((text) => text.match(/\b(?:get|list|search|save)_[a-z_]+\b/g) ?? []);
    expect(named).toContain('list_media_entries'); // the reference that used to dangle
    const argumentNames = new Set(tools.flatMap((t) => Object.keys(t.inputSchema.properties ?? {})));
    for (const name of named.filter((n) => !argumentNames.has(n))) {
      expect(registered, `"${name}" is named but not registered`).toContain(name);
    }
  });
});

describe('list_media_entries', () => {
  it("lists entries with the original's fields and every entry's flavors, in one round trip", async () => {
    const result = await call('list_media_entries', {});
    expect(result.isError).toBeFalsy();
    const body = jsonOf(result) as { totalCount: number; entries: Listed[]; page: number; pageSize: number };
    expect(result.structuredContent).toEqual(body);
    expect(body).toMatchObject({ totalCount: LISTED_ENTRIES.length, page: 1, pageSize: 20 });
    expect(body.entries.map((e) => e.id)).toEqual(LISTED_ENTRIES.slice(0, 20).map((e) => e.id));
    for (const entry of body.entries) {
      expect(entry.flavors.map((f) => f.flavorId)).toEqual(ENTRY_BY_ID.get(entry.id)!.flavors.map((f) => f.id));
    }
    const demo = body.entries[0]!;
    expect(Object.keys(demo)).toEqual([
      'id',
      'name',
      'description',
      'mediaType',
      'createdAt',
      'duration',
      'tags',
      'thumbnailUrl',
      'downloadUrl',
      'plays',
      'views',
      'flavors',
    ]);
    expect(demo).toMatchObject({
      id: '1_demo0001',
      name: 'Demo video',
      mediaType: 1,
      createdAt: '2024-06-10T06:13:20.000Z',
    });
    expect(demo.flavors[0]).toEqual({
      flavorId: '1_demof001',
      format: 'mp4',
      bitrate: 2493,
      fileSize: flavorBytes('1_demof001'),
      width: 1280,
      height: 720,
      isOriginal: true,
      status: 'READY',
      tags: 'source,web',
    });
    const converting = body.entries.find((e) => e.id === '1_convert1')!;
    expect(converting.flavors.map((f) => f.status)).toEqual(['CONVERTING', 'QUEUED', 'READY']);
    expect(sandbox.log).toHaveLength(1);
  });

  it('searches by text and filters by media type', async () => {
    const podcast = jsonOf(await call('list_media_entries', { search_text: 'podcast' })) as { entries: Listed[] };
    expect(podcast.entries.map((e) => e.id)).toEqual(['1_audio001']);
    const images = jsonOf(await call('list_media_entries', { media_type: 'image' })) as { entries: Listed[] };
    expect(images.entries.map((e) => e.id)).toEqual(['1_image001']);
    const filters = sandbox.log.flatMap((r) => r.calls).filter((c) => c.service === 'media');
    expect(filters.map((c) => c.params.filter)).toEqual([
      { objectType: 'KalturaMediaEntryFilter', freeText: 'podcast' },
      { objectType: 'KalturaMediaEntryFilter', mediaTypeEqual: 2 },
    ]);
  });

  it("pages the original's way: page = offset / limit + 1", async () => {
    const body = jsonOf(await call('list_media_entries', { limit: 2, offset: 3 })) as { entries: Listed[] };
    expect(body).toMatchObject({ page: 2, pageSize: 2, totalCount: LISTED_ENTRIES.length });
    expect(body.entries.map((e) => e.id)).toEqual(LISTED_ENTRIES.slice(2, 4).map((e) => e.id));
  });

  it('answers an empty page past the end without asking for flavors of nothing', async () => {
    const result = await call('list_media_entries', { limit: 5, offset: 500 });
    expect(result.isError).toBeFalsy();
    expect(jsonOf(result)).toEqual({ totalCount: LISTED_ENTRIES.length, entries: [], page: 101, pageSize: 5 });
  });

  it.each([
    [{ limit: 0 }, 'Invalid limit: must be between 1 and 500'],
    [{ limit: 501 }, 'Invalid limit: must be between 1 and 500'],
    [{ offset: -1 }, 'Invalid offset: must be non-negative'],
    [{ search_text: 'x'.repeat(1001) }, 'Invalid search_text: at most 1000 characters'],
  ])('refuses %j before asking Kaltura', async (args, message) => {
    const result = await call('list_media_entries', args);
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({ error: message });
    expect(sandbox.log).toHaveLength(0);
  });

  it('refuses an unknown media_type with the input-validation error', async () => {
    const result = await call('list_media_entries', { media_type: 'movie' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Input validation error/);
  });

  it('wraps a Kaltura failure in the error shape', async () => {
    sandbox.setFault({ kind: 'internal-error', action: 'media.list' });
    const result = await call('list_media_entries', {});
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({
      error: 'Failed to list media entries: Internal server error occurred (INTERNAL_SERVERL_ERROR)',
      errorType: 'INTERNAL_SERVERL_ERROR',
      operation: 'list media entries',
    });
  });
});

describe('get_media_entry', () => {
  it("returns the original's fields, ISO times, and all flavors, in one round trip", async () => {
    const result = await call('get_media_entry', { entry_id: '1_demo0001' });
    expect(result.isError).toBeFalsy();
    const body = jsonOf(result);
    expect(result.structuredContent).toEqual(body);
    expect(body).toMatchObject({
      id: '1_demo0001',
      name: 'Demo video',
      mediaType: 1,
      createdAt: '2024-06-10T06:13:20.000Z',
      updatedAt: '2024-06-10T06:21:40.000Z',
      lastPlayedAt: null,
      categories: 'Sandbox',
      categoriesIds: '101',
      width: 1280,
      height: 720,
      status: 2,
      flavorParamsIds: '0,487041,487051',
    });
    expect((body.flavors as unknown[]).length).toBe(3);
    expect(sandbox.log).toHaveLength(1);
  });

  it('lists every flavor, past the first 30', async () => {
    const body = jsonOf(await call('get_media_entry', { entry_id: '1_many0001' }));
    expect((body.flavors as unknown[]).length).toBe(45);
  });

  it('keeps the original texts for a bad id and a missing entry, with isError', async () => {
    const bad = await call('get_media_entry', { entry_id: 'nope' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toBe('{\n  "error": "Invalid entry ID format"\n}');
    const missing = await call('get_media_entry', { entry_id: '1_missing1' });
    expect(missing.isError).toBe(true);
    expect(jsonOf(missing)).toEqual({
      error: 'Failed to get media entry: Entry id "1_missing1" not found (ENTRY_ID_NOT_FOUND)',
      errorType: 'ENTRY_ID_NOT_FOUND',
      operation: 'get media entry',
      entry_id: '1_missing1',
    });
  });
});

describe('get_thumbnail_url', () => {
  const base = (id: string) => `${sandbox.url}/p/976543/sp/97654300/thumbnail/entry_id/${id}/version/100002`;

  it('sizes the thumbnail with the defaults 120 x 90, from second 5 of a video', async () => {
    const result = await call('get_thumbnail_url', { entry_id: '1_demo0001' });
    expect(result.isError).toBeFalsy();
    expect(jsonOf(result)).toEqual({
      entryId: '1_demo0001',
      entryName: 'Demo video',
      mediaType: 1,
      thumbnailUrl: `${base('1_demo0001')}/width/120/height/90/vid_sec/5`,
      width: 120,
      height: 90,
      second: 5,
    });
    expect(result.structuredContent).toEqual(jsonOf(result));
  });

  it('takes the size and frame asked for', async () => {
    const body = jsonOf(
      await call('get_thumbnail_url', { entry_id: '1_demo0001', width: 400, height: 300, second: 30 }),
    );
    expect(body.thumbnailUrl).toBe(`${base('1_demo0001')}/width/400/height/300/vid_sec/30`);
  });

  it('takes no frame from audio: second is null', async () => {
    const body = jsonOf(await call('get_thumbnail_url', { entry_id: '1_audio001', second: 30 }));
    expect(body).toMatchObject({
      thumbnailUrl: `${base('1_audio001')}/width/120/height/90`,
      second: null,
      mediaType: 5,
    });
  });

  it.each([
    [{ width: 0 }, 'Invalid dimensions: width and height must be between 1 and 4096'],
    [{ height: 4097 }, 'Invalid dimensions: width and height must be between 1 and 4096'],
    [{ second: -1 }, 'Invalid second parameter: must be non-negative'],
  ])("refuses %j with the original's text, before asking Kaltura", async (args, message) => {
    const result = await call('get_thumbnail_url', { entry_id: '1_demo0001', ...args });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(JSON.stringify({ error: message }, null, 2));
    expect(sandbox.log).toHaveLength(0);
  });

  it('says so when the entry has no thumbnail', async () => {
    const result = await call('get_thumbnail_url', { entry_id: '1_nothumb1' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('{"error": "No thumbnail available for this entry", "entryId": "1_nothumb1"}');
  });

  it('wraps a missing entry in the error shape (the original let it escape)', async () => {
    const result = await call('get_thumbnail_url', { entry_id: '1_missing1' });
    expect(jsonOf(result)).toEqual({
      error: 'Failed to get thumbnail URL: Entry id "1_missing1" not found (ENTRY_ID_NOT_FOUND)',
      errorType: 'ENTRY_ID_NOT_FOUND',
      operation: 'get thumbnail URL',
      entry_id: '1_missing1',
    });
  });
});

describe('get_media_entry and captions', () => {
  it("lists the entry's captions, ready or not, in the same round trip", async () => {
    const body = jsonOf(await call('get_media_entry', { entry_id: '1_demo0001' }));
    expect(body.captions).toEqual([
      {
        id: '1_capen001',
        language: 'English',
        languageCode: 'en',
        label: 'English',
        format: 'srt',
        isDefault: true,
        status: 'READY',
      },
      {
        id: '1_capes001',
        language: 'Spanish',
        languageCode: 'es',
        label: 'Español',
        format: 'vtt',
        isDefault: false,
        status: 'READY',
      },
      {
        id: '1_capfr001',
        language: 'French',
        languageCode: 'fr',
        label: 'Français',
        format: 'dfxp',
        isDefault: false,
        status: 'READY',
      },
      {
        id: '1_capde001',
        language: 'German',
        languageCode: 'de',
        label: 'Deutsch',
        format: 'srt',
        isDefault: false,
        status: 'QUEUED',
      },
    ]);
    expect(jsonOf(await call('get_media_entry', { entry_id: '1_origlast' })).captions).toEqual([]);
  });
});
