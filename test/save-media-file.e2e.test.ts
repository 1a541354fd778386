/**
 * save_media_file as a download manager: the built server over stdio, saving from the sandbox
 * Kaltura, whose file serving behaves as Kaltura's origin (or a CDN) does: real lengths, ranges,
 * a constant Last-modified, 103s, cut connections, malformed answers, raw files of images and
 * documents. Through a forward proxy too.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STALE_LOCK_MS } from '../src/downloads/partial.js';
import { flavorSeed, patternBytes } from './sandbox/files.js';
import { flavorBytes, sizedEntry } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { fullDisk } from './helpers/full-disk.js';
import { startProxy, type TestProxy } from './helpers/proxy.js';
import { jsonOf, sandboxEnv, ServerPool, startServer, textOf, type RunningServer } from './helpers/server-process.js';
import { eventually } from './helpers/wait.js';

/** Far more than any disk here has free: the room check must refuse it before a byte is fetched. */
const HUGE_KB = 10 * 1024 ** 3;
/** A file big enough to cut and resume: 8 MiB and 700 bytes. */
const BIG = sizedEntry('1_big00001', 8 * 1024);
const BIG_FLAVOR = '1_big00001s';
const BIG_BYTES = 8 * 1024 * 1024 + 700;

let sandbox: Sandbox;
let proxy: TestProxy;
let server: RunningServer;
let folder: string;
const servers = new ServerPool();
const temporaries: string[] = [];

/** A fresh folder of this test file's own (removed at the end). */
function newFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-saves-'));
  temporaries.push(dir);
  return dir;
}

beforeAll(async () => {
  sandbox = await startSandbox({ extraEntries: [sizedEntry('1_huge0001', HUGE_KB), BIG] });
  proxy = await startProxy();
  folder = newFolder();
  server = await startServer(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: folder }));
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.setFileServing({ bytesPerSecond: 0, cutAt: undefined, mode: 'origin', earlyHints: false });
  sandbox.clearLog();
});

