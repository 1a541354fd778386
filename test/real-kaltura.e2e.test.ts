/**
 * What the real Kaltura does that a kind sandbox would hide, and the server's answer to each:
 * file names put into URLs as given, the "die" answer, getUrl's null, a wrong secret, a host
 * clock behind Kaltura's, servers older than `_all`, media.list's defaults, and download URLs
 * that serve bytes. The built server over stdio against the (strict) sandbox.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkKs } from './sandbox/ks.js';
import { SANDBOX_ADMIN_SECRET, SANDBOX_USER_SECRET } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import {
  jsonOf,
  logLines,
  sandboxEnv,
  startServer,
  textOf,
  type RunningServer,
  ServerPool,
} from './helpers/server-process.js';

let sandbox: Sandbox;
let server: RunningServer;
const servers = new ServerPool();
const serve = (env: Record<string, string>) => servers.start(env);

const download = (s: RunningServer, args: Record<string, unknown>) => s.call('get_download_url', args);

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startServer(sandboxEnv(sandbox.url));
});

afterEach(() => {
  sandbox.setFault(undefined);
  sandbox.setClockSkew(0);
  sandbox.setLegacyReferences(false);
  sandbox.clearLog();
});

afterAll(async () => {
  await Promise.all([server?.close(), servers.closeAll()]);
  await sandbox?.close();
});

describe('file_name: Kaltura puts options.fileName into the URL as given', () => {
  it.each([
    ['My Lecture 1.mp4', 'My_Lecture_1.mp4'],
    ['notes #3?.mp4', 'notes__3_.mp4'],
    ['100% done.mp4', '100__done.mp4'],
    ['résumé (final).mov', 'r_sum__(final).mov'],
  ])('%j gives a working URL with the name cleaned as Kaltura cleans its own', async (file_name, cleaned) => {
    const result = await download(server, { entry_id: '1_demo0001', file_name });
    expect(result.isError).toBeFalsy();
    const url = String(jsonOf(result).downloadUrl);
    expect(url).toContain(`/fileName/${cleaned}/`);
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${cleaned}"`);
  });
});

describe("Kaltura's die answer: an empty body and X-Kaltura headers", () => {
  it('names access control when a USER session may not download a restricted entry, and keeps serving', async () => {
    const user = await serve(
      sandboxEnv(sandbox.url, { KALTURA_SESSION_TYPE: 'USER', KALTURA_SESSION_PRIVILEGES: 'list:*,sview:*' }),
    );
    const result = await download(user, { entry_id: '1_private1' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({
      error:
        "Failed to get download URL: Kaltura ended the request with error 3 (entry restricted due to access-control): the entry's access-control profile restricts its files; an ADMIN session, or one with the privilege download:<entry id> or download:*, is allowed",
      errorType: 'ACCESS_CONTROL_RESTRICTED',
      operation: 'get download URL',
      entry_id: '1_private1',
    });
    // The sandbox really died: the one HTTP request carried no answer at all.
    expect(sandbox.log).toHaveLength(1);
    expect((await download(user, { entry_id: '1_demo0001' })).isError).toBeFalsy();
  });

  it.each([
    ['an ADMIN session', {}],
    [
      'a USER session with download:*',
      { KALTURA_SESSION_TYPE: 'USER', KALTURA_SESSION_PRIVILEGES: 'sview:*,download:*' },
    ],
    [
      'a USER session with download:<entry>',
      { KALTURA_SESSION_TYPE: 'USER', KALTURA_SESSION_PRIVILEGES: 'sview:*,download:1_private1' },
    ],
    [
      'a USER session with download given for two entries',
      { KALTURA_SESSION_TYPE: 'USER', KALTURA_SESSION_PRIVILEGES: 'sview:*,download:1_demo0001,download:1_private1' },
    ],
  ])('lets %s download the restricted entry', async (_, env) => {
    const s = Object.keys(env).length ? await serve(sandboxEnv(sandbox.url, env)) : server;
    const result = await download(s, { entry_id: '1_private1' });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(jsonOf(result).flavorId).toBe('1_privsrc1');
  });
});

describe("getUrl's null", () => {
  it('says there is no download URL for the flavor and why, not "invalid response"', async () => {
    const result = await download(server, { entry_id: '1_remote01' });
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({
      errorType: 'NO_DOWNLOAD_URL',
      error:
        'Failed to get download URL: Kaltura has no download URL for flavor 1_remotsrc: no delivery profile serves its file (for example, it is kept only on remote storage); choose another flavor, or ask your Kaltura administrator to enable downloads for it',
    });
  });
});

describe('the wrong secret, the first-day mistake', () => {
  const hint =
    /Kaltura did not accept KALTURA_ADMIN_SECRET for partner 976543; check that KALTURA_ADMIN_SECRET is that partner's admin secret \(KMC > Settings > Integration Settings; not the user secret\) and that KALTURA_PARTNER_ID is right$/;

  it.each([
    ['another secret', 'not-the-admin-secret-at-all'],
    ['the user secret', SANDBOX_USER_SECRET],
  ])('signing locally with %s: says to check KALTURA_ADMIN_SECRET and KALTURA_PARTNER_ID', async (_, secret) => {
    const wrong = await serve(sandboxEnv(sandbox.url, { KALTURA_ADMIN_SECRET: secret }));
    const body = jsonOf(await download(wrong, { entry_id: '1_demo0001' }));
    expect(body.errorType).toBe('INVALID_KS');
    expect(String(body.error)).toMatch(
      /^Failed to get download URL: Invalid KS "djJ8\*\*\*", Error "-1,INVALID_STR": /,
    );
    expect(String(body.error)).toMatch(hint);
    expect(wrong.transport.allOutput()).not.toContain(secret);
  });

  it('with session.start (remote mode): the same advice', async () => {
    const wrong = await serve(
      sandboxEnv(sandbox.url, { KALTURA_SESSION_MODE: 'remote', KALTURA_ADMIN_SECRET: 'not-the-admin-secret-at-all' }),
    );
    const body = jsonOf(await download(wrong, { entry_id: '1_demo0001' }));
    expect(body.errorType).toBe('START_SESSION_ERROR');
    expect(String(body.error)).toMatch(
      /^Failed to get download URL: Error while starting session for partner \[976543\]: /,
    );
    expect(String(body.error)).toMatch(hint);
  });

  it('with session.start for a partner that does not exist: the same advice', async () => {
    const wrong = await serve(sandboxEnv(sandbox.url, { KALTURA_SESSION_MODE: 'remote', KALTURA_PARTNER_ID: '111' }));
    const body = jsonOf(await download(wrong, { entry_id: '1_demo0001' }));
    expect(body.errorType).toBe('SERVICE_FORBIDDEN_CONTENT_BLOCKED');
    expect(String(body.error)).toMatch(/KALTURA_PARTNER_ID is right$/);
  });
});

describe("a host clock behind Kaltura's", () => {
  it("signs against Kaltura's clock once a fresh key is refused as expired, retries once, and logs the skew", async () => {
    const threeDays = 3 * 86400;
    sandbox.setClockSkew(threeDays);
    const s = await serve(sandboxEnv(sandbox.url));
    const result = await download(s, { entry_id: '1_demo0001' });
    expect(result.isError).toBeFalsy();
    expect(sandbox.log).toHaveLength(2);
    // The second key expires a day after Kaltura's now, not the host's.
    const kalturaNow = Math.floor(Date.now() / 1000) + threeDays;
    const second = String(sandbox.log[1]!.calls[0]!.params.ks);
    const check = checkKs(second, SANDBOX_ADMIN_SECRET, kalturaNow);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.ks.validUntil).toBeGreaterThan(kalturaNow + 86000);
    const skew = logLines(s.transport).find((l) => l.level === 'warn');
    expect(skew).toMatchObject({ message: expect.stringContaining("clock differs from Kaltura's") });
    expect(Math.abs(Number(skew!.skewSeconds) - threeDays)).toBeLessThanOrEqual(2);
    // Later calls use the corrected key: one request each.
    sandbox.clearLog();
    expect((await download(s, { entry_id: '1_origlast' })).isError).toBeFalsy();
    expect(sandbox.log).toHaveLength(1);
  });
});

describe('servers older than October 2018 (no `_all` in result references)', () => {
  it('lists entries with their flavors all the same, asking for the flavors by id', async () => {
    sandbox.setLegacyReferences(true);
    const result = await server.call('list_media_entries', { limit: 3 });
    expect(result.isError).toBeFalsy();
    const body = jsonOf(result) as { entries: Array<{ id: string; flavors: unknown[] }> };
    expect(body.entries.map((e) => e.flavors.length)).toEqual([3, 3, 2]);
    expect(sandbox.log).toHaveLength(2);
    expect(sandbox.log[1]!.calls[0]!.params.filter).toMatchObject({ entryIdIn: '1_demo0001,1_origlast,1_noorig01' });
  });
});

describe("media.list's defaults", () => {
  it('lists only READY, moderation-approved entries; get_media_entry still finds the others', async () => {
    const listed = jsonOf(await server.call('list_media_entries', { limit: 100 })) as {
      entries: Array<{ id: string }>;
    };
    const ids = listed.entries.map((e) => e.id);
    expect(ids).not.toContain('1_pending1');
    expect(ids).not.toContain('1_moderat1');
    for (const entry_id of ['1_pending1', '1_moderat1']) {
      expect((await server.call('get_media_entry', { entry_id })).isError).toBeFalsy();
    }
  });

  it.each([
    ['podcast', ['1_audio001']],
    ['Podcast episode', ['1_audio001']],
    ['pod', []],
    ['podc*', ['1_audio001']],
    ['podcast, poster', ['1_audio001', '1_image001']],
  ])('matches search_text %j by whole words, as the search engine does', async (search_text, expected) => {
    const body = jsonOf(await server.call('list_media_entries', { search_text })) as { entries: Array<{ id: string }> };
    expect(body.entries.map((e) => e.id)).toEqual(expected);
  });
});

describe('download URLs serve the file', () => {
  it('with its size as Content-Length, byte ranges, and a refusal for a forged token', async () => {
    const body = jsonOf(await download(server, { entry_id: '1_demo0001', flavor_id: '1_demof003' }));
    const url = String(body.downloadUrl);
    const whole = await fetch(url, { method: 'HEAD' });
    expect(whole.status).toBe(200);
    expect(Number(whole.headers.get('content-length'))).toBe(body.fileSize);
    const part = await fetch(url, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${String(body.fileSize)}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const forged = url.replace(/\/ks\/[^/]+\//, '/ks/djJ8OTc2NTQzfGZvcmdlZA==/');
    expect((await fetch(forged, { method: 'HEAD' })).status).toBe(403);
  });
});
