/**
 * save_media_files: a library saved the way yt-dlp saves a channel. The built server over stdio
 * against the sandbox, whose categories, caption assets and thumbnails follow Kaltura's: a
 * category with a sub-category, SRT, WebVTT and DFXP captions (one not ready), files served
 * with real lengths.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallToolResultSchema, CreateTaskResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flavorSeed, patternBytes, thumbnailLength } from './sandbox/files.js';
import { COURSE_ENTRIES, fileLength, manyEntries, sizedEntry } from './sandbox/fixtures.js';
import { captionText, CAPTION_EXTENSIONS } from './sandbox/library.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { fullDisk } from './helpers/full-disk.js';
import {
  jsonOf,
  logLines,
  sandboxEnv,
  ServerPool,
  startServer,
  textOf,
  type RunningServer,
} from './helpers/server-process.js';
import { eventually } from './helpers/wait.js';

const MANY = manyEntries(500, 3, true);
/** An entry whose title is a Windows device name before its first dot. */
const DEVICE_TITLED = { ...sizedEntry('1_nuldev01', 10), name: 'NUL.txt' };

let sandbox: Sandbox;
const servers = new ServerPool();
const folders: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ extraEntries: [...MANY, DEVICE_TITLED] });
});

afterEach(() => {
  sandbox.setFileServing({ bytesPerSecond: 0, cutAt: undefined, mode: 'origin', earlyHints: false });
  sandbox.clearLog();
});

afterAll(async () => {
  await servers.closeAll();
  await sandbox?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A server saving into a fresh folder of its own. */
async function serverWithFolder(): Promise<{ server: RunningServer; folder: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-library-'));
  folders.push(folder);
  return { server: await servers.start(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: folder })), folder };
}

interface Answer {
  folder: string;
  manifest: string;
  manifestError?: string;
  entries: number;
  saved: number;
  skipped: number;
  failed: number;
  bytes: number;
  results: Array<{
    entry_id: string;
    ok: boolean;
    files: Array<{ kind: string; path: string; bytes: number }>;
    missing?: Array<{ kind: string; languageCode?: string; reason: string }>;
    error?: string;
    errorType?: string;
  }>;
}

async function saveLibrary(server: RunningServer, args: Record<string, unknown>): Promise<Answer> {
  const result = await server.call('save_media_files', args);
  expect(result.isError, textOf(result)).toBeFalsy();
  return jsonOf(result) as unknown as Answer;
}

const fileGets = () => sandbox.files.filter((f) => f.method === 'GET');
/** What the course's media file is named: `<name> [<id>].mp4`, `:` made portable. */
const stemOf = (entry: (typeof COURSE_ENTRIES)[number]) => `${entry.name.replace(':', '_')} [${entry.id}]`;

/** Each course entry's original is in `dir` under its name, byte for byte what the sandbox serves. */
function expectCourseOriginals(dir: string): void {
  for (const entry of COURSE_ENTRIES) {
    const source = entry.flavors[0]!;
    const saved = readFileSync(join(dir, `${stemOf(entry)}.mp4`));
    expect(saved.equals(patternBytes(flavorSeed(source.id, 1), fileLength(source)!)), entry.id).toBe(true);
  }
}