afterAll(async () => {
  await Promise.all([server?.close(), servers.closeAll()]);
  await Promise.all([sandbox?.close(), proxy?.close()]);
  for (const dir of temporaries) {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

const save = (args: Record<string, unknown>, s = server) => s.call('save_media_file', args);
const saved = async (args: Record<string, unknown>, s = server) => {
  const result = await save(args, s);
  expect(result.isError, textOf(result)).toBeFalsy();
  return jsonOf(result) as {
    path: string;
    bytes: number;
    skipped: boolean;
    resumedFrom: number;
    flavorId: string | null;
    format: string | null;
  };
};
const refusal = async (args: Record<string, unknown>, s = server) => {
  const result = await save(args, s);
  expect(result.isError, textOf(result)).toBe(true);
  return jsonOf(result) as { error: string; errorType?: string };
};
const listing = (dir = folder) => readdirSync(dir).sort();
const partsIn = (dir = folder) => listing(dir).filter((f) => f.startsWith('.'));
/** The bytes the sandbox serves for a flavor at its first version. */
const original = (flavorId: string, length = flavorBytes(flavorId)) => patternBytes(flavorSeed(flavorId, 1), length);
const fileGets = () => sandbox.files.filter((f) => f.method === 'GET');

describe('saving', () => {
  it("saves the chosen flavor's bytes, of their real length, and skips the same file the second time after comparing its last 64 KiB", async () => {
    const first = await saved({ entry_id: '1_demo0001', max_height: 400, file_name: 'lecture 360p.mp4' });
    expect(first).toMatchObject({ path: join(folder, 'lecture 360p.mp4'), skipped: false, resumedFrom: 0 });
    // Kaltura's size (4650 KB) × 1024 is 700 bytes short of the real file.
    expect(first.bytes).toBe(flavorBytes('1_demof002'));
    expect(first.bytes % 1024).not.toBe(0);
    expect(readFileSync(first.path).equals(original('1_demof002'))).toBe(true);
    sandbox.clearLog();
    const again = await saved({ entry_id: '1_demo0001', max_height: 400, file_name: 'lecture 360p.mp4' });
    expect(again).toMatchObject({ skipped: true, bytes: flavorBytes('1_demof002') });
    // One ranged GET of the file's end, compared with the bytes on disk: nothing else fetched.
    const bytes = flavorBytes('1_demof002');
    expect(sandbox.files).toEqual([
      expect.objectContaining({ method: 'GET', range: `bytes=${bytes - 65536}-`, status: 206, bytesSent: 65536 }),
    ]);
    expect(partsIn()).toEqual([]);
  });

  it('recognises the same file of an older flavor, whose exact length Kaltura never recorded, by its bytes', async () => {
    const first = await saved({ entry_id: '1_legacy01', file_name: 'older.mp4' });
    expect(first.bytes).toBe(9_216_700);
    sandbox.clearLog();
    expect(await saved({ entry_id: '1_legacy01', file_name: 'older.mp4' })).toMatchObject({ skipped: true });
    expect(sandbox.files.map((f) => [f.method, f.status])).toEqual([['GET', 206]]);
  });

  it("refuses another entry's file of the same length at the name, and a file whose length nobody knows is compared whole", async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    // Two entries whose files have the same length (a re-upload, a replaced flavor look alike).
    const a = await saved({ entry_id: '1_demo0001', file_name: 'video.mp4' }, s);
    expect(flavorBytes('1_privsrc1')).toBe(a.bytes);
    const body = await refusal({ entry_id: '1_private1', file_name: 'video.mp4' }, s);
    expect(body).toMatchObject({
      errorType: 'FILE_EXISTS',
      error: expect.stringContaining(
        `"video.mp4" already exists in KALTURA_DOWNLOAD_DIR with the same length (${a.bytes} bytes) but other bytes than the file to save`,
      ),
    });
    expect(readFileSync(a.path).equals(original('1_demof001'))).toBe(true);
    // No length anywhere (no sizeInBytes, a server that sends none): the second save compares it whole and skips.
    const unknown = await saved({ entry_id: '1_nosize01', flavor_id: '1_nosizef2', file_name: 'nosize.mp4' }, s);
    expect(await saved({ entry_id: '1_nosize01', flavor_id: '1_nosizef2', file_name: 'nosize.mp4' }, s)).toMatchObject({
      skipped: true,
      bytes: unknown.bytes,
    });
  });

  it("gives by default the name save_media_files gives: '<entry name> [<entry id>].<ext>'", async () => {
    expect((await saved({ entry_id: '1_origlast', quality: 'lowest' })).path).toBe(
      join(folder, 'Original listed last [1_origlast].mp4'),
    );
  });

  it('never overwrites a different file: it says so and leaves the file alone', async () => {
    writeFileSync(join(folder, 'taken.mp4'), 'not the video');
    expect(await refusal({ entry_id: '1_demo0001', file_name: 'taken.mp4' })).toMatchObject({
      errorType: 'FILE_EXISTS',
    });
    expect(readFileSync(join(folder, 'taken.mp4'), 'utf8')).toBe('not the video');
  });

  it('refuses to write through a symlink that points out of the folder', async () => {
    const outside = newFolder();
    symlinkSync(join(outside, 'target.mp4'), join(folder, 'link.mp4'));
    expect(await refusal({ entry_id: '1_demo0001', file_name: 'link.mp4' })).toMatchObject({
      errorType: 'UNSAFE_FILE_NAME',
    });
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses when the folder lacks room for the known size, before fetching a byte', async () => {
    expect(await refusal({ entry_id: '1_huge0001' })).toMatchObject({ errorType: 'INSUFFICIENT_SPACE' });
    expect(sandbox.files).toHaveLength(0);
  });

  it('sends progress (bytes done, total) at most every 250 ms when the call carries a progressToken', async () => {
    sandbox.setFileServing({ bytesPerSecond: 4 * 1024 * 1024 });
    const seen: Array<{ progress: number; total?: number }> = [];
    const started = performance.now();
    const result = await server.client.callTool(
      { name: 'save_media_file', arguments: { entry_id: '1_noorig01', file_name: 'progress.mp4' } },
      undefined,
      { onprogress: (p) => seen.push({ progress: p.progress, total: p.total }) },
    );
    const elapsed = performance.now() - started;
    expect(result.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
    // One every 250 ms of the call at most, and the first: counted, since the gaps the client sees
    // are not the server's (two notes delayed on a loaded machine arrive together). A slower run
    // only allows more; a note per chunk read would be several times this.
    expect(seen.length).toBeLessThanOrEqual(Math.floor(elapsed / 250) + 2);
    expect(seen.every((p) => p.total === flavorBytes('1_noorigf1'))).toBe(true);
  });

  it('ends the progress with progress == total, sent before the answer, even when the file came in one burst', async () => {
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: newFolder() }));
    const seen: Array<{ progress: number; total?: number }> = [];
    const result = await s.client.callTool(
      { name: 'save_media_file', arguments: { entry_id: '1_noorig01', file_name: 'burst.mp4' } },
      undefined,
      { onprogress: (p) => seen.push({ progress: p.progress, total: p.total }) },
    );
    expect(result.isError).toBeFalsy();
    const bytes = flavorBytes('1_noorigf1');
    // On the wire: the last notification says the whole file, and it comes before the answer.
    const lines = s.transport
      .stdoutText()
      .split('\n')
      .filter(Boolean)
      .map(
        (line) =>
          JSON.parse(line) as { method?: string; params?: { progress: number; total?: number }; result?: unknown },
      );
    const notes = lines.flatMap((line, at) =>
      line.method === 'notifications/progress' ? [{ at, ...line.params! }] : [],
    );
    const answerAt = lines.findIndex(
      (line) => line.result !== undefined && JSON.stringify(line.result).includes('burst.mp4'),
    );
    expect(notes.at(-1)).toMatchObject({ progress: bytes, total: bytes });
    expect(notes.at(-1)!.at).toBeLessThan(answerAt);
    for (let i = 1; i < notes.length; i += 1) expect(notes[i]!.progress).toBeGreaterThan(notes[i - 1]!.progress);
  });

  it('runs at most 4 saves at once', async () => {
    sandbox.setFileServing({ bytesPerSecond: 64 * 1024 });
    const dir = newFolder();
    const four = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
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

describe('a name already taken', () => {
  it('says which folder, that it is another rendition of the entry, and what save_media_file can do about it', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    await saved({ entry_id: '1_demo0001', quality: 'lowest' }, s);
    const body = await refusal({ entry_id: '1_demo0001', quality: 'highest' }, s);
    expect(body.errorType).toBe('FILE_EXISTS');
    expect(body.error).toContain(
      `"Demo video [1_demo0001].mp4" already exists in KALTURA_DOWNLOAD_DIR with another length (${flavorBytes('1_demof002')} bytes; the file to save has ${flavorBytes('1_demof001')})`,
    );
    expect(body.error).toContain('another rendition of entry 1_demo0001');
    expect(body.error).toContain('to keep both, give this one another file_name; to replace it, remove it');
    expect(body.error).not.toMatch(/subfolder|\/|\\/);
  });

  it('answers a comparison cut off by the network with a failure to retry, never a verdict', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const first = await saved({ entry_id: '1_noorig01', file_name: 'tail.mp4' }, s);
    // The same length, its last byte changed: only the comparison can tell.
    const bytes = readFileSync(first.path);
    bytes[bytes.length - 1] = bytes.at(-1)! ^ 0xff;
    writeFileSync(first.path, bytes);
    // Cut inside the last 64 KiB, the range the comparison asks for.
    sandbox.setFileServing({ cutAt: 0.995 });
    expect(await refusal({ entry_id: '1_noorig01', file_name: 'tail.mp4' }, s)).toMatchObject({
      errorType: 'DOWNLOAD_FAILED',
      error: expect.stringContaining("comparing it with the file's server was cut off before it could tell"),
    });
    sandbox.setFileServing({ cutAt: undefined });
    expect(await refusal({ entry_id: '1_noorig01', file_name: 'tail.mp4' }, s)).toMatchObject({
      errorType: 'FILE_EXISTS',
      error: expect.stringContaining('with the same length'),
    });
    expect(readFileSync(first.path).equals(bytes)).toBe(true);
  });

  it('says so in plain words when a file of unknown length turns out to be another one', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    writeFileSync(join(dir, 'unknown.mp4'), Buffer.alloc(100_000));
    const body = await refusal({ entry_id: '1_nosize01', file_name: 'unknown.mp4' }, s);
    expect(body).toMatchObject({ errorType: 'FILE_EXISTS' });
    expect(body.error).toMatch(
      /: "unknown\.mp4" already exists in KALTURA_DOWNLOAD_DIR with 100000 bytes, and other bytes than the file to save\. Files are never overwritten: to keep both, give this one another file_name; to replace it, remove it and call again$/,
    );
    expect(readFileSync(join(dir, 'unknown.mp4')).equals(Buffer.alloc(100_000))).toBe(true);
  });
});

describe('a real network', () => {
  it('goes through HTTP_PROXY for the file, and around it for hosts in NO_PROXY', async () => {
    const dir = newFolder();
    const proxied = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir, HTTP_PROXY: proxy.url }));
    const body = await saved({ entry_id: '1_noorig01', file_name: 'via-proxy.mp4' }, proxied);
    expect(body.bytes).toBe(flavorBytes('1_noorigf1'));
    expect(proxy.log.some((r) => r.method === 'GET' && r.target.includes('/serveFlavor/'))).toBe(true);
    // The API calls went through it too: kaltura-client's axios honours the same variables.
    expect(proxy.log.some((r) => r.target.includes('/api_v3/'))).toBe(true);

    proxy.log.length = 0;
    const direct = await servers.start(
      sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }),
    );
    await saved({ entry_id: '1_noorig01', file_name: 'direct.mp4' }, direct);
    expect(proxy.log).toEqual([]);
  });

  it('blames a proxy that cannot be reached, not Kaltura, naming it and its variable but never its credentials', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const s = await servers.start(
      sandboxEnv(sandbox.url, {
        KALTURA_DOWNLOAD_DIR: newFolder(),
        HTTP_PROXY: `http://me:s3cret@127.0.0.1:${closed}`,
      }),
    );
    for (const tool of ['get_download_url', 'save_media_file']) {
      const result = await s.call(tool, { entry_id: '1_noorig01' });
      expect(result.isError).toBe(true);
      const body = jsonOf(result) as { error: string; errorType: string };
      expect(body.errorType).toBe('NETWORK_ERROR');
      expect(body.error).toContain(
        `through the proxy 127.0.0.1:${closed} (from HTTP_PROXY) failed (ECONNREFUSED); check that proxy, or fix or unset HTTP_PROXY, then try again`,
      );
      expect(body.error).not.toContain('KALTURA_SERVICE_URL');
    }
    expect(s.transport.allOutput()).not.toContain('s3cret');
  });

  it('says a proxy variable that is not a URL is a configuration error, naming the variable', async () => {
    const s = await servers.start(
      sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: newFolder(), HTTP_PROXY: 'not a url' }),
    );
    const body = jsonOf(await s.call('get_download_url', { entry_id: '1_noorig01' }));
    expect(body).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error:
        'Failed to get download URL: HTTP_PROXY does not hold a proxy URL (such as http://proxy.example.com:3128): fix it, or unset it to connect directly',
    });
  });

  it('reads past a 103 Early Hints to the answer', async () => {
    sandbox.setFileServing({ earlyHints: true });
    const body = await saved({ entry_id: '1_noorig01', quality: 'lowest', file_name: 'hinted.mp4' });
    expect(readFileSync(body.path).equals(original('1_noorigf2'))).toBe(true);
  });

  it.each([
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcdefg'],
    ['a chunk longer than it says', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcdefg\r\n0\r\n\r\n'],
    ['a malformed chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5zz\r\nabcde\r\n0\r\n\r\n'],
    [
      'a folded header line',
      'HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n  continued\r\nContent-Length: 3\r\n\r\nabc',
    ],
  ])('refuses an answer with %s and saves nothing', async (_, raw) => {
    sandbox.setFileServing({ rawAnswer: raw });
    const body = await refusal({ entry_id: '1_noorig01', file_name: 'malformed.mp4' });
    expect(body).toMatchObject({ errorType: 'DOWNLOAD_FAILED', error: expect.stringContaining('malformed answer') });
    expect(listing().filter((f) => f.includes('malformed'))).toEqual([]);
  });
});

