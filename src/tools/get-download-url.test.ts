/**
 * get_download_url, its rules run in-process over a fake Kaltura (test/helpers/fake-kaltura.ts).
 * The end-to-end proof against the sandbox is test/get-download-url.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fakeKaltura, type FakeEntry } from '../../test/helpers/fake-kaltura.js';
import { jsonOf, textOf, toolClient } from '../../test/helpers/tool-harness.js';

const CONVERTING = 1;

/** A lecture with its original (1080p mov) and two renditions. */
const LECTURE: FakeEntry = {
  id: '1_lecture1',
  name: 'Lecture 1',
  flavors: [
    { id: '1_lec360', height: 360, width: 640, bitrate: 600, fileExt: 'mp4', size: 20_000 },
    { id: '1_lecsrc', isOriginal: true, height: 1080, width: 1920, bitrate: 8000, fileExt: 'mov', size: 900_000 },
    { id: '1_lec720', height: 720, width: 1280, bitrate: 2500, fileExt: 'mp4', size: 80_000, sizeInBytes: 81_920_123 },
  ],
};
/** Uploaded a moment ago: its original is still converting, one rendition is ready. */
const FRESH: FakeEntry = {
  id: '1_fresh001',
  name: 'Fresh',
  flavors: [
    { id: '1_freshsrc', isOriginal: true, status: CONVERTING, height: 1080, fileExt: 'mp4' },
    { id: '1_fresh480', height: 480, bitrate: 900, fileExt: 'mp4', size: 30_000 },
  ],
};

async function setUp(entries: FakeEntry[] = [LECTURE, FRESH]) {
  const kaltura = fakeKaltura(entries);
  return { kaltura, ...(await toolClient(kaltura.door)) };
}

describe('get_download_url', () => {
  it("gives the original's URL, size in bytes and picture, in one round trip", async () => {
    const { kaltura, call } = await setUp();
    const result = await call('get_download_url', { entry_id: '1_lecture1' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      entryId: '1_lecture1',
      entryName: 'Lecture 1',
      flavorId: '1_lecsrc',
      fileSize: 900_000 * 1024,
      bitrate: 8000,
      format: 'mov',
      downloadUrl: expect.stringContaining('/flavorId/1_lecsrc/'),
      width: 1920,
      height: 1080,
    });
    // The entry, its flavors and the likely choices' URLs, all in one multirequest.
    expect(kaltura.roundTrips).toHaveLength(1);
  });

  it('takes the first READY flavor when the original is not ready yet', async () => {
    const { call } = await setUp();
    expect((await call('get_download_url', { entry_id: '1_fresh001' })).structuredContent).toMatchObject({
      flavorId: '1_fresh480',
    });
  });

  it('chooses by quality: the highest at most max_height pixels high, in the format asked', async () => {
    const { call } = await setUp();
    const pick = async (args: Record<string, unknown>) =>
      (await call('get_download_url', { entry_id: '1_lecture1', ...args })).structuredContent?.flavorId;
    expect(await pick({ max_height: 720 })).toBe('1_lec720');
    expect(await pick({ quality: 'lowest' })).toBe('1_lec360');
    expect(await pick({ quality: 'highest', format: 'MP4' })).toBe('1_lec720');
    expect(await pick({ quality: 'original' })).toBe('1_lecsrc');
  });

  it('uses the exact size in bytes when Kaltura records it', async () => {
    const { call } = await setUp();
    const result = await call('get_download_url', { entry_id: '1_lecture1', flavor_id: '1_lec720' });
    expect(result.structuredContent).toMatchObject({ flavorId: '1_lec720', fileSize: 81_920_123 });
  });

  it('names the READY flavors when none matches the criteria', async () => {
    const { call } = await setUp();
    const result = await call('get_download_url', { entry_id: '1_lecture1', format: 'webm' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({
      error: expect.stringMatching(
        /^No READY flavor of entry 1_lecture1 matches quality highest, format webm; the READY flavors are 1_lec360 \(360p mp4, 600 kbps\), .*pass one of them as flavor_id$/,
      ),
      readyFlavors: expect.arrayContaining([expect.objectContaining({ flavorId: '1_lec720', height: 720 })]),
    });
  });

  it('says which status a named flavor is in when it is not ready, and what to do', async () => {
    const { call } = await setUp();
    const result = await call('get_download_url', { entry_id: '1_fresh001', flavor_id: '1_freshsrc' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({
      error:
        'Flavor ID 1_freshsrc of entry 1_fresh001 is not ready for download (status CONVERTING); try again once it is READY, or omit flavor_id to get the best ready flavor',
      flavorId: '1_freshsrc',
      status: 'CONVERTING',
    });
  });

  it("answers the original's text for a flavor the entry does not have", async () => {
    const { call } = await setUp();
    const result = await call('get_download_url', { entry_id: '1_lecture1', flavor_id: '1_other' });
    expect(textOf(result)).toBe('{"error": "Flavor ID 1_other not found for entry 1_lecture1"}');
  });

  it("passes Kaltura's not-found on, in the original's error object with its code", async () => {
    const { call } = await setUp();
    const result = await call('get_download_url', { entry_id: '1_missing1' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({
      error: 'Failed to get download URL: Entry id "1_missing1" not found (ENTRY_ID_NOT_FOUND)',
      errorType: 'ENTRY_ID_NOT_FOUND',
      operation: 'get download URL',
      entry_id: '1_missing1',
    });
  });

  it('names the downloaded file, cleaned for the URL path', async () => {
    const { kaltura, call } = await setUp();
    await call('get_download_url', { entry_id: '1_lecture1', file_name: 'Lecture #1 (final).mov' });
    const getUrl = kaltura.roundTrips.flat().find((r) => r.action === 'flavorasset.geturl');
    expect(getUrl?.params.options).toMatchObject({ fileName: 'Lecture__1_(final).mov' });
  });

  it('says so when no delivery serves the chosen flavor', async () => {
    const { call } = await setUp([
      { id: '1_remote01', flavors: [{ id: '1_remotesrc', isOriginal: true, notServed: true }] },
    ]);
    const result = await call('get_download_url', { entry_id: '1_remote01' });
    expect(jsonOf(result)).toMatchObject({ errorType: 'NO_DOWNLOAD_URL' });
  });

  it('refuses, without asking Kaltura, a malformed id or a flavor_id given with quality criteria', async () => {
    const { kaltura, call } = await setUp();
    expect(textOf(await call('get_download_url', { entry_id: '1_abc; DROP' }))).toBe(
      '{\n  "error": "Invalid entry ID format"\n}',
    );
    expect(
      jsonOf(await call('get_download_url', { entry_id: '1_lecture1', flavor_id: '1_lec720', max_height: 720 })),
    ).toEqual({
      error: 'Choose either flavor_id or quality/max_height/format, not both: flavor_id already names one flavor',
    });
    expect(kaltura.roundTrips).toHaveLength(0);
  });
});