describe('a category with its sub-category, captions, thumbnails and metadata', () => {
  let server: RunningServer;
  let folder: string;
  let first: Answer;

  beforeAll(async () => {
    ({ server, folder } = await serverWithFolder());
    first = await saveLibrary(server, {
      category_id: 202,
      captions: ['all'],
      thumbnail: true,
      metadata: true,
      subfolder: 'Biology 101',
    });
  });

  it('saves every entry of the category and of its sub-category, named as yt-dlp names them', () => {
    expect(first).toMatchObject({ entries: 12, saved: 12, skipped: 0, failed: 0, folder: join(folder, 'Biology 101') });
    expect(first.results.map((r) => r.entry_id)).toEqual(COURSE_ENTRIES.map((e) => e.id));
    const names = readdirSync(join(folder, 'Biology 101'));
    for (const entry of COURSE_ENTRIES) {
      const stem = stemOf(entry);
      expect(names, entry.id).toContain(`${stem}.mp4`);
      expect(names, entry.id).toContain(`${stem}.jpg`);
      expect(names, entry.id).toContain(`${stem}.info.json`);
      for (const caption of entry.captions!.filter((c) => c.status === 2)) {
        expect(names, caption.id).toContain(`${stem}.${caption.languageCode}.${CAPTION_EXTENSIONS[caption.format]}`);
      }
    }
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('saves the bytes the sandbox serves: the original flavor, each caption, each thumbnail', () => {
    const dir = join(folder, 'Biology 101');
    expectCourseOriginals(dir);
    for (const entry of COURSE_ENTRIES) {
      const stem = stemOf(entry);
      expect(
        readFileSync(join(dir, `${stem}.jpg`)).equals(patternBytes(`thumbnail:${entry.id}`, thumbnailLength(entry.id))),
      ).toBe(true);
      for (const caption of entry.captions!.filter((c) => c.status === 2)) {
        const name = `${stem}.${caption.languageCode}.${CAPTION_EXTENSIONS[caption.format]}`;
        expect(readFileSync(join(dir, name), 'utf8'), name).toBe(captionText(caption));
      }
    }
  });

  it('says which caption it could not save, and why, without failing the entry', () => {
    const seventh = first.results.find((r) => r.entry_id === '4_bio00007')!;
    expect(seventh.ok).toBe(true);
    expect(seventh.missing).toEqual([{ kind: 'caption', languageCode: 'de', reason: 'not ready yet' }]);
  });

  it('writes the metadata as get_media_entry shows the entry, with the chosen flavor and the captions', async () => {
    const entry = COURSE_ENTRIES[4]!;
    const info = JSON.parse(readFileSync(join(folder, 'Biology 101', `${stemOf(entry)}.info.json`), 'utf8')) as Record<
      string,
      unknown
    >;
    const shown = jsonOf(await server.call('get_media_entry', { entry_id: entry.id }));
    for (const key of Object.keys(shown)) {
      // Thumbnail and download URLs carry no token here, so they are the same too.
      expect(info[key], key).toEqual(shown[key]);
    }
    expect(info.chosen).toMatchObject({ flavorId: entry.flavors[0]!.id, isOriginal: true });
    expect((info.savedCaptions as Array<{ languageCode: string }>).map((c) => c.languageCode)).toEqual(['en', 'fr']);
  });

  it('keeps a manifest of every entry with its files, their bytes, status and time', () => {
    const manifest = JSON.parse(readFileSync(first.manifest, 'utf8')) as {
      entries: Record<
        string,
        { status: string; files: Array<{ kind: string; name: string; bytes: number }>; time: string }
      >;
    };
    expect(Object.keys(manifest.entries).sort()).toEqual(COURSE_ENTRIES.map((e) => e.id).sort());
    for (const [id, entry] of Object.entries(manifest.entries)) {
      expect(entry.status, id).toBe('saved');
      expect(Date.parse(entry.time)).toBeGreaterThan(0);
      for (const file of entry.files) {
        expect(statSync(join(folder, 'Biology 101', file.name)).size, file.name).toBe(file.bytes);
      }
    }
  });

  it('transfers nothing when run again: every file is whole', async () => {
    sandbox.clearLog();
    const again = await saveLibrary(server, {
      category_id: 202,
      captions: ['all'],
      thumbnail: true,
      metadata: true,
      subfolder: 'Biology 101',
    });
    expect(again).toMatchObject({ entries: 12, saved: 0, skipped: 12, failed: 0, bytes: 0 });
    expect(sandbox.files).toEqual([]);
    // At most ceil(N/50) + 3 Kaltura requests: the listing page, one batch's listing, its URLs.
    expect(sandbox.log.length).toBeGreaterThan(0);
    expect(sandbox.log.length).toBeLessThanOrEqual(Math.ceil(12 / 50) + 3);
  });
});

describe('selections', () => {
  it('saves a search, as list_media_entries matches it, up to limit entries in Kaltura order', async () => {
    const { server } = await serverWithFolder();
    const answer = await saveLibrary(server, { search_text: 'biology', limit: 5 });
    expect(answer.results.map((r) => r.entry_id)).toEqual(COURSE_ENTRIES.slice(0, 5).map((e) => e.id));
    expect(answer).toMatchObject({ entries: 5, saved: 5 });
  });

  it('saves 500 ids with their captions in at most ceil(500/50) + 3 Kaltura requests', async () => {
    const { server, folder } = await serverWithFolder();
    sandbox.clearLog();
    const answer = await saveLibrary(server, {
      entry_ids: MANY.map((e) => e.id),
      captions: ['all'],
      quality: 'lowest',
    });
    expect(answer).toMatchObject({ entries: 500, saved: 500, failed: 0 });
    expect(sandbox.log.length).toBeLessThanOrEqual(Math.ceil(500 / 50) + 3);
    expect(readdirSync(folder).filter((n) => n.endsWith('.mp4'))).toHaveLength(500);
    expect(readdirSync(folder).filter((n) => n.endsWith('.en.srt'))).toHaveLength(500);
  });

  it('answers every entry: one bad entry never fails the others', async () => {
    const { server } = await serverWithFolder();
    const answer = await saveLibrary(server, {
      entry_ids: ['4_bio00001', '1_missing1', 'not an id', '1_noflav01', '4_bio00002'],
    });
    expect(answer.results.map((r) => [r.entry_id, r.ok, r.errorType])).toEqual([
      ['4_bio00001', true, undefined],
      ['1_missing1', false, 'ENTRY_ID_NOT_FOUND'],
      ['not an id', false, 'INVALID_ENTRY_ID'],
      ['1_noflav01', false, 'NO_FLAVORS'],
      ['4_bio00002', true, undefined],
    ]);
    expect(answer).toMatchObject({ entries: 5, saved: 2, failed: 3 });
    const manifest = JSON.parse(readFileSync(answer.manifest, 'utf8')) as {
      entries: Record<string, { status: string }>;
    };
    expect(manifest.entries['1_missing1']!.status).toBe('failed');
  });

  it.each([
    [{}, 'Choose exactly one selection'],
    [{ entry_ids: ['4_bio00001'], category_id: 202 }, 'Choose exactly one selection'],
    [{ entry_ids: ['4_bio00001'], limit: 3 }, 'limit applies to category_id or a search'],
    [{ category_id: 202, subfolder: '../out' }, 'the subfolder name cannot be used'],
  ])('refuses %j, saying what to do', async (args, text) => {
    const { server } = await serverWithFolder();
    const result = await server.call('save_media_files', args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(text);
  });

  it("says a category that is not the partner's does not exist, in Kaltura's words", async () => {
    const { server } = await serverWithFolder();
    const result = await server.call('save_media_files', { category_id: 301 });
    expect(jsonOf(result)).toMatchObject({
      errorType: 'CATEGORY_NOT_FOUND',
      error: 'Failed to save media files: Category id "301" not found (CATEGORY_NOT_FOUND)',
    });
  });
});

describe('names', () => {
  it('never makes a Windows device name of a title: "NUL.txt" is saved as "_NUL.txt [<id>].mp4"', async () => {
    const { server, folder } = await serverWithFolder();
    const answer = await saveLibrary(server, { entry_ids: [DEVICE_TITLED.id] });
    expect(answer.results[0]!.files.map((f) => f.path)).toEqual([join(folder, '_NUL.txt [1_nuldev01].mp4')]);
    expect(readdirSync(folder).sort()).toEqual(['_NUL.txt [1_nuldev01].mp4', 'kaltura-manifest.json']);
  });
});

describe('files already there', () => {
  it('says which subfolder, which rendition the manifest records there, and what save_media_files can do about it', async () => {
    const { server } = await serverWithFolder();
    await saveLibrary(server, { entry_ids: ['1_demo0001'], quality: 'lowest', subfolder: 'Course' });
    const again = await saveLibrary(server, { entry_ids: ['1_demo0001'], quality: 'highest', subfolder: 'Course' });
    expect(again).toMatchObject({ failed: 1 });
    const { error, errorType } = again.results[0]!;
    expect(errorType).toBe('FILE_EXISTS');
    expect(error).toContain(
      '"Demo video [1_demo0001].mp4" already exists in the subfolder "Course" of KALTURA_DOWNLOAD_DIR',
    );
    expect(error).toContain('the manifest records it as flavor 1_demof002 of entry 1_demo0001');
    expect(error).toContain('to keep both, save into another subfolder; to replace it, remove it');
    expect(error).not.toContain('file_name');
  });

  it('skips, on every run, a file of unknown length the manifest records as saved with exactly its length', async () => {
    const { server, folder } = await serverWithFolder();
    expect(await saveLibrary(server, { entry_ids: ['1_nosize01'] })).toMatchObject({ saved: 1, failed: 0 });
    for (let run = 0; run < 2; run += 1) {
      sandbox.clearLog();
      const again = await saveLibrary(server, { entry_ids: ['1_nosize01'] });
      expect(again, JSON.stringify(again.results)).toMatchObject({ saved: 0, skipped: 1, failed: 0, bytes: 0 });
      expect(fileGets()).toEqual([]);
    }
    expect(readdirSync(folder).sort()).toEqual(['Unknown size [1_nosize01].mp4', 'kaltura-manifest.json']);
  });
});

describe('a full disk, a read-only folder', () => {
  /** A fresh folder of the test's own (removed at the end). */
  const newFolder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-library-'));
    folders.push(dir);
    return dir;
  };
  const COURSE = COURSE_ENTRIES.slice(0, 3).map((e) => e.id);
  const mediaNames = COURSE_ENTRIES.slice(0, 2).map((e) => `${stemOf(e)}.mp4`);

  it('answers every entry INSUFFICIENT_SPACE, says why the manifest could not be written, and leaves no lock or temporary file', async () => {
    const { server, folder } = await serverWithFolder();
    await saveLibrary(server, { entry_ids: COURSE.slice(0, 2) });
    const manifestBefore = readFileSync(join(folder, 'kaltura-manifest.json'), 'utf8');
    const disk = fullDisk(newFolder(), 0);
    const full = await servers.start(
      sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: folder, ...disk.env }),
      disk.nodeArgs,
    );
    // The first two are whole already: their metadata does not fit; the third: not even its lock.
    const answer = await saveLibrary(full, { entry_ids: COURSE, metadata: true });
    expect(answer.results.map((r) => [r.entry_id, r.ok, r.errorType])).toEqual(
      COURSE.map((id) => [id, false, 'INSUFFICIENT_SPACE']),
    );
    for (const result of answer.results) expect(result.error).not.toContain(folder);
    expect(answer).toMatchObject({ entries: 3, failed: 3 });
    expect(answer.manifestError).toBe(
      'the manifest, kaltura-manifest.json in KALTURA_DOWNLOAD_DIR, could not be written (ENOSPC: no space left on the disk), so it does not list what this call did: make room on the disk, then call again (whole files are skipped) to bring it up to date',
    );
    expect(readdirSync(folder).sort()).toEqual([...mediaNames, 'kaltura-manifest.json'].sort());
    expect(readFileSync(join(folder, 'kaltura-manifest.json'), 'utf8')).toBe(manifestBefore);
  });

  it('answers every entry when the folder turns read-only mid-run, saying the manifest could not be written and why', async () => {
    const folder = newFolder();
    chmodSync(folder, 0o777);
    // As root, permissions never bite: the server runs as nobody then.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const s = await startServer(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: folder }), folder, [], user);
    try {
      sandbox.setFileServing({ bytesPerSecond: 128 * 1024 });
      const call = saveLibrary(s, { entry_ids: COURSE.slice(0, 2) });
      await eventually(
        () => readdirSync(folder).filter((n) => n.endsWith('.part')).length === 2,
        'both downloads began',
      );
      chmodSync(folder, 0o555);
      const answer = await call;
      expect(answer.results.map((r) => [r.entry_id, r.ok, r.errorType])).toEqual(
        COURSE.slice(0, 2).map((id) => [id, false, 'SAVE_FAILED']),
      );
      expect(answer.results[0]!.error).toContain('make KALTURA_DOWNLOAD_DIR writable and call again');
      expect(answer.manifestError).toBe(
        'the manifest, kaltura-manifest.json in KALTURA_DOWNLOAD_DIR, could not be written (EACCES: permission denied), so it does not list what this call did: make the folder writable, then call again (whole files are skipped) to bring it up to date',
      );
    } finally {
      chmodSync(folder, 0o777);
      await s.close();
    }
  });
});