describe('resuming', () => {
  it('keeps the bytes of a save cut at 60%, then transfers only the rest, byte-identical to a whole download', async () => {
    sandbox.setFileServing({ cutAt: 0.6 });
    const cut = await refusal({ entry_id: BIG.id, file_name: 'big.mp4' });
    expect(cut).toMatchObject({ errorType: 'INCOMPLETE_DOWNLOAD', error: expect.stringContaining('they are kept') });
    expect(partsIn()).toEqual(['.big.mp4.part', '.big.mp4.part.json']);
    // What reached the disk before the cut: at most the 60% sent (bytes still in flight are lost).
    const kept = statSync(join(folder, '.big.mp4.part')).size;
    expect(kept).toBeGreaterThan(BIG_BYTES * 0.5);
    expect(kept).toBeLessThanOrEqual(Math.floor(BIG_BYTES * 0.6));

    sandbox.setFileServing({ cutAt: undefined });
    sandbox.clearLog();
    const resumed = await saved({ entry_id: BIG.id, file_name: 'big.mp4' });
    expect(resumed).toMatchObject({ bytes: BIG_BYTES, resumedFrom: kept, skipped: false });
    expect(fileGets()).toEqual([
      expect.objectContaining({ range: `bytes=${kept}-`, status: 206, bytesSent: BIG_BYTES - kept }),
    ]);
    // Kaltura's origin has no validator worth sending: its Last-modified never changes.
    expect(fileGets()[0]!.ifRange).toBeUndefined();
    expect(readFileSync(resumed.path).equals(original(BIG_FLAVOR, BIG_BYTES))).toBe(true);
    expect(partsIn()).toEqual([]);
    rmSync(resumed.path);
  });

  it("sends the CDN's ETag in If-Range, and starts over when the CDN answers with the whole file", async () => {
    sandbox.setFileServing({ mode: 'cdn', cutAt: 0.5 });
    await refusal({ entry_id: BIG.id, file_name: 'cdn.mp4' });
    sandbox.setFileServing({ cutAt: undefined });
    const record = join(folder, '.cdn.mp4.part.json');
    const fields = JSON.parse(readFileSync(record, 'utf8')) as { etag: string };
    expect(fields.etag).toMatch(/^"[0-9a-f]+"$/);
    // The CDN's object changed under the same Kaltura version: its validator no longer matches.
    writeFileSync(record, JSON.stringify({ ...fields, etag: '"stale"' }));
    sandbox.clearLog();
    const body = await saved({ entry_id: BIG.id, file_name: 'cdn.mp4' });
    expect(fileGets()).toEqual([expect.objectContaining({ ifRange: '"stale"', status: 200 })]);
    expect(body.resumedFrom).toBe(0);
    expect(readFileSync(body.path).equals(original(BIG_FLAVOR, BIG_BYTES))).toBe(true);
    rmSync(body.path);
  });

  it.each([
    ['another first byte', (_kept: number, total: number) => `bytes 0-${total - 1}/${total}`],
    ['another total length', (kept: number, total: number) => `bytes ${kept}-${total}/${total + 1}`],
  ])('starts over from zero when a 206 names %s than the part asked for, never splicing it', async (_, range) => {
    sandbox.setFileServing({ cutAt: 0.6 });
    await refusal({ entry_id: BIG.id, file_name: 'ranged.mp4' });
    const kept = statSync(join(folder, '.ranged.mp4.part')).size;
    expect(kept).toBeGreaterThan(0);
    sandbox.setFileServing({
      cutAt: undefined,
      rawAnswer: `HTTP/1.1 206 Partial Content\r\nContent-Range: ${range(kept, BIG_BYTES)}\r\nContent-Length: 100\r\n\r\n${'x'.repeat(100)}`,
    });
    sandbox.clearLog();
    const body = await saved({ entry_id: BIG.id, file_name: 'ranged.mp4' });
    expect(body.resumedFrom ?? 0).toBe(0);
    // The odd answer, then the whole file asked for afresh, without a range.
    expect(fileGets().at(-1)).toMatchObject({ status: 200, bytesSent: BIG_BYTES });
    expect(fileGets().at(-1)!.range).toBeUndefined();
    expect(readFileSync(body.path).equals(original(BIG_FLAVOR, BIG_BYTES))).toBe(true);
    expect(partsIn()).toEqual([]);
    rmSync(body.path);
  });

  it('starts over from zero when the flavor was replaced on the server, never splicing two versions', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    sandbox.setFileServing({ cutAt: 0.5 });
    await refusal({ entry_id: '1_demo0001', quality: 'original', file_name: 'replaced.mp4' }, s);
    sandbox.setFileServing({ cutAt: undefined });
    const newLength = 3_000_001;
    sandbox.replaceFlavorFile('1_demof001', newLength);
    sandbox.clearLog();
    const body = await saved({ entry_id: '1_demo0001', quality: 'original', file_name: 'replaced.mp4' }, s);
    expect(body).toMatchObject({ bytes: newLength, resumedFrom: 0 });
    expect(fileGets()).toEqual([expect.objectContaining({ range: undefined, status: 200 })]);
    expect(readFileSync(body.path).equals(patternBytes(flavorSeed('1_demof001', 2), newLength))).toBe(true);
  });

  it('resumes a save whose server was killed (SIGKILL) once a new server saves the same file', async () => {
    const dir = newFolder();
    sandbox.setFileServing({ bytesPerSecond: 2 * 1024 * 1024 });
    const doomed = await startServer(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    void doomed.client
      .callTool({ name: 'save_media_file', arguments: { entry_id: BIG.id, file_name: 'killed.mp4' } })
      .catch(() => undefined);
    const part = join(dir, '.killed.mp4.part');
    await eventually(() => existsSync(part) && statSync(part).size > 1024 * 1024, 'a megabyte was saved');
    doomed.transport.child!.kill('SIGKILL');
    await doomed.transport.exited;
    expect(readdirSync(dir).sort()).toEqual(['.killed.mp4.part', '.killed.mp4.part.json', '.killed.mp4.part.lock']);
    const kept = statSync(part).size;

    sandbox.setFileServing({ bytesPerSecond: 0 });
    const again = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const body = await saved({ entry_id: BIG.id, file_name: 'killed.mp4' }, again);
    expect(body.resumedFrom).toBe(kept);
    expect(readFileSync(body.path).equals(original(BIG_FLAVOR, BIG_BYTES))).toBe(true);
    expect(readdirSync(dir)).toEqual(['killed.mp4']);
  });

  it('keeps the part on cancellation only when keep_partial is true, and the next save continues it', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    sandbox.setFileServing({ bytesPerSecond: 1024 * 1024 });
    const cancelAfterSomeBytes = async (keep_partial: boolean) => {
      const controller = new AbortController();
      const call = s.client
        .callTool(
          { name: 'save_media_file', arguments: { entry_id: BIG.id, file_name: 'c.mp4', keep_partial } },
          undefined,
          {
            signal: controller.signal,
          },
        )
        .catch(() => 'cancelled');
      const part = join(dir, '.c.mp4.part');
      await eventually(() => existsSync(part) && statSync(part).size > 256 * 1024, 'the download began');
      controller.abort();
      expect(await call).toBe('cancelled');
    };
    await cancelAfterSomeBytes(false);
    await eventually(() => readdirSync(dir).length === 0, 'nothing is left behind');
    await eventually(() => sandbox.files.at(-1)!.clientGone, 'the download was aborted');

    await cancelAfterSomeBytes(true);
    await eventually(() => !existsSync(join(dir, '.c.mp4.part.lock')), 'the save let go of its lock');
    expect(readdirSync(dir).sort()).toEqual(['.c.mp4.part', '.c.mp4.part.json']);
    sandbox.setFileServing({ bytesPerSecond: 0 });
    const body = await saved({ entry_id: BIG.id, file_name: 'c.mp4' }, s);
    expect(body.resumedFrom).toBeGreaterThan(256 * 1024);
    expect(readFileSync(body.path).equals(original(BIG_FLAVOR, BIG_BYTES))).toBe(true);
  });

  it('keeps the part when the server shuts down mid-save, for the next save', async () => {
    sandbox.setFileServing({ bytesPerSecond: 256 * 1024 });
    const dir = newFolder();
    const closing = await startServer(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const pending = closing.client
      .callTool({ name: 'save_media_file', arguments: { entry_id: '1_noorig01' } })
      .catch(() => 'gone');
    await eventually(() => readdirSync(dir).some((f) => f.endsWith('.part')), 'the download began');
    closing.transport.child!.stdin.end();
    expect(await closing.transport.exited).toBe(0);
    await pending;
    expect(readdirSync(dir).sort()).toEqual([
      '.No original kept [1_noorig01].mp4.part',
      '.No original kept [1_noorig01].mp4.part.json',
    ]);
  });

  it('removes parts nobody resumed within KALTURA_PARTIAL_TTL_HOURS, and only its own files', async () => {
    const dir = newFolder();
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    const record = JSON.stringify({ kind: 'kaltura-mcp partial download', entryId: '1_demo0001' });
    const make = (name: string, content: string, age: number) => {
      writeFileSync(join(dir, name), content);
      utimesSync(join(dir, name), hoursAgo(age), hoursAgo(age));
    };
    make('.old.mp4.part', 'x'.repeat(100), 3);
    make('.old.mp4.part.json', record, 3);
    make('.young.mp4.part', 'x'.repeat(100), 0.5);
    make('.young.mp4.part.json', record, 0.5);
    make('.lecture.mp4.4242-0badc0de.part', 'from an earlier version', 3);
    // Temporary files a full disk left half-written: a part's record, metadata, a manifest.
    make('.old.mp4.part.json.0badc0de', '', 3);
    make('.young.mp4.part.json.1badc0de', '', 0.5);
    make('.old [1_x].info.json.2badc0de.tmp', '', 3);
    make('.kaltura-manifest.json.3badc0de.tmp', '', 3);
    make('.theirs.part', 'not ours', 3);
    make('.theirs.json.cafe', 'not ours either', 3);
    make('notes.mp4.part', 'my precious notes', 3);
    const s = await servers.start(
      sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir, KALTURA_PARTIAL_TTL_HOURS: '2' }),
    );
    await saved({ entry_id: '1_noorig01', file_name: 'new.mp4' }, s);
    expect(readdirSync(dir).sort()).toEqual([
      '.theirs.json.cafe',
      '.theirs.part',
      '.young.mp4.part',
      '.young.mp4.part.json',
      '.young.mp4.part.json.1badc0de',
      'new.mp4',
      'notes.mp4.part',
    ]);
  });

  it('removes them too when the next save finds its file whole and skips it', async () => {
    const dir = newFolder();
    const old = new Date(Date.now() - 3 * 3_600_000);
    writeFileSync(join(dir, '.old.mp4.part'), 'x'.repeat(100));
    writeFileSync(join(dir, '.old.mp4.part.json'), JSON.stringify({ kind: 'kaltura-mcp partial download' }));
    for (const name of ['.old.mp4.part', '.old.mp4.part.json']) utimesSync(join(dir, name), old, old);
    writeFileSync(join(dir, 'whole.mp4'), original('1_noorigf1'));
    const s = await servers.start(
      sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir, KALTURA_PARTIAL_TTL_HOURS: '2' }),
    );
    expect(await saved({ entry_id: '1_noorig01', file_name: 'whole.mp4' }, s)).toMatchObject({ skipped: true });
    expect(readdirSync(dir)).toEqual(['whole.mp4']);
  });

  it('refuses a malformed KALTURA_PARTIAL_TTL_HOURS, naming it', async () => {
    const s = await servers.start(
      sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: newFolder(), KALTURA_PARTIAL_TTL_HOURS: 'soon' }),
    );
    expect(await refusal({ entry_id: '1_noorig01' }, s)).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: expect.stringContaining('KALTURA_PARTIAL_TTL_HOURS must be a number of hours'),
    });
  });
});

