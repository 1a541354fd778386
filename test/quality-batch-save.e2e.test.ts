/**
 * Beyond the original: a rendition chosen by quality, many entries in one round trip, and a file
 * saved to disk with progress. The built server over stdio against the sandbox, which serves the
 * files' bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manyEntries, sizedEntry } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { jsonOf, sandboxEnv, startServer, textOf, type RunningServer, ServerPool } from './helpers/server-process.js';

const BATCH = manyEntries(50, 10);
/** Far more than any disk here has free: the room check must refuse it before a byte is fetched. */
const HUGE_KB = 10 * 1024 ** 3;

let sandbox: Sandbox;
let server: RunningServer;
let folder: string;
const servers = new ServerPool();
const serve = (env: Record<string, string>) => servers.start(env);

beforeAll(async () => {
  sandbox = await startSandbox({ extraEntries: [...BATCH, sizedEntry('1_huge0001', HUGE_KB)] });
  folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-saves-'));
  server = await startServer(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: folder }));
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.setFileServing({ bytesPerSecond: 0, truncate: false });
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

async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 50));
  expect(condition(), what).toBe(true);
}

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
  type Result = { entry_id: string; ok: boolean; flavorId?: string; errorType?: string; error?: string };
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

describe('save_media_file', () => {
  const sha = (data: Buffer | ArrayBuffer) =>
    createHash('sha256')
      .update(Buffer.from(data as ArrayBuffer))
      .digest('hex');
  const save = (args: Record<string, unknown>, s = server) => s.call('save_media_file', args);
  const files = () => readdirSync(folder).sort();

  it('names KALTURA_DOWNLOAD_DIR when it is not set (the tool is listed all the same)', async () => {
    const unset = await serve(sandboxEnv(sandbox.url));
    expect((await unset.client.listTools()).tools.map((t) => t.name)).toContain('save_media_file');
    const result = await save({ entry_id: '1_demo0001' }, unset);
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: expect.stringMatching(/^Failed to save media file: KALTURA_DOWNLOAD_DIR is not set/),
    });
    expect(sandbox.log).toHaveLength(0);
  });

  it("saves the chosen flavor's bytes under the given name, and skips it the second time", async () => {
    const result = await save({ entry_id: '1_demo0001', max_height: 400, file_name: 'lecture 360p.mp4' });
    expect(result.isError, textOf(result)).toBeFalsy();
    const body = jsonOf(result);
    const path = join(folder, 'lecture 360p.mp4');
    expect(body).toMatchObject({ entryId: '1_demo0001', flavorId: '1_demof002', path, format: 'mp4', skipped: false });
    expect(body.bytes).toBe(4650 * 1024);
    const url = String(jsonOf(await download({ entry_id: '1_demo0001', flavor_id: '1_demof002' })).downloadUrl);
    expect(sha(readFileSync(path))).toBe(sha(await (await fetch(url)).arrayBuffer()));
    expect(files().filter((f) => f.endsWith('.part'))).toEqual([]);
    sandbox.clearLog();
    const again = jsonOf(await save({ entry_id: '1_demo0001', max_height: 400, file_name: 'lecture 360p.mp4' }));
    expect(again).toMatchObject({ skipped: true, bytes: 4650 * 1024 });
    expect(sandbox.files).toHaveLength(0);
  });

  it('gives a default name from the entry and the flavor', async () => {
    const body = jsonOf(await save({ entry_id: '1_origlast', quality: 'lowest' }));
    expect(body.path).toBe(join(folder, 'Original listed last-1_olastf01.mp4'));
  });

  it('never overwrites a different file: it says so and leaves the file alone', async () => {
    writeFileSync(join(folder, 'taken.mp4'), 'not the video');
    const result = await save({ entry_id: '1_demo0001', file_name: 'taken.mp4' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({ errorType: 'FILE_EXISTS' });
    expect(readFileSync(join(folder, 'taken.mp4'), 'utf8')).toBe('not the video');
  });

  it.each([['../escape.mp4'], ['sub/escape.mp4'], ['..'], ['nul\u0000.mp4']])(
    'refuses the file name %j and writes nothing',
    async (file_name) => {
      const before = files();
      const result = await save({ entry_id: '1_demo0001', file_name });
      expect(result.isError).toBe(true);
      expect(String(jsonOf(result).error)).toMatch(/^Invalid file name/);
      expect(files()).toEqual(before);
      expect(existsSync(join(folder, '..', 'escape.mp4'))).toBe(false);
      expect(sandbox.log).toHaveLength(0);
    },
  );

  it('leaves alone a file of its own that happens to be named like a temporary one', async () => {
    writeFileSync(join(folder, 'notes.mp4.part'), 'my precious notes');
    const result = await save({ entry_id: '1_demo0001', max_height: 400, file_name: 'notes.mp4' });
    expect(result.isError).toBeFalsy();
    expect(readFileSync(join(folder, 'notes.mp4.part'), 'utf8')).toBe('my precious notes');
  });

  it.each([['a:b.mp4'], ['what?.mp4'], ['CON.mp4'], ['trailing.']])(
    'refuses the name %j, which Windows could not hold, and writes nothing',
    async (file_name) => {
      const before = files();
      const result = await save({ entry_id: '1_demo0001', file_name });
      expect(result.isError).toBe(true);
      expect(jsonOf(result)).toMatchObject({ errorType: 'UNSAFE_FILE_NAME' });
      expect(files()).toEqual(before);
    },
  );

  it('refuses a relative KALTURA_DOWNLOAD_DIR, which would depend on where the host starts it', async () => {
    const relative = await serve(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: 'downloads' }));
    expect(jsonOf(await save({ entry_id: '1_demo0001' }, relative))).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: expect.stringContaining('KALTURA_DOWNLOAD_DIR must be an absolute path'),
    });
  });

  it('stops a save when the server shuts down, keeping nothing', async () => {
    sandbox.setFileServing({ bytesPerSecond: 256 * 1024 });
    const dir = join(folder, 'shutdown');
    mkdirSync(dir);
    const closing = await serve(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const pending = closing.client
      .callTool({ name: 'save_media_file', arguments: { entry_id: '1_noorig01' } })
      .catch(() => 'gone');
    await eventually(() => readdirSync(dir).some((f) => f.endsWith('.part')), 'the download began');
    closing.transport.child!.stdin.end();
    expect(await closing.transport.exited).toBe(0);
    await pending;
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to write through a symlink that points out of the folder', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'kaltura-mcp-outside-'));
    symlinkSync(join(outside, 'target.mp4'), join(folder, 'link.mp4'));
    const result = await save({ entry_id: '1_demo0001', file_name: 'link.mp4' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({ errorType: 'UNSAFE_FILE_NAME' });
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses when the folder lacks room for the known size, before fetching a byte', async () => {
    sandbox.setFileServing({ bytesPerSecond: 1024 });
    const result = await save({ entry_id: '1_huge0001' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({ errorType: 'INSUFFICIENT_SPACE' });
    expect(sandbox.files).toHaveLength(0);
  });

  it('keeps nothing when the body ends short of its Content-Length', async () => {
    sandbox.setFileServing({ truncate: true });
    const before = files();
    const result = await save({ entry_id: '1_noorig01', file_name: 'short.mp4' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({ errorType: 'INCOMPLETE_DOWNLOAD' });
    expect(files()).toEqual(before);
  });

  it('sends progress (bytes done, total) at most every 250 ms when the call carries a progressToken', async () => {
    sandbox.setFileServing({ bytesPerSecond: 4 * 1024 * 1024 });
    const seen: Array<{ progress: number; total?: number; at: number }> = [];
    const result = await server.client.callTool(
      { name: 'save_media_file', arguments: { entry_id: '1_noorig01', file_name: 'progress.mp4' } },
      undefined,
      { onprogress: (p) => seen.push({ progress: p.progress, total: p.total, at: performance.now() }) },
    );
    expect(result.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i += 1) {
      expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
      expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(200);
    }
    expect(seen.every((p) => p.total === 4650 * 1024)).toBe(true);
  });

  it('on cancellation, aborts the download and removes the partial file', async () => {
    sandbox.setFileServing({ bytesPerSecond: 256 * 1024 });
    const controller = new AbortController();
    const call = server.client
      .callTool(
        { name: 'save_media_file', arguments: { entry_id: '1_noorig01', file_name: 'cancelled.mp4' } },
        undefined,
        {
          signal: controller.signal,
        },
      )
      .catch(() => 'cancelled');
    const temporary = () => files().filter((f) => f.startsWith('.cancelled.mp4.') && f.endsWith('.part'));
    await eventually(() => temporary().length === 1, 'the download began');
    controller.abort();
    expect(await call).toBe('cancelled');
    await eventually(() => temporary().length === 0 && !files().includes('cancelled.mp4'), 'nothing is left behind');
    await eventually(() => sandbox.files.at(-1)!.clientGone, 'the download was aborted');
  });

  it('runs at most 4 saves at once', async () => {
    sandbox.setFileServing({ bytesPerSecond: 64 * 1024 });
    const dir = join(folder, 'four');
    mkdirSync(dir);
    const four = await serve(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const controllers = Array.from({ length: 6 }, () => new AbortController());
    const calls = controllers.map((c, i) =>
      four.client
        .callTool(
          { name: 'save_media_file', arguments: { entry_id: '1_noorig01', file_name: `f${i}.mp4` } },
          undefined,
          {
            signal: c.signal,
          },
        )
        .catch(() => undefined),
    );
    await eventually(() => sandbox.files.length === 4, 'four downloads began');
    await new Promise((r) => setTimeout(r, 300));
    expect(sandbox.files).toHaveLength(4);
    for (const c of controllers) c.abort();
    await Promise.all(calls);
  });
});