describe('subfolders', () => {
  const outsideFolder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-outside-'));
    folders.push(dir);
    return dir;
  };
  const refused = async (server: RunningServer, args: Record<string, unknown>) => {
    const result = await server.call('save_media_files', args);
    expect(result.isError, textOf(result)).toBe(true);
    return jsonOf(result) as { error: string; errorType: string };
  };

  it('refuses a subfolder that is a file, naming the subfolder, not KALTURA_DOWNLOAD_DIR, as what to change', async () => {
    const { server, folder } = await serverWithFolder();
    writeFileSync(join(folder, 'notes'), 'my notes');
    const body = await refused(server, { entry_ids: ['4_bio00001'], subfolder: 'notes' });
    expect(body).toMatchObject({
      errorType: 'SAVE_FAILED',
      error:
        'Failed to save media files: subfolder "notes" names a file in KALTURA_DOWNLOAD_DIR, not a folder: choose another subfolder, or move the file',
    });
    expect(readFileSync(join(folder, 'notes'), 'utf8')).toBe('my notes');
  });

  it('refuses a read-only subfolder, naming the subfolder and the fix', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-library-'));
    folders.push(folder);
    chmodSync(folder, 0o777);
    mkdirSync(join(folder, 'locked'));
    chmodSync(join(folder, 'locked'), 0o555);
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const s = await startServer(sandboxEnv(sandbox.url, { KALTURA_DOWNLOAD_DIR: folder }), folder, [], user);
    try {
      const body = await refused(s, { entry_ids: ['4_bio00001'], subfolder: 'locked' });
      expect(body).toMatchObject({
        errorType: 'SAVE_FAILED',
        error:
          'Failed to save media files: subfolder "locked" of KALTURA_DOWNLOAD_DIR is not writable (EACCES: permission denied): make it writable, or choose another subfolder',
      });
    } finally {
      chmodSync(join(folder, 'locked'), 0o755);
      await s.close();
    }
  });

  it('refuses a subfolder that is a symlink leading out of the download folder, and writes nothing out there', async () => {
    const { server, folder } = await serverWithFolder();
    const outside = outsideFolder();
    symlinkSync(outside, join(folder, 'linkout'));
    const body = await refused(server, { entry_ids: ['4_bio00001'], subfolder: 'linkout' });
    expect(body).toMatchObject({
      errorType: 'UNSAFE_FILE_NAME',
      error:
        'Failed to save media files: subfolder "linkout" is a symlink that leads out of KALTURA_DOWNLOAD_DIR, and saves never leave it: choose another subfolder, or replace the link with a folder',
    });
    expect(readdirSync(outside)).toEqual([]);
    // A link to a folder inside the download folder stays inside: it is taken.
    mkdirSync(join(folder, 'Real'));
    symlinkSync(join(folder, 'Real'), join(folder, 'alias'));
    expect(await saveLibrary(server, { entry_ids: ['4_bio00001'], subfolder: 'alias' })).toMatchObject({
      folder: join(folder, 'Real'),
      saved: 1,
    });
  });

  it('never writes out of the download folder when the subfolder is swapped for a link mid-run', async () => {
    const { server, folder } = await serverWithFolder();
    const outside = outsideFolder();
    // Files out there by the names of this run's parts: never touched through the link.
    const decoys = COURSE_ENTRIES.slice(0, 8).map((e) => `.${stemOf(e)}.mp4.part`);
    for (const decoy of decoys) writeFileSync(join(outside, decoy), '');
    sandbox.setFileServing({ bytesPerSecond: 256 * 1024 });
    const call = saveLibrary(server, {
      entry_ids: COURSE_ENTRIES.slice(0, 8).map((e) => e.id),
      metadata: true,
      subfolder: 'Course',
    });
    const course = join(folder, 'Course');
    await eventually(
      () => existsSync(course) && readdirSync(course).some((n) => n.endsWith('.part')),
      'a download began',
    );
    renameSync(course, join(folder, 'Moved'));
    symlinkSync(outside, course);
    const answer = await call;
    expect(readdirSync(outside).sort()).toEqual(decoys.sort());
    expect(answer.failed).toBeGreaterThan(0);
    expect(answer.manifestError).toContain('ELOOP');
  });

  it('refuses a subfolder name longer than 200 bytes of UTF-8, whatever its characters, and creates nothing', async () => {
    const { server, folder } = await serverWithFolder();
    const subfolder = '講'.repeat(198);
    const body = await refused(server, { entry_ids: ['4_bio00001'], subfolder });
    expect(body).toMatchObject({
      errorType: 'UNSAFE_FILE_NAME',
      error:
        'Failed to save media files: the subfolder name cannot be used: it is 594 bytes long in UTF-8, more than 200; give a shorter folder name such as "Biology 101"',
    });
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('images', () => {
  it('saves each image of a search with thumbnail true as its own picture, the thumbnail not saved and said why', async () => {
    const { server, folder } = await serverWithFolder();
    const answer = await saveLibrary(server, { media_type: 'image', thumbnail: true });
    expect(answer).toMatchObject({ entries: 1, saved: 1, failed: 0 });
    expect(answer.results).toEqual([
      {
        entry_id: '1_image001',
        ok: true,
        files: [{ kind: 'media', path: join(folder, 'Poster image [1_image001].jpg'), bytes: 123_457 }],
        missing: [{ kind: 'thumbnail', reason: 'the entry is an image: its saved file is its own picture' }],
      },
    ]);
    expect(readdirSync(folder).sort()).toEqual(['Poster image [1_image001].jpg', 'kaltura-manifest.json']);
    expect(await saveLibrary(server, { media_type: 'image', thumbnail: true })).toMatchObject({
      skipped: 1,
      failed: 0,
    });
  });
});

describe('interruptions', () => {
  it('continues each file of a run cut half-way, transferring only the rest', async () => {
    const { server, folder } = await serverWithFolder();
    sandbox.setFileServing({ cutAt: 0.5 });
    const cut = await saveLibrary(server, { category_id: 202 });
    expect(cut.failed).toBe(12);
    expect(cut.results[0], JSON.stringify(cut.results[0])).toMatchObject({
      ok: false,
      errorType: 'INCOMPLETE_DOWNLOAD',
    });
    const manifest = JSON.parse(readFileSync(cut.manifest, 'utf8')) as { entries: Record<string, { status: string }> };
    expect(Object.values(manifest.entries).every((e) => e.status === 'failed')).toBe(true);
    sandbox.setFileServing({ cutAt: undefined });
    sandbox.clearLog();
    const rest = await saveLibrary(server, { category_id: 202 });
    expect(rest).toMatchObject({ saved: 12, failed: 0 });
    const whole = COURSE_ENTRIES.reduce((sum, e) => sum + fileLength(e.flavors[0]!)!, 0);
    const transferred = fileGets().reduce((sum, f) => sum + f.bytesSent, 0);
    expect(fileGets().every((f) => f.status === 206)).toBe(true);
    expect(transferred).toBeLessThan(whole * 0.6);
    expect(rest.bytes).toBe(transferred);
    expectCourseOriginals(folder);
  });

  it('stops every download when cancelled, and keeps the manifest true', async () => {
    const { server, folder } = await serverWithFolder();
    sandbox.setFileServing({ bytesPerSecond: 64 * 1024 });
    const controller = new AbortController();
    const call = server.client
      .callTool({ name: 'save_media_files', arguments: { category_id: 202 } }, undefined, { signal: controller.signal })
      .catch(() => 'cancelled');
    await eventually(() => readdirSync(folder).some((n) => n.endsWith('.mp4')), 'an entry was saved', 15_000);
    controller.abort();
    expect(await call).toBe('cancelled');
    await eventually(
      () =>
        fileGets().every((f) => f.clientGone || f.bytesSent > 0) &&
        readdirSync(folder).every((n) => !n.endsWith('.part')),
      'the downloads stopped, leaving no part',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(fileGets())} ${readdirSync(folder).join(', ')}`);
    });
    await eventually(() => existsSync(join(folder, 'kaltura-manifest.json')), 'the manifest was written');
    const saved = readdirSync(folder).filter((n) => n.endsWith('.mp4'));
    const manifest = JSON.parse(readFileSync(join(folder, 'kaltura-manifest.json'), 'utf8')) as {
      entries: Record<string, { status: string; files: Array<{ name: string }> }>;
    };
    const recordedSaved = Object.values(manifest.entries).filter((e) => e.status === 'saved');
    expect(recordedSaved.flatMap((e) => e.files.map((f) => f.name)).sort()).toEqual(saved.sort());
    expect(recordedSaved.length).toBeLessThan(12);
  });
});

describe('two library saves into one folder at once', () => {
  it("keep each other's entries in the manifest", async () => {
    const { server, folder } = await serverWithFolder();
    const [a, b] = await Promise.all([
      saveLibrary(server, { entry_ids: COURSE_ENTRIES.slice(0, 6).map((e) => e.id), subfolder: 'shared' }),
      saveLibrary(server, { entry_ids: COURSE_ENTRIES.slice(6).map((e) => e.id), subfolder: 'shared' }),
    ]);
    expect([a.saved, b.saved]).toEqual([6, 6]);
    const manifest = JSON.parse(readFileSync(join(folder, 'shared', 'kaltura-manifest.json'), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    expect(Object.keys(manifest.entries).sort()).toEqual(COURSE_ENTRIES.map((e) => e.id).sort());
  });
});

describe('sharing the save slots, and keep_partial', () => {
  it('shares the 4 download slots with save_media_file: never more than 4 files at once', async () => {
    const { server } = await serverWithFolder();
    sandbox.setFileServing({ bytesPerSecond: 64 * 1024 });
    const controller = new AbortController();
    const options = { signal: controller.signal };
    // Three single saves of a file that takes seconds at this rate hold three of the slots.
    const singles = [0, 1, 2].map((i) =>
      server.client
        .callTool(
          { name: 'save_media_file', arguments: { entry_id: '1_noorig01', file_name: `single${i}.mp4` } },
          undefined,
          options,
        )
        .catch(() => undefined),
    );
    await eventually(() => fileGets().length === 3, 'three single saves began');
    const library = server.client
      .callTool({ name: 'save_media_files', arguments: { category_id: 202 } }, undefined, options)
      .catch(() => undefined);
    await eventually(() => fileGets().length >= 4, 'the library took the fourth slot');
    // A course file takes about 3 s here: none ends in this wait, so a fifth GET would be a fifth slot.
    await new Promise((r) => setTimeout(r, 500));
    expect(fileGets()).toHaveLength(4);
    controller.abort();
    await Promise.all([...singles, library]);
    await eventually(() => fileGets().every((f) => f.clientGone || f.bytesSent > 0), 'the downloads stopped');
  });

  it('keeps the parts on cancellation with keep_partial, and the next call continues them', async () => {
    const { server, folder } = await serverWithFolder();
    sandbox.setFileServing({ bytesPerSecond: 128 * 1024 });
    const controller = new AbortController();
    const call = server.client
      .callTool({ name: 'save_media_files', arguments: { category_id: 202, keep_partial: true } }, undefined, {
        signal: controller.signal,
      })
      .catch(() => 'cancelled');
    const parts = () => readdirSync(folder).filter((n) => n.endsWith('.mp4.part'));
    await eventually(
      () => parts().some((n) => statSync(join(folder, n)).size > 64 * 1024),
      'a download was well under way',
      15_000,
    );
    controller.abort();
    expect(await call).toBe('cancelled');
    await eventually(
      () => !readdirSync(folder).some((n) => n.endsWith('.part.lock')),
      'the saves let go of their locks',
    );
    const kept = parts();
    expect(kept.length).toBeGreaterThan(0);
    for (const part of kept) expect(readdirSync(folder)).toContain(`${part}.json`);
    sandbox.setFileServing({ bytesPerSecond: 0 });
    sandbox.clearLog();
    const rest = await saveLibrary(server, { category_id: 202 });
    expect(rest).toMatchObject({ entries: 12, failed: 0 });
    // Each kept part continued from where it stopped: a ranged GET, answered 206.
    expect(fileGets().filter((f) => f.status === 206).length).toBeGreaterThanOrEqual(kept.length);
    expectCourseOriginals(folder);
    expect(readdirSync(folder).filter((n) => n.includes('.part'))).toEqual([]);
  });
});

describe('progress and tasks', () => {
  it('sends progress to a host without tasks: bytes over all files, "N/M entries", at most every 250 ms and at least every 2 s', async () => {
    const { server } = await serverWithFolder();
    sandbox.setFileServing({ bytesPerSecond: 256 * 1024 });
    const seen: Array<{ progress: number; total?: number; message?: string; at: number }> = [];
    const started = performance.now();
    const result = await server.client.callTool(
      { name: 'save_media_files', arguments: { category_id: 202 } },
      undefined,
      {
        onprogress: (p) => seen.push({ ...p, at: performance.now() }),
        timeout: 60_000,
      },
    );
    const elapsed = performance.now() - started;
    expect(result.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThan(3);
    // At most one every 250 ms, counted over the call: the gaps the client sees are not the
    // server's (notes delayed on a loaded machine arrive together).
    expect(seen.length).toBeLessThanOrEqual(Math.floor(elapsed / 250) + 2);
    for (let i = 1; i < seen.length; i += 1) {
      // Never silent for long (the heartbeat itself is the next test's), with room for a loaded machine.
      expect(seen[i]!.at - seen[i - 1]!.at).toBeLessThan(5000);
      expect(seen[i]!.progress).toBeGreaterThanOrEqual(seen[i - 1]!.progress);
    }
    // The last word goes out just before the answer; the SDK's client may handle the answer first
    // (it reads notifications a tick later), so only the messages' shape and order are checked.
    const counts = seen.map((p) => Number(/^(\d+)\/12 entries$/.exec(p.message ?? '')?.[1]));
    expect(counts.every((n) => n >= 0 && n <= 12)).toBe(true);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBeGreaterThan(0);
  });

  it('sends no total, and says it is looking entries up, until the total is known', async () => {
    const { server } = await serverWithFolder();
    const seen: Array<{ progress: number; total?: number; message?: string }> = [];
    sandbox.setLatency(2500);
    try {
      const result = await server.client.callTool(
        { name: 'save_media_files', arguments: { category_id: 202 } },
        undefined,
        { onprogress: (p) => seen.push(p), timeout: 60_000 },
      );
      expect(result.isError).toBeFalsy();
    } finally {
      sandbox.setLatency(0);
    }
    // The listing took over 2 s: a heartbeat went out while nothing was known.
    expect(seen[0]).toEqual({ progress: 0, message: 'looking up entries' });
    for (const p of seen) {
      expect(p.message).not.toMatch(/^0\/0 entries/);
      expect(p.total === undefined || p.total >= p.progress).toBe(true);
      expect(p.total).not.toBe(0);
    }
  });

  it('runs as an MCP task: created at once, polled with tasks/get, its result from tasks/result', async () => {
    const { server } = await serverWithFolder();
    sandbox.setFileServing({ bytesPerSecond: 2 * 1024 * 1024 });
    const { tools } = await server.client.listTools();
    expect(tools.find((t) => t.name === 'save_media_files')?.execution).toEqual({ taskSupport: 'optional' });
    const created = await server.client.request(
      {
        method: 'tools/call',
        params: { name: 'save_media_files', arguments: { category_id: 202 }, task: { ttl: 60_000 } },
      },
      CreateTaskResultSchema,
    );
    const { taskId } = created.task;
    expect(created.task.status).toBe('working');
    let task = await server.client.experimental.tasks.getTask(taskId);
    for (let i = 0; i < 200 && task.status === 'working'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      task = await server.client.experimental.tasks.getTask(taskId);
    }
    expect(task.status).toBe('completed');
    expect(task.statusMessage).toMatch(/^\d+\/12 entries$/);
    const result = await server.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
    expect(result.structuredContent).toMatchObject({ entries: 12, saved: 12 });
  });

  it("runs as a task through the SDK client's own task API, callToolStream, to a result that meets the output schema", async () => {
    const { server } = await serverWithFolder();
    const kinds: string[] = [];
    let result: CallToolResult | undefined;
    for await (const message of server.client.experimental.tasks.callToolStream(
      { name: 'save_media_files', arguments: { category_id: 202, captions: ['en'] } },
      CallToolResultSchema,
      { task: { ttl: 60_000 }, timeout: 60_000 },
    )) {
      kinds.push(message.type);
      if (message.type === 'error') throw message.error;
      if (message.type === 'result') result = message.result as CallToolResult;
    }
    expect(kinds[0]).toBe('taskCreated');
    expect(kinds.at(-1)).toBe('result');
    expect(result?.isError, JSON.stringify(result?.content)).toBeFalsy();
    expect(result?.structuredContent).toMatchObject({ entries: 12, saved: 12, failed: 0 });
  });

  it('stops a task on tasks/cancel', async () => {
    const { server } = await serverWithFolder();
    sandbox.setFileServing({ bytesPerSecond: 64 * 1024 });
    const created = await server.client.request(
      { method: 'tools/call', params: { name: 'save_media_files', arguments: { category_id: 202 }, task: {} } },
      CreateTaskResultSchema,
    );
    await eventually(() => fileGets().length > 0, 'a download began');
    const cancelled = await server.client.experimental.tasks.cancelTask(created.task.taskId);
    expect(cancelled.status).toBe('cancelled');
    // The downloads in flight are cut (at 64 KiB/s none of these ~200 KB files could have ended).
    await eventually(() => fileGets().some((f) => f.clientGone), 'the downloads in flight were cut');
    await eventually(
      () => logLines(server.transport).some((l) => l.tool === 'save_media_files' && l.outcome === 'cancelled'),
      'the call ended as cancelled',
    );
    // A request already on its way when the task was cancelled may still land; then nothing more.
    await new Promise((r) => setTimeout(r, 300));
    const quiet = fileGets().length;
    await new Promise((r) => setTimeout(r, 700));
    expect(fileGets().length).toBe(quiet);
    expect(fileGets().length).toBeLessThan(12);
  });

  it('keeps quick calls answered while 32 library saves run as tasks, and cancelling them stops their downloads', async () => {
    const { server } = await serverWithFolder();
    sandbox.setFileServing({ bytesPerSecond: 32 * 1024 });
    const ids = COURSE_ENTRIES.map((e) => e.id);
    const tasks = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        server.client.request(
          {
            method: 'tools/call',
            params: {
              name: 'save_media_files',
              arguments: { entry_ids: [ids[i % ids.length]!], subfolder: `t${i}` },
              task: {},
            },
          },
          CreateTaskResultSchema,
        ),
      ),
    );
    await eventually(() => fileGets().length > 0, 'a download began');
    const answer = await server.client.callTool(
      { name: 'get_download_url', arguments: { entry_id: '1_demo0001' } },
      undefined,
      {
        timeout: 5000,
      },
    );
    expect(answer.isError).toBeFalsy();
    for (const { task } of tasks) await server.client.experimental.tasks.cancelTask(task.taskId);
    await new Promise((r) => setTimeout(r, 300));
    const quiet = fileGets().length;
    await new Promise((r) => setTimeout(r, 700));
    expect(fileGets().length).toBe(quiet);
    expect(fileGets().some((f) => f.clientGone)).toBe(true);
  });

  it('answers an ordinary call to a client that asks for no task', async () => {
    const { server } = await serverWithFolder();
    const answer = await saveLibrary(server, { entry_ids: ['4_bio00003'], captions: ['es'] });
    expect(answer.results[0]!.files.map((f) => f.kind)).toEqual(['media', 'caption']);
  });

  it('names a language asked for that the entry has no caption in as missing', async () => {
    const { server } = await serverWithFolder();
    const answer = await saveLibrary(server, { entry_ids: ['4_bio00003'], captions: ['ja', 'es'] });
    expect(answer.results[0]!.files.map((f) => f.kind)).toEqual(['media', 'caption']);
    expect(answer.results[0]!.missing).toEqual([
      { kind: 'caption', languageCode: 'ja', reason: 'the entry has no caption in this language' },
    ]);
  });
});