describe("a lock that is not this server's", () => {
  it.each([
    ['a folder', (lock: string) => mkdirSync(lock)],
    ['a symlink to a folder', (lock: string) => symlinkSync(newFolder(), lock)],
  ])('is refused at once when it is %s, naming it and the fix, and left alone', async (what, make) => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    make(join(dir, '.locked.mp4.part.lock'));
    const started = performance.now();
    const body = await refusal({ entry_id: '1_noorig01', file_name: 'locked.mp4' }, s);
    // At once, not after waiting for the lock to go stale.
    expect(performance.now() - started).toBeLessThan(STALE_LOCK_MS / 2);
    expect(body).toMatchObject({
      errorType: 'UNSAFE_FILE_NAME',
      error: expect.stringContaining(
        `".locked.mp4.part.lock" in KALTURA_DOWNLOAD_DIR is ${what}, not a lock file of this server: remove it, then call again`,
      ),
    });
    expect(body.error).not.toContain(dir);
    expect(readdirSync(dir)).toEqual(['.locked.mp4.part.lock']);
  });
});

describe('two saves of one target', () => {
  it('in one server: one downloads, the other waits and answers skipped', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    sandbox.setFileServing({ bytesPerSecond: 4 * 1024 * 1024 });
    const [a, b] = await Promise.all([
      saved({ entry_id: '1_noorig01', file_name: 'same.mp4' }, s),
      saved({ entry_id: '1_noorig01', file_name: 'same.mp4' }, s),
    ]);
    expect([a.skipped, b.skipped].sort()).toEqual([false, true]);
    // One download; the other save compared the file's last 64 KiB with it.
    expect(fileGets().filter((f) => f.range === undefined)).toHaveLength(1);
    expect(fileGets().filter((f) => f.range !== undefined)).toEqual([expect.objectContaining({ status: 206 })]);
    expect(readdirSync(dir)).toEqual(['same.mp4']);
  });

  it('in two servers: one downloads, the other waits for its lock and answers skipped', async () => {
    const dir = newFolder();
    const [s1, s2] = await Promise.all([
      servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir })),
      servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir })),
    ]);
    sandbox.setFileServing({ bytesPerSecond: 4 * 1024 * 1024 });
    const [a, b] = await Promise.all([
      saved({ entry_id: '1_noorig01', file_name: 'shared.mp4' }, s1),
      saved({ entry_id: '1_noorig01', file_name: 'shared.mp4' }, s2),
    ]);
    expect([a.skipped, b.skipped].sort()).toEqual([false, true]);
    // One download; the other save compared the file's last 64 KiB with it.
    expect(fileGets().filter((f) => f.range === undefined)).toHaveLength(1);
    expect(fileGets().filter((f) => f.range !== undefined)).toEqual([expect.objectContaining({ status: 206 })]);
    expect(readdirSync(dir)).toEqual(['shared.mp4']);
  });
});

