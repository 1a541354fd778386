/**
 * get_download_url end to end: the built server over stdio, driven by the SDK Client, talking
 * real HTTP through kaltura-client to the sandbox Kaltura. Reads as the tool's specification.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_BY_ID, flavorBytes, LONG_UNICODE_TITLE, SANDBOX_ADMIN_SECRET } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { jsonOf, sandboxEnv, startServer, textOf, type RunningServer } from './helpers/server-process.js';

const TOOL = 'get_download_url';
const ORIGINAL_DESCRIPTION =
  "Get direct DOWNLOAD link for video files. USE WHEN: User needs to download/save video locally, export for editing, backup content, share downloadable link. RETURNS: Time-limited secure URL for downloading. EXAMPLE: 'Download video 1_abc123', 'Get mp4 file for editing'. Different from streaming - this is for saving files.";

let sandbox: Sandbox;
let server: RunningServer;

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startServer(sandboxEnv(sandbox.url));
});

afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.clearLog();
});

const download = (args: Record<string, unknown>) => server.call(TOOL, args);

describe('tool listing', () => {
  it("is registered with the original's name, description and arguments", async () => {
    const { tools } = await server.client.listTools();
    const tool = tools.find((t) => t.name === TOOL);
    expect(tool).toBeDefined();
    expect(tool!.description!.startsWith(ORIGINAL_DESCRIPTION)).toBe(true);
    expect(tool!.inputSchema.required).toEqual(['entry_id']);
    expect(tool!.inputSchema.properties).toMatchObject({
      entry_id: { type: 'string', description: "Video to download (format: '1_abc123')" },
      flavor_id: {
        type: 'string',
        description:
          'Optional: Choose specific quality/format. Leave empty for default. Use list_media_entries to see available flavors.',
      },
    });
    expect(tool!.title).toBe('Get download URL');
    expect(tool!.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true, destructiveHint: false });
    expect(Object.keys(tool!.outputSchema?.properties ?? {})).toEqual([
      'entryId',
      'entryName',
      'flavorId',
      'fileSize',
      'bitrate',
      'format',
      'downloadUrl',
      'width',
      'height',
      'captions',
      'missing',
    ]);
  });
});

describe('choosing the flavor', () => {
  it("returns the original when it is listed first, with the original's seven fields (then width and height) in text and structuredContent", async () => {
    const result = await download({ entry_id: '1_demo0001' });
    expect(result.isError).toBeFalsy();
    const body = jsonOf(result);
    expect(body).toEqual({
      entryId: '1_demo0001',
      entryName: 'Demo video',
      flavorId: '1_demof001',
      fileSize: flavorBytes('1_demof001'),
      bitrate: 2493,
      format: 'mp4',
      downloadUrl: expect.stringMatching(
        new RegExp(`^${sandbox.url}/p/976543/sp/97654300/serveFlavor/entryId/1_demo0001/v/1/flavorId/1_demof001/`),
      ),
      width: 1280,
      height: 720,
    });
    expect(result.structuredContent).toEqual(body);
    // Pretty-printed like the original's json.dumps(indent=2).
    expect(textOf(result)).toBe(JSON.stringify(body, null, 2));
  });

  it('finds the original wherever it is listed', async () => {
    const body = jsonOf(await download({ entry_id: '1_origlast' }));
    expect(body).toMatchObject({
      flavorId: '1_olastsrc',
      format: 'mov',
      bitrate: 8000,
      fileSize: flavorBytes('1_olastsrc'),
    });
  });

  it('takes the first flavor listed when the entry kept no original', async () => {
    expect(jsonOf(await download({ entry_id: '1_noorig01' })).flavorId).toBe('1_noorigf1');
  });

  it('returns the requested flavor', async () => {
    const body = jsonOf(await download({ entry_id: '1_demo0001', flavor_id: '1_demof003' }));
    expect(body).toMatchObject({ flavorId: '1_demof003', bitrate: 1200, fileSize: flavorBytes('1_demof003') });
    expect(body.downloadUrl).toContain('/flavorId/1_demof003/');
  });

  it('treats an empty flavor_id as not given', async () => {
    expect(jsonOf(await download({ entry_id: '1_demo0001', flavor_id: '' })).flavorId).toBe('1_demof001');
  });

  it("considers every flavor, not only Kaltura's default page of 30", async () => {
    expect(ENTRY_BY_ID.get('1_many0001')!.flavors).toHaveLength(45);
    expect(jsonOf(await download({ entry_id: '1_many0001' })).flavorId).toBe('1_manyf040');
    expect(jsonOf(await download({ entry_id: '1_many0001', flavor_id: '1_manyf044' })).flavorId).toBe('1_manyf044');
  });

  it('skips an original that is not READY and takes the first READY flavor', async () => {
    const result = await download({ entry_id: '1_convert1' });
    expect(result.isError).toBeFalsy();
    expect(jsonOf(result).flavorId).toBe('1_convf003');
  });

  it('reports fileSize null when Kaltura does not know the size, and format null without an extension', async () => {
    expect(jsonOf(await download({ entry_id: '1_nosize01' }))).toMatchObject({
      flavorId: '1_nosizef1',
      fileSize: null,
    });
    expect(jsonOf(await download({ entry_id: '1_nosize01', flavor_id: '1_nosizef2' }))).toMatchObject({
      fileSize: null,
      format: null,
    });
  });

  it('returns a long unicode title intact', async () => {
    expect(jsonOf(await download({ entry_id: '1_unicode1' })).entryName).toBe(LONG_UNICODE_TITLE);
  });
});

describe('named downloads (file_name)', () => {
  it("passes file_name to getUrl as options.fileName, cleaned by Kaltura's own rule (Kaltura puts it into the URL as given)", async () => {
    const body = jsonOf(await download({ entry_id: '1_demo0001', file_name: 'Quarterly review.mp4' }));
    expect(body.downloadUrl).toContain('/fileName/Quarterly_review.mp4/');
    const getUrls = sandbox.log.flatMap((r) => r.calls).filter((c) => c.action === 'geturl');
    expect(getUrls.length).toBeGreaterThan(0);
    for (const call of getUrls) {
      expect(call.params.options).toEqual({
        objectType: 'KalturaFlavorAssetUrlOptions',
        fileName: 'Quarterly_review.mp4',
      });
    }
  });

  it("without file_name, asks getUrl exactly as the original did (no options) and gets Kaltura's name", async () => {
    const body = jsonOf(await download({ entry_id: '1_demo0001' }));
    expect(body.downloadUrl).toContain('/fileName/Demo_video_(Source).mp4/');
    for (const call of sandbox.log.flatMap((r) => r.calls).filter((c) => c.action === 'geturl')) {
      expect(call.params).not.toHaveProperty('options');
      expect(call.params).toMatchObject({ forceProxy: false });
    }
  });

  it.each([
    ['a/b.mp4'],
    ['..'],
    ['x'.repeat(201)],
    ['bad\u0000name'],
    ['back\\slash'],
    ['.hidden.mp4'],
    ['rtl\u202Eexe.mp4'],
  ])('refuses the file name %j before asking Kaltura', async (file_name) => {
    const result = await download({ entry_id: '1_demo0001', file_name });
    expect(result.isError).toBe(true);
    expect(String(jsonOf(result).error)).toMatch(/^Invalid file name: use a visible name of 1 to 200 characters/);
    expect(sandbox.log).toHaveLength(0);
  });
});

describe('round trips', () => {
  it.each([
    ['the original listed first', { entry_id: '1_demo0001' }],
    ['the original listed last', { entry_id: '1_origlast' }],
    ['no original', { entry_id: '1_noorig01' }],
    ['a requested flavor', { entry_id: '1_demo0001', flavor_id: '1_demof002' }],
  ])('asks Kaltura once, and never for a session, for %s', async (_, args) => {
    expect((await download(args)).isError).toBeFalsy();
    expect(sandbox.log).toHaveLength(1);
    expect(sandbox.log[0]!.multirequest).toBe(true);
    expect(sandbox.actions()).not.toContain('session.start');
  });
});

describe('connections', () => {
  it('reuses its connection to Kaltura across calls (no TCP handshake per call)', async () => {
    const before = sandbox.connections();
    for (let i = 0; i < 5; i += 1) expect((await download({ entry_id: '1_demo0001' })).isError).toBeFalsy();
    expect(sandbox.log).toHaveLength(5);
    expect(sandbox.connections() - before).toBeLessThanOrEqual(1);
  });
});

describe('errors: isError with the original texts', () => {
  it('refuses a malformed entry id before asking Kaltura', async () => {
    for (const entry_id of ['abc', '1-abc', '_abc', '1_', '1_abc def', `1_${'a'.repeat(60)}`, '1_abc;drop']) {
      const result = await download({ entry_id });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe('{\n  "error": "Invalid entry ID format"\n}');
    }
    expect(sandbox.log).toHaveLength(0);
  });

  it('refuses a malformed flavor id before asking Kaltura', async () => {
    const result = await download({ entry_id: '1_demo0001', flavor_id: '../../etc' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({ error: 'Invalid flavor ID format' });
    expect(sandbox.log).toHaveLength(0);
  });

  it('wraps a missing entry in the original error shape, errorType the Kaltura code', async () => {
    const result = await download({ entry_id: '1_missing1' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      JSON.stringify(
        {
          error: 'Failed to get download URL: Entry id "1_missing1" not found (ENTRY_ID_NOT_FOUND)',
          errorType: 'ENTRY_ID_NOT_FOUND',
          operation: 'get download URL',
          entry_id: '1_missing1',
        },
        null,
        2,
      ),
    );
  });

  it('says when the requested flavor is not one of the entry’s', async () => {
    const result = await download({ entry_id: '1_demo0001', flavor_id: '1_olastsrc' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('{"error": "Flavor ID 1_olastsrc not found for entry 1_demo0001"}');
  });

  it('keeps the original text for an entry without flavors', async () => {
    const result = await download({ entry_id: '1_noflav01' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('{"error": "No flavor assets found for this entry"}');
  });

  it('names the status of a requested flavor that is not READY (rather than Kaltura\'s bare "not ready")', async () => {
    const result = await download({ entry_id: '1_convert1', flavor_id: '1_convsrc1' });
    expect(result.isError).toBe(true);
    const body = jsonOf(result);
    expect(body).toMatchObject({ flavorId: '1_convsrc1', status: 'CONVERTING' });
    expect(String(body.error)).toMatch(/not ready for download \(status CONVERTING\).*omit flavor_id/);
  });

  it('says so when no flavor is ready yet', async () => {
    const result = await download({ entry_id: '1_allconv1' });
    expect(result.isError).toBe(true);
    expect(String(jsonOf(result).error)).toMatch(
      /^No flavor of entry 1_allconv1 is ready for download yet \(1_allcsrc1: CONVERTING, 1_allcf002: ERROR\)/,
    );
  });

  it('keeps the JSON error shape when getUrl fails (the original leaked a stray text)', async () => {
    sandbox.setFault({ kind: 'internal-error', action: 'flavorasset.geturl' });
    const result = await download({ entry_id: '1_demo0001' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({
      error: 'Failed to get download URL: Internal server error occurred (INTERNAL_SERVERL_ERROR)',
      errorType: 'INTERNAL_SERVERL_ERROR',
      operation: 'get download URL',
      entry_id: '1_demo0001',
    });
  });

  it('keeps the JSON error shape when flavorAsset.list fails', async () => {
    sandbox.setFault({ kind: 'internal-error', action: 'flavorasset.list' });
    const result = await download({ entry_id: '1_demo0001' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({ errorType: 'INTERNAL_SERVERL_ERROR', entry_id: '1_demo0001' });
  });

  it('says what happened when Kaltura answers HTTP 500, and serves the next call', async () => {
    sandbox.setFault({ kind: 'http500', times: 1 });
    const result = await download({ entry_id: '1_demo0001' });
    expect(result.isError).toBe(true);
    const body = jsonOf(result);
    expect(body).toMatchObject({ errorType: 'HTTP_ERROR', operation: 'get download URL', entry_id: '1_demo0001' });
    expect(String(body.error)).toMatch(/^Failed to get download URL: Kaltura at 127\.0\.0\.1:\d+ answered HTTP 500/);
    expect((await download({ entry_id: '1_demo0001' })).isError).toBeFalsy();
  });

  it('answers wrong argument types with an isError result and keeps serving', async () => {
    const result = await download({ entry_id: 12345 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/entry_id/);
    expect((await download({ entry_id: '1_demo0001' })).isError).toBeFalsy();
  });
});

describe('the channel and the secrets', () => {
  it('writes nothing but JSON-RPC on stdout, and no secret, KS or download URL anywhere but in results', async () => {
    const result = await download({ entry_id: '1_demo0001' });
    const url = String(jsonOf(result).downloadUrl);
    const ks = /\/ks\/([^/]+)\//.exec(url)?.[1];
    expect(ks).toMatch(/^djJ8/);
    expect(server.transport.strayStdout).toEqual([]);
    for (const line of server.transport.stdoutText().split('\n').filter(Boolean)) {
      expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    }
    const everything = server.transport.allOutput();
    expect(everything).not.toContain(SANDBOX_ADMIN_SECRET);
    expect(server.transport.stderrText()).not.toContain(ks!);
    expect(server.transport.stderrText()).not.toContain('serveFlavor');
    // The session key the server used never appears in its output either.
    const sessionKeys = sandbox.log.flatMap((r) => r.calls.map((c) => String(c.params.ks ?? ''))).filter(Boolean);
    expect(sessionKeys.length).toBeGreaterThan(0);
    for (const key of new Set(sessionKeys)) expect(everything).not.toContain(key);
  });
});

describe('images and documents', () => {
  it('answers an image, which has no flavors, with its own file: the raw URL, the format and length its server gives', async () => {
    const result = await download({ entry_id: '1_image001' });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(jsonOf(result)).toEqual({
      entryId: '1_image001',
      entryName: 'Poster image',
      flavorId: null,
      fileSize: 123_457,
      bitrate: null,
      format: 'jpg',
      downloadUrl: expect.stringMatching(/\/p\/976543\/sp\/97654300\/raw\/entry_id\/1_image001\/version\/100000$/),
      width: 1920,
      height: 1080,
    });
    // One Kaltura request, and one HEAD of the file for its format and length.
    expect(sandbox.log).toHaveLength(1);
    expect(sandbox.files.map((f) => f.method)).toEqual(['HEAD']);
  });

  it('answers a document, which media.get calls "not found", with its flavor through baseEntry.get', async () => {
    const result = await download({ entry_id: '1_doc00001' });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(jsonOf(result)).toMatchObject({
      entryId: '1_doc00001',
      entryName: 'Course syllabus',
      flavorId: '1_docsrc01',
      fileSize: flavorBytes('1_docsrc01'),
      format: 'pdf',
      downloadUrl: expect.stringMatching(/\/download\/entry_id\/1_doc00001\/flavor\/1_docsrc01$/),
    });
    expect(sandbox.actions()[0]).toBe('baseentry.get');
    expect(sandbox.log).toHaveLength(1);
  });

  it("says an image's one file does not match another format", async () => {
    const result = await download({ entry_id: '1_image001', format: 'png' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({
      error: 'Entry 1_image001 has one file, a jpg, which does not match format png: ask without format',
    });
  });

  it('answers a flavor_id asked of an image as the original answers an unknown flavor', async () => {
    const result = await download({ entry_id: '1_image001', flavor_id: '1_nothere1' });
    expect(jsonOf(result)).toEqual({ error: 'Flavor ID 1_nothere1 not found for entry 1_image001' });
  });
});

describe('captions', () => {
  it('adds the READY captions asked for, each with its URL, in two Kaltura requests', async () => {
    const result = await download({ entry_id: '1_demo0001', captions: ['en', 'fr', 'de'] });
    expect(result.isError, textOf(result)).toBeFalsy();
    const body = jsonOf(result);
    expect(body.flavorId).toBe('1_demof001');
    // German is not ready yet: it has no file to give.
    expect(body.captions).toEqual([
      expect.objectContaining({
        languageCode: 'en',
        label: 'English',
        format: 'srt',
        url: expect.stringMatching(/\/captionAssetId\/1_capen001$/),
      }),
      expect.objectContaining({
        languageCode: 'fr',
        label: 'Français',
        format: 'dfxp',
        url: expect.stringMatching(/\/captionAssetId\/1_capfr001$/),
      }),
    ]);
    expect(sandbox.log).toHaveLength(2);
    // Each caption asked for that has no URL here says why.
    expect(body.missing).toEqual([{ kind: 'caption', languageCode: 'de', reason: 'not ready yet' }]);
  });

  it('takes a language with a region (en-US) for the language, a bare language for its regions, and names what has none', async () => {
    const body = jsonOf(await download({ entry_id: '1_demo0001', captions: ['en-US', 'es_ES', 'xx'] }));
    expect((body.captions as Array<{ languageCode: string }>).map((c) => c.languageCode)).toEqual(['en', 'es']);
    expect(body.missing).toEqual([
      { kind: 'caption', languageCode: 'xx', reason: 'the entry has no caption in this language' },
    ]);
  });

  it("takes ['all'], and answers [] for an entry without captions", async () => {
    const all = jsonOf(await download({ entry_id: '1_demo0001', captions: ['all'] }));
    expect((all.captions as Array<{ languageCode: string }>).map((c) => c.languageCode)).toEqual(['en', 'es', 'fr']);
    // In any case, as hosts write it.
    expect(jsonOf(await download({ entry_id: '1_demo0001', captions: ['All'] })).captions).toEqual(all.captions);
    expect(jsonOf(await download({ entry_id: '1_origlast', captions: ['all'] })).captions).toEqual([]);
  });

  it.each([[['all', 'en']], [['en', 'EN']], [['en-US', 'en_us']], [['english!']]])(
    'refuses captions %j, saying what it takes',
    async (captions) => {
      const result = await download({ entry_id: '1_demo0001', captions });
      expect(result.isError).toBe(true);
      expect(String(jsonOf(result).error)).toMatch(/^Invalid captions: give language codes such as \['en', 'es'\]/);
      expect(sandbox.log).toHaveLength(0);
    },
  );
});
