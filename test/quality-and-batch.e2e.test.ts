/**
 * Beyond the original: a rendition chosen by quality, and many entries in one round trip. The
 * built server over stdio against the sandbox. (Saving files: save-media-file.e2e.test.ts.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manyEntries } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { jsonOf, sandboxEnv, startServer, textOf, type RunningServer, ServerPool } from './helpers/server-process.js';

const BATCH = manyEntries(50, 10);

let sandbox: Sandbox;
let server: RunningServer;
const servers = new ServerPool();
const serve = (env: Record<string, string>) => servers.start(env);

beforeAll(async () => {
  sandbox = await startSandbox({ extraEntries: BATCH });
  server = await startServer(sandboxEnv(sandbox.url));
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.clearLog();
});

afterAll(async () => {
  await Promise.all([server?.close(), servers.closeAll()]);
  await sandbox?.close();
});

const download = (args: Record<string, unknown>) => server.call('get_download_url', args);
const flavorOf = async (args: Record<string, unknown>) => {
  const result = await download(args);
  return result.isError ? `error: ${textOf(result)}` : jsonOf(result).flavorId;
};

describe('get_download_url by quality', () => {
  it.each([
    [{ quality: 'original' }, '1_demof001'],
    [{ quality: 'highest' }, '1_demof001'],
    [{ quality: 'lowest' }, '1_demof002'],
    [{ max_height: 600 }, '1_demof003'],
    [{ max_height: 600, quality: 'lowest' }, '1_demof002'],
    [{ format: 'MOV', entry_id: '1_origlast' }, '1_olastsrc'],
  ])('%j chooses %s', async (criteria, flavorId) => {
    expect(await flavorOf({ entry_id: '1_demo0001', ...criteria })).toBe(flavorId);
  });

  it('considers only READY flavors', async () => {
    // 1_convert1's 720p source is still converting; its READY renditions are 360p.
    expect(await flavorOf({ entry_id: '1_convert1', quality: 'highest' })).toBe('1_convf003');
  });

  it('counts only flavors with a picture against max_height', async () => {
    const result = await download({ entry_id: '1_audio001', max_height: 720 });
    expect(result.isError).toBe(true);
  });

  it('adds width and height after the seven fields', async () => {
    const body = jsonOf(await download({ entry_id: '1_demo0001', max_height: 600 }));
    expect(Object.keys(body)).toEqual([
      'entryId',
      'entryName',
      'flavorId',
      'fileSize',
      'bitrate',
      'format',
      'downloadUrl',
      'width',
      'height',
    ]);
    expect(body).toMatchObject({ width: 960, height: 540 });
  });

  it('asks Kaltura once for the highest or lowest in the common case', async () => {
    for (const quality of ['highest', 'lowest', 'original']) {
      sandbox.clearLog();
      expect((await download({ entry_id: '1_demo0001', quality })).isError).toBeFalsy();
      expect(sandbox.log, quality).toHaveLength(1);
    }
  });

  it('refuses flavor_id together with criteria, before asking Kaltura', async () => {
    const result = await download({ entry_id: '1_demo0001', flavor_id: '1_demof002', quality: 'highest' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({
      error: 'Choose either flavor_id or quality/max_height/format, not both: flavor_id already names one flavor',
    });
    expect(sandbox.log).toHaveLength(0);
  });

  it('lists an audio flavor by its format alone, without a height', async () => {
    const body = jsonOf(await download({ entry_id: '1_audio001', format: 'webm' }));
    expect(String(body.error)).toContain('the READY flavors are 1_audiof01 (mp3, 128 kbps)');
  });

  it('lists the READY flavors when nothing matches, so the agent can choose', async () => {
    const result = await download({ entry_id: '1_demo0001', format: 'webm' });
    expect(result.isError).toBe(true);
    const body = jsonOf(result);
    expect(String(body.error)).toMatch(
      /^No READY flavor of entry 1_demo0001 matches quality highest, format webm; the READY flavors are 1_demof001 \(720p mp4, 2493 kbps\), 1_demof002 \(360p mp4, 612 kbps\), 1_demof003 \(540p mp4, 1200 kbps\)/,
    );
    expect(body.readyFlavors).toEqual([
      { flavorId: '1_demof001', height: 720, format: 'mp4', bitrate: 2493 },
      { flavorId: '1_demof002', height: 360, format: 'mp4', bitrate: 612 },
      { flavorId: '1_demof003', height: 540, format: 'mp4', bitrate: 1200 },
    ]);
  });
});

describe('get_download_urls', () => {
  type Result = { entry_id: string; ok: boolean; flavorId?: string | null; errorType?: string; error?: string };
  const batch = async (args: Record<string, unknown>, s = server) => {
    const result = await s.call('get_download_urls', args);
    expect(result.isError, textOf(result)).toBeFalsy();
    return (jsonOf(result) as { results: Result[] }).results;
  };

  it('answers every entry in the order asked; one bad entry never fails the others', async () => {
    const results = await batch({ entry_ids: ['1_origlast', '1_missing1', 'not an id', '1_noflav01', '1_demo0001'] });
    expect(results.map((r) => [r.entry_id, r.ok, r.flavorId ?? r.errorType])).toEqual([
      ['1_origlast', true, '1_olastsrc'],
      ['1_missing1', false, 'ENTRY_ID_NOT_FOUND'],
      ['not an id', false, 'INVALID_ENTRY_ID'],
      ['1_noflav01', false, 'NO_FLAVORS'],
      ['1_demo0001', true, '1_demof001'],
    ]);
    expect(results[1]!.error).toBe('Entry id "1_missing1" not found');
    expect(results[0]).toMatchObject({ entryId: '1_origlast', format: 'mov', downloadUrl: expect.any(String) });
  });

  it("answers images and documents too: an image's own file, a document's flavor", async () => {
    const results = await batch({ entry_ids: ['1_image001', '1_doc00001', '1_demo0001'] });
    expect(results.map((r) => [r.entry_id, r.ok, r.flavorId])).toEqual([
      ['1_image001', true, null],
      ['1_doc00001', true, '1_docsrc01'],
      ['1_demo0001', true, '1_demof001'],
    ]);
    expect(results[0]).toMatchObject({ format: 'jpg', fileSize: 123_457 });
  });

  it('adds each entry its captions when asked, still in two Kaltura requests', async () => {
    const results = (await batch({ entry_ids: ['1_demo0001', '4_bio00003', '1_origlast'], captions: ['es'] })) as Array<
      Result & { captions?: Array<{ languageCode: string; url: string }> }
    >;
    expect(results.map((r) => r.captions?.map((c) => c.languageCode))).toEqual([['es'], ['es'], []]);
    expect(sandbox.log).toHaveLength(2);
  });

  it('chooses by the same criteria for every entry', async () => {
    const results = await batch({ entry_ids: ['1_demo0001', '1_origlast', '1_audio001'], max_height: 400 });
    expect(results.map((r) => r.flavorId ?? r.errorType)).toEqual(['1_demof002', '1_olastf01', 'NO_MATCHING_FLAVOR']);
  });

  it('costs at most 3 Kaltura requests for 50 entries of 10 flavors each', async () => {
    const results = await batch({ entry_ids: BATCH.map((e) => e.id), max_height: 720, format: 'mp4' });
    expect(results).toHaveLength(50);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results[7]).toMatchObject({ entry_id: '3_batch007', flavorId: '3_batch007f03', height: 720 });
    expect(sandbox.log.length).toBeLessThanOrEqual(3);
    expect(sandbox.log.length).toBe(2);
  });

  it('finds the entry that made Kaltura die, and answers the others', async () => {
    const user = await serve(
      sandboxEnv(sandbox.url, { KALTURA_SESSION_TYPE: 'USER', KALTURA_SESSION_PRIVILEGES: 'list:*,sview:*' }),
    );
    const results = await batch({ entry_ids: ['1_demo0001', '1_private1', '1_origlast'] }, user);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ errorType: 'ACCESS_CONTROL_RESTRICTED' });
  });

  it.each([
    [{ entry_ids: [] }],
    [{ entry_ids: ['1_demo0001', '1_demo0001'] }],
    [{ entry_ids: Array.from({ length: 51 }, (_, i) => `1_x${i}`) }],
  ])('refuses %j', async (args) => {
    const result = await server.call('get_download_urls', args);
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({ error: 'Invalid entry_ids: give 1 to 50 entry ids, each at most once' });
    expect(sandbox.log).toHaveLength(0);
  });
});