describe('names', () => {
  it.each([
    ['.zshenv'],
    ['.bashrc'],
    ['evil\u202Egpj.exe'],
    ['zero\u200Bwidth.mp4'],
    ['../escape.mp4'],
    ['sub/escape.mp4'],
    ['..'],
    ['nul\u0000.mp4'],
  ])('refuses the file name %j before asking Kaltura, and writes nothing', async (file_name) => {
    const before = listing();
    const body = await refusal({ entry_id: '1_demo0001', file_name });
    expect(body.error).toMatch(/^Invalid file name: use a visible name/);
    expect(listing()).toEqual(before);
    expect(sandbox.log).toHaveLength(0);
  });

  it.each([
    ['a:b.mp4', 'it has a character Windows does not allow'],
    ['what?.mp4', 'it has a character Windows does not allow'],
    ['CON.mp4', 'it is a device name'],
    ['NUL.txt.mp4', 'it is a device name'],
    ['trailing.', 'it ends with a dot or a space'],
    ['trailing.mp4 ', 'it ends with a dot or a space'],
    [' leading.mp4', 'it starts with a space'],
  ])('refuses the name %j, which Windows could not hold, saying why, and writes nothing', async (file_name, why) => {
    const before = listing();
    expect(await refusal({ entry_id: '1_demo0001', file_name })).toMatchObject({
      errorType: 'UNSAFE_FILE_NAME',
      error: expect.stringContaining(`the file name cannot be used: ${why}`),
    });
    expect(listing()).toEqual(before);
  });

  it.each([
    ['clip', 'clip.mp4'],
    ['clip.exe', 'clip.exe.mp4'],
    ['Clip.MP4', 'Clip.MP4'],
  ])("ends %j in the file's own extension: %j", async (file_name, expected) => {
    expect((await saved({ entry_id: '1_demo0001', quality: 'lowest', file_name })).path).toBe(join(folder, expected));
  });

  it('cuts a long name to 200 bytes of UTF-8 between characters, keeping the extension', async () => {
    const cjk = await saved({
      entry_id: '1_demo0001',
      quality: 'lowest',
      file_name: `${'日本語の講義'.repeat(17)}.mp4`,
    });
    const cjkName = cjk.path.slice(folder.length + 1);
    expect(Buffer.byteLength(cjkName)).toBeLessThanOrEqual(200);
    expect(cjkName).toMatch(/^(日本語の講義)+日?本?語?の?講?\.mp4$/);
    const emoji = await saved({ entry_id: '1_demo0001', quality: 'lowest', file_name: `${'👩‍💻'.repeat(40)}` });
    const emojiName = emoji.path.slice(folder.length + 1);
    expect(Buffer.byteLength(emojiName)).toBeLessThanOrEqual(200);
    // Whole emoji only: the name is a run of complete 👩‍💻 sequences.
    expect(emojiName).toMatch(/^(👩‍💻)+\.mp4$/u);
  });

  it('refuses KALTURA_DOWNLOAD_DIR set to the home folder or a system folder, saying which', async () => {
    const home = newFolder();
    const atHome = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: home, HOME: home }));
    expect((await refusal({ entry_id: '1_demo0001' }, atHome)).error).toContain('may not be your home folder itself');
    const system = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: '/etc' }));
    expect((await refusal({ entry_id: '1_demo0001' }, system)).error).toContain('may not be the system folder /etc');
    mkdirSync(join(home, '.config'));
    const hidden = await servers.start(
      sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: join(home, '.config'), HOME: home }),
    );
    expect((await refusal({ entry_id: '1_demo0001' }, hidden)).error).toContain(
      'a hidden folder of your home (.config)',
    );
  });

  it('reads ~/ as the home folder, and refuses a relative path saying how to write it', async () => {
    const home = newFolder();
    mkdirSync(join(home, 'Movies'));
    const tilde = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: '~/Movies', HOME: home }));
    expect((await saved({ entry_id: '1_demo0001', quality: 'lowest' }, tilde)).path).toBe(
      join(home, 'Movies', 'Demo video [1_demo0001].mp4'),
    );
    const relative = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: 'downloads' }));
    expect(await refusal({ entry_id: '1_demo0001' }, relative)).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: expect.stringContaining('KALTURA_DOWNLOAD_DIR must be an absolute path'),
    });
  });

  it('names the folder it could not use, so that a typo shows', async () => {
    const missing = join(newFolder(), 'Vidoes');
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: missing }));
    expect(await refusal({ entry_id: '1_demo0001' }, s)).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: expect.stringContaining(
        `KALTURA_DOWNLOAD_DIR does not name a folder this server can write into (ENOENT for ${JSON.stringify(missing)})`,
      ),
    });
  });
});

describe('images and documents', () => {
  it("saves an image's own file from its raw URL", async () => {
    const body = await saved({ entry_id: '1_image001' });
    expect(body).toMatchObject({ flavorId: null, format: 'jpg', bytes: 123_457 });
    expect(body.path).toBe(join(folder, 'Poster image [1_image001].jpg'));
    expect(readFileSync(body.path).equals(patternBytes('1_image001@100000', 123_457))).toBe(true);
  });

  it('saves an image with thumbnail true as its own picture alone: no second picture, nothing failed, and says why', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const body = (await saved({ entry_id: '1_image001', thumbnail: true, metadata: true }, s)) as unknown as {
      files: Array<{ kind: string; path: string }>;
      missing?: unknown;
    };
    expect(body.files.map((f) => [f.kind, f.path.slice(dir.length + 1)])).toEqual([
      ['media', 'Poster image [1_image001].jpg'],
      ['metadata', 'Poster image [1_image001].info.json'],
    ]);
    expect(body.missing).toEqual([
      { kind: 'thumbnail', reason: 'the entry is an image: its saved file is its own picture' },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['Poster image [1_image001].info.json', 'Poster image [1_image001].jpg']);
    expect(
      readFileSync(join(dir, 'Poster image [1_image001].jpg')).equals(patternBytes('1_image001@100000', 123_457)),
    ).toBe(true);
  });

  it("saves a document's file, through Kaltura's download redirect", async () => {
    const body = await saved({ entry_id: '1_doc00001' });
    expect(body).toMatchObject({ flavorId: '1_docsrc01', format: 'pdf', bytes: flavorBytes('1_docsrc01') });
    expect(body.path).toBe(join(folder, 'Course syllabus [1_doc00001].pdf'));
    expect(sandbox.files.map((f) => f.status)).toEqual([302, 200]);
    expect(readFileSync(body.path).equals(original('1_docsrc01'))).toBe(true);
  });
});

describe('a folder that turns read-only mid-download', () => {
  it('keeps the downloaded bytes and says so; once writable, the next save puts them in place without downloading again', async () => {
    const dir = newFolder();
    chmodSync(dir, 0o777);
    // As root, permissions never bite: the server runs as nobody then.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const s = await startServer(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }), dir, [], user);
    try {
      sandbox.setFileServing({ bytesPerSecond: 2 * 1024 * 1024 });
      const call = s.call('save_media_file', { entry_id: '1_noorig01', file_name: 'ro.mp4' });
      await eventually(() => existsSync(join(dir, '.ro.mp4.part')), 'the download began');
      chmodSync(dir, 0o555);
      const result = await call;
      expect(result.isError).toBe(true);
      expect(jsonOf(result)).toMatchObject({
        errorType: 'SAVE_FAILED',
        error: expect.stringContaining('the downloaded bytes are kept and will not be fetched again'),
      });
      chmodSync(dir, 0o777);
      sandbox.clearLog();
      sandbox.setFileServing({ bytesPerSecond: 0 });
      const body = await saved({ entry_id: '1_noorig01', file_name: 'ro.mp4' }, s);
      expect(body.resumedFrom).toBe(flavorBytes('1_noorigf1'));
      expect(fileGets()).toEqual([expect.objectContaining({ status: 416 })]);
      expect(readFileSync(body.path).equals(original('1_noorigf1'))).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe('a full disk', () => {
  /** Room for the lock (its owner, at most a 7-digit pid) and no more: the part's record does not fit. */
  const LOCK_ONLY = Buffer.byteLength(JSON.stringify({ host: hostname(), pid: 9_999_999, token: '0'.repeat(16) })) + 20;

  it.each([
    ['for the lock', 0],
    ['for the record of the part', LOCK_ONLY],
    ['half-way through the file', 300_000],
  ])(
    'answers INSUFFICIENT_SPACE when there is no room %s, with the bytes truly kept, and leaves no lock or temporary file behind',
    async (_, free) => {
      const dir = newFolder();
      const disk = fullDisk(newFolder(), free);
      const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir, ...disk.env }), disk.nodeArgs);
      const body = await refusal({ entry_id: '1_noorig01', file_name: 'full.mp4' }, s);
      expect(body.errorType, body.error).toBe('INSUFFICIENT_SPACE');
      const part = join(dir, '.full.mp4.part');
      const kept = existsSync(part) ? statSync(part).size : 0;
      if (free > LOCK_ONLY) {
        expect(kept).toBeGreaterThan(0);
        expect(body.error).toContain(`the ${kept} bytes of "full.mp4" saved so far are kept`);
        expect(listing(dir)).toEqual(['.full.mp4.part', '.full.mp4.part.json']);
      } else {
        expect(body.error).toContain('nothing of "full.mp4" was kept');
        expect(listing(dir)).toEqual([]);
      }
      // Room again: the next save goes on at once from what was kept, with no lock to wait for.
      disk.setFree(undefined);
      const started = performance.now();
      const body2 = await saved({ entry_id: '1_noorig01', file_name: 'full.mp4' }, s);
      // Without waiting for a lock left behind to go stale.
      expect(performance.now() - started).toBeLessThan(STALE_LOCK_MS / 2);
      expect(body2.resumedFrom).toBe(kept);
      expect(readFileSync(body2.path).equals(original('1_noorigf1'))).toBe(true);
      expect(listing(dir)).toEqual(['full.mp4']);
    },
  );
});

describe('captions, thumbnail and metadata beside the file', () => {
  it('saves them named after the file, and lists every file', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const body = (await saved(
      { entry_id: '1_demo0001', file_name: 'demo.mp4', captions: ['all'], thumbnail: true, metadata: true },
      s,
    )) as unknown as { files: Array<{ kind: string; path: string; bytes: number }>; missing: unknown[] };
    expect(body.files.map((f) => [f.kind, f.path.slice(dir.length + 1)])).toEqual([
      ['media', 'demo.mp4'],
      ['caption', 'demo.en.srt'],
      ['caption', 'demo.es.vtt'],
      ['caption', 'demo.fr.dfxp'],
      ['thumbnail', 'demo.jpg'],
      ['metadata', 'demo.info.json'],
    ]);
    expect(body.missing).toEqual([{ kind: 'caption', languageCode: 'de', reason: 'not ready yet' }]);
    expect(readdirSync(dir).sort()).toEqual([
      'demo.en.srt',
      'demo.es.vtt',
      'demo.fr.dfxp',
      'demo.info.json',
      'demo.jpg',
      'demo.mp4',
    ]);
  });
});

describe('a metadata file already at the name', () => {
  it("is brought up to date when it is this entry's; anything else there is refused and left alone", async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const info = join(dir, 'demo.info.json');
    // Ours, of an older state of the entry (another title then): rewritten.
    await saved({ entry_id: '1_demo0001', file_name: 'demo.mp4', metadata: true }, s);
    const older = JSON.parse(readFileSync(info, 'utf8')) as Record<string, unknown>;
    writeFileSync(info, JSON.stringify({ ...older, name: 'an older title' }));
    await saved({ entry_id: '1_demo0001', file_name: 'demo.mp4', metadata: true }, s);
    expect(JSON.parse(readFileSync(info, 'utf8'))).toMatchObject({ id: '1_demo0001', name: 'Demo video' });
    // Ours with a key a user added: not ours any more, kept.
    rmSync(join(dir, 'demo.mp4'));
    const annotated = JSON.stringify({ ...older, name: 'Demo video', notes: 'my precious notes' });
    writeFileSync(info, annotated);
    expect(await refusal({ entry_id: '1_demo0001', file_name: 'demo.mp4', metadata: true }, s)).toMatchObject({
      errorType: 'FILE_EXISTS',
    });
    expect(readFileSync(info, 'utf8')).toBe(annotated);
    // A user's notes that merely look like it (its id, a chosen object) are not ours: kept.
    rmSync(join(dir, 'demo.mp4'));
    const notes = JSON.stringify({ id: '1_demo0001', chosen: {}, notes: 'my precious notes' });
    writeFileSync(info, notes);
    expect(await refusal({ entry_id: '1_demo0001', file_name: 'demo.mp4', metadata: true }, s)).toMatchObject({
      errorType: 'FILE_EXISTS',
    });
    expect(readFileSync(info, 'utf8')).toBe(notes);
    // A user's own file of the same name (yt-dlp names its metadata alike): kept, and the save says why.
    rmSync(join(dir, 'demo.mp4'));
    writeFileSync(info, '{"mine": true}');
    const body = await refusal({ entry_id: '1_demo0001', file_name: 'demo.mp4', metadata: true }, s);
    expect(body).toMatchObject({
      errorType: 'FILE_EXISTS',
      error: expect.stringContaining(
        '"demo.info.json" already exists in KALTURA_DOWNLOAD_DIR and is not the metadata this server writes for entry 1_demo0001',
      ),
    });
    expect(readFileSync(info, 'utf8')).toBe('{"mine": true}');
    // A symlink there is never written through, nor replaced.
    rmSync(info);
    const elsewhere = join(newFolder(), 'target.json');
    writeFileSync(elsewhere, 'theirs');
    symlinkSync(elsewhere, info);
    expect(await refusal({ entry_id: '1_demo0001', file_name: 'demo.mp4', metadata: true }, s)).toMatchObject({
      errorType: 'UNSAFE_FILE_NAME',
    });
    expect(lstatSync(info).isSymbolicLink()).toBe(true);
    expect(readFileSync(elsewhere, 'utf8')).toBe('theirs');
  });
});

describe('save_media_file and save_media_files', () => {
  it('name a file alike, so that a file one of them saved is skipped by the other, fetching only its last 64 KiB to compare', async () => {
    const dir = newFolder();
    const s = await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: dir }));
    const one = await saved({ entry_id: '1_demo0001' }, s);
    expect(one.path).toBe(join(dir, 'Demo video [1_demo0001].mp4'));
    sandbox.clearLog();
    const many = jsonOf(await s.call('save_media_files', { entry_ids: ['1_demo0001'] }));
    expect(many).toMatchObject({ saved: 0, skipped: 1, failed: 0, bytes: 0 });
    const tailOnly = () => fileGets().every((f) => f.status === 206 && f.bytesSent <= 65536);
    expect(fileGets()).toHaveLength(1);
    expect(tailOnly()).toBe(true);

    const library = await s.call('save_media_files', { entry_ids: ['1_origlast'] });
    expect(library.isError, textOf(library)).toBeFalsy();
    sandbox.clearLog();
    expect(await saved({ entry_id: '1_origlast' }, s)).toMatchObject({
      path: join(dir, 'Original listed last [1_origlast].mov'),
      skipped: true,
    });
    expect(fileGets()).toHaveLength(1);
    expect(tailOnly()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([
      'Demo video [1_demo0001].mp4',
      'Original listed last [1_origlast].mov',
      'kaltura-manifest.json',
    ]);
  });
});
