/**
 * App Tokens end to end: the built server over stdio with only an App Token (no admin secret on
 * the machine) against the sandbox, which checks the token hash over the exact widget KS as
 * Kaltura does; renewal; every refusal's text; the hash-type fallback; the settings a token
 * fixes; and `kaltura-mcp app-token create|list|revoke` run as a user runs it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkKs } from './sandbox/ks.js';
import { OTHER_PARTNER_ID, SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox, type SandboxAppToken } from './sandbox/server.js';
import {
  jsonOf,
  logLines,
  sandboxEnv,
  SERVER_ENTRY,
  ServerPool,
  textOf,
  type RunningServer,
} from './helpers/server-process.js';

let sandbox: Sandbox;
const servers = new ServerPool();
const folders: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
});

beforeEach(() => {
  sandbox.clearLog();
});

afterEach(() => {
  sandbox.setClockSkew(0);
});

afterAll(async () => {
  await servers.closeAll();
  await sandbox?.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const now = () => Math.floor(Date.now() / 1000);
const tempFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-apptoken-'));
  folders.push(folder);
  return folder;
};

/** A token as `kaltura-mcp app-token create` makes one, with `fields` changed. */
const makeToken = (fields: Record<string, unknown> = {}, partnerId = SANDBOX_PARTNER_ID): SandboxAppToken =>
  sandbox.addAppToken(partnerId, {
    sessionType: 0,
    sessionUserId: 'kaltura-mcp',
    sessionPrivileges: 'list:*,sview:*,download:*',
    hashType: 'SHA256',
    ...fields,
  });

/** The environment of a machine with no admin secret: the partner id and the App Token only. */
const tokenEnv = (token: { id: string; token: string }, extra: Record<string, string> = {}): Record<string, string> => {
  const { KALTURA_ADMIN_SECRET: _secret, ...rest } = sandboxEnv(sandbox.url);
  return { ...rest, KALTURA_APP_TOKEN_ID: token.id, KALTURA_APP_TOKEN: token.token, ...extra };
};

const download = (server: RunningServer, entry_id = '1_demo0001') => server.call('get_download_url', { entry_id });
const count = (action: string) => sandbox.actions().filter((a) => a === action).length;
const keysUsed = () => sandbox.log.flatMap((r) => r.calls.map((c) => c.params.ks)).filter((k) => typeof k === 'string');

/**
 * Every KS the server sent was issued by the sandbox itself, as a widget session or from the
 * token; tools ran only with the token's sessions; no admin secret, no session.start.
 */
function expectOnlyTokenSessions(token: SandboxAppToken): void {
  expect(sandbox.actions()).not.toContain('session.start');
  for (const request of sandbox.log) {
    expect(request.body).not.toContain(SANDBOX_ADMIN_SECRET);
    // The value never travels: only its hash does.
    expect(request.body).not.toContain(token.token);
    for (const call of request.calls) {
      const ks = call.params.ks;
      if (call.action === 'startwidgetsession') {
        expect(ks).toBeUndefined();
        continue;
      }
      const origin = sandbox.issuedBy(String(ks));
      if (call.action === 'startsession') {
        expect(origin).toBe('session.startWidgetSession');
        continue;
      }
      expect(origin, `${call.service}.${call.action}`).toBe('appToken.startSession');
      const parsed = checkKs(String(ks), SANDBOX_ADMIN_SECRET, now());
      expect(parsed.ok && parsed.ks.privileges).toEqual(expect.arrayContaining([`apptoken:${token.id}`]));
    }
  }
}

/** Runs `kaltura-mcp …` as a user does, in an empty working directory. */
function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [SERVER_ENTRY, ...args], { env, cwd: tempFolder() }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('every tool with only an App Token', () => {
  it('works, with the widget session and the token’s sessions only, and the token value nowhere', async () => {
    const token = makeToken();
    const folder = tempFolder();
    const server = await servers.start(tokenEnv(token, { KALTURA_DOWNLOAD_DIR: folder, KALTURA_DEBUG: 'true' }));
    const calls: Array<[string, Record<string, unknown>]> = [
      ['list_media_entries', { limit: 5 }],
      ['get_media_entry', { entry_id: '1_demo0001' }],
      // Access control: the token's download:* lets its USER sessions download a restricted entry.
      ['get_download_url', { entry_id: '1_private1' }],
      ['get_download_urls', { entry_ids: ['1_demo0001', '1_origlast'] }],
      ['save_media_file', { entry_id: '1_noorig01' }],
      // A category with its sub-category, with captions and thumbnails: every file it takes saved.
      ['save_media_files', { category_id: 202, captions: ['en'], thumbnail: true, subfolder: 'course' }],
      ['get_thumbnail_url', { entry_id: '1_demo0001' }],
    ];
    for (const [tool, args] of calls) {
      const result = await server.call(tool, args);
      expect(result.isError, `${tool}: ${textOf(result)}`).toBeFalsy();
      if (tool === 'save_media_files') expect(jsonOf(result)).toMatchObject({ entries: 12, saved: 12, failed: 0 });
    }
    expect(jsonOf(await server.call('list_media_entries', { limit: 100 })).totalCount).toBeGreaterThan(5);
    // One widget session and one token session for all of it.
    expect(count('session.startwidgetsession')).toBe(1);
    expect(count('apptoken.startsession')).toBe(1);
    expectOnlyTokenSessions(token);
    const output = server.transport.allOutput();
    expect(output).not.toContain(token.token);
    for (const ks of keysUsed()) expect(output).not.toContain(ks);
    const ready = logLines(server.transport).find((l) => l.message === 'kaltura-mcp ready on stdio');
    expect(ready).toMatchObject({ credential: 'app token', appTokenId: token.id });
  });

  it('asks Kaltura nothing the user did not set: the token decides type, user, privileges and length', async () => {
    const token = makeToken();
    const server = await servers.start(tokenEnv(token));
    expect((await download(server)).isError).toBeFalsy();
    const start = sandbox.log.flatMap((r) => r.calls).find((c) => c.action === 'startsession')!;
    expect(start.params).toMatchObject({ id: token.id, tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    for (const name of ['type', 'userId', 'expiry', 'sessionPrivileges']) expect(start.params).not.toHaveProperty(name);
    const used = checkKs(String(sandbox.log.at(-1)!.calls[0]!.params.ks), SANDBOX_ADMIN_SECRET, now());
    expect(used).toMatchObject({
      ok: true,
      ks: {
        type: 0,
        userId: 'kaltura-mcp',
        privileges: [`sessionid:${token.id}`, `apptoken:${token.id}`, 'list:*', 'sview:*', 'download:*'],
      },
    });
  });

  it('makes one Kaltura request per call once the session exists', async () => {
    const server = await servers.start(tokenEnv(makeToken()));
    expect((await download(server)).isError).toBeFalsy();
    sandbox.clearLog();
    for (const entry_id of ['1_demo0001', '1_origlast', '1_noorig01']) {
      expect((await server.call('get_media_entry', { entry_id })).isError).toBeFalsy();
    }
    expect(sandbox.log).toHaveLength(3);
  });
});

describe('renewal', () => {
  it('starts a new session before the token’s session expires', async () => {
    // A 4 s session is renewed 2 s before its end.
    const token = makeToken({ sessionDuration: 4 });
    const server = await servers.start(tokenEnv(token));
    expect((await download(server)).isError).toBeFalsy();
    expect((await download(server)).isError).toBeFalsy();
    expect(count('apptoken.startsession')).toBe(1);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await download(server)).isError).toBeFalsy();
    expect(count('session.startwidgetsession')).toBe(2);
    expect(count('apptoken.startsession')).toBe(2);
    expect(new Set(keysUsed().filter((k) => sandbox.issuedBy(k) === 'appToken.startSession')).size).toBe(2);
    expectOnlyTokenSessions(token);
  });

  it('starts a new session once when Kaltura refuses the current one (INVALID_KS)', async () => {
    const token = makeToken();
    const server = await servers.start(tokenEnv(token));
    expect((await download(server)).isError).toBeFalsy();
    sandbox.revokeSessions();
    const result = await download(server, '1_origlast');
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(jsonOf(result).flavorId).toBe('1_olastsrc');
    expect(count('apptoken.startsession')).toBe(2);
    expect(logLines(server.transport)).toContainEqual(
      expect.objectContaining({ message: 'renewing the App Token session once', reason: 'LOGOUT' }),
    );
    expectOnlyTokenSessions(token);
  });

  it("starts a new session when Kaltura's clock has moved past the session's end", async () => {
    const token = makeToken();
    const server = await servers.start(tokenEnv(token));
    expect((await download(server)).isError).toBeFalsy();
    sandbox.setClockSkew(2 * 86400);
    const result = await download(server);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(logLines(server.transport)).toContainEqual(
      expect.objectContaining({ message: 'renewing the App Token session once', reason: 'EXPIRED' }),
    );
    // The new session is counted on Kaltura's clock: the next call needs no other.
    sandbox.clearLog();
    expect((await download(server)).isError).toBeFalsy();
    expect(sandbox.actions()).not.toContain('apptoken.startsession');
  });
});

describe('refusals, each with its own text', () => {
  const NEW_TOKEN =
    'make a new token (kaltura-mcp app-token create) and put the two lines it prints in the configuration, then restart the server';
  const notFound = (id: string, partnerId = SANDBOX_PARTNER_ID) =>
    `Failed to get download URL: Application token id "${id}" not found: partner ${partnerId} has no App Token with the id in KALTURA_APP_TOKEN_ID (it was revoked, the id is mistyped, or the token is another partner's); check KALTURA_APP_TOKEN_ID and that KALTURA_PARTNER_ID is the token's partner, or ${NEW_TOKEN}`;

  /** Starts a server with `env`, expects `error` and `errorType` twice (it keeps serving), and the token value nowhere. */
  async function expectRefusal(env: Record<string, string>, errorType: string, error: string) {
    const server = await servers.start(env);
    for (let i = 0; i < 2; i += 1) {
      const result = await download(server);
      expect(result.isError).toBe(true);
      expect(jsonOf(result)).toEqual({
        error,
        errorType,
        operation: 'get download URL',
        entry_id: '1_demo0001',
      });
    }
    if (env.KALTURA_APP_TOKEN) expect(server.transport.allOutput()).not.toContain(env.KALTURA_APP_TOKEN);
    expect(
      sandbox.actions().filter((a) => !['session.startwidgetsession', 'apptoken.startsession'].includes(a)),
    ).toEqual([]);
    return server;
  }

  it('a wrong id', async () => {
    const token = makeToken();
    await expectRefusal(tokenEnv({ ...token, id: '0_zzzzzzzz' }), 'APP_TOKEN_ID_NOT_FOUND', notFound('0_zzzzzzzz'));
  });

  it('a token of another partner: Kaltura finds none for this partner, and the text says to check KALTURA_PARTNER_ID', async () => {
    const theirs = makeToken({}, OTHER_PARTNER_ID);
    await expectRefusal(tokenEnv(theirs), 'APP_TOKEN_ID_NOT_FOUND', notFound(theirs.id));
  });

  it('a wrong value, after trying every hash type once', async () => {
    const token = makeToken();
    const wrong = { ...token, token: 'f'.repeat(32) };
    await expectRefusal(
      tokenEnv(wrong),
      'INVALID_APP_TOKEN_HASH',
      `Failed to get download URL: Invalid application token hash: Kaltura refused the hash of KALTURA_APP_TOKEN with every hash type (SHA256, SHA1, SHA512, MD5), so the value is wrong; set KALTURA_APP_TOKEN to the value printed when App Token ${token.id} was made (not its id), or ${NEW_TOKEN}`,
    );
    // Four hash types, twice (one call each).
    expect(count('apptoken.startsession')).toBe(8);
  });

  it('an expired token', async () => {
    const token = makeToken({ expiry: now() - 60 });
    await expectRefusal(
      tokenEnv(token),
      'APP_TOKEN_EXPIRED',
      `Failed to get download URL: Application token id "${token.id}" expired: the App Token in KALTURA_APP_TOKEN_ID is past its expiry date; ${NEW_TOKEN}`,
    );
  });

  it('a disabled token', async () => {
    const token = makeToken();
    sandbox.disableAppToken(token.id);
    await expectRefusal(
      tokenEnv(token),
      'APP_TOKEN_NOT_ACTIVE',
      `Failed to get download URL: Application token id "${token.id}" not active: the App Token in KALTURA_APP_TOKEN_ID is disabled; ask an administrator of partner ${SANDBOX_PARTNER_ID} to enable it, or ${NEW_TOKEN}`,
    );
  });

  it('a wrong partner id: Kaltura knows no widget _<partner id>', async () => {
    await expectRefusal(
      tokenEnv(makeToken(), { KALTURA_PARTNER_ID: '111' }),
      'INVALID_WIDGET_ID',
      "Failed to get download URL: Unknown widget [_111]: Kaltura knows no partner 111 (an App Token session starts from the partner's widget _<partner id>); check that KALTURA_PARTNER_ID is your partner id (KMC > Settings > Integration Settings)",
    );
  });

  it('no partner id, or only half of the token: configuration errors naming the variable, nothing sent', async () => {
    const token = makeToken();
    const { KALTURA_PARTNER_ID: _p, ...noPartner } = tokenEnv(token);
    await expectRefusal(
      noPartner,
      'CONFIGURATION_ERROR',
      "Failed to get download URL: KALTURA_PARTNER_ID environment variable is required with an App Token: the server starts its session from the partner's widget _<partner id>; set it to the token's partner id (KMC > Settings > Integration Settings)",
    );
    const { KALTURA_APP_TOKEN: _t, ...idOnly } = tokenEnv(token);
    await expectRefusal(
      idOnly,
      'CONFIGURATION_ERROR',
      "Failed to get download URL: KALTURA_APP_TOKEN_ID is set but KALTURA_APP_TOKEN (the token's value) is not; set both: the id and the value that kaltura-mcp app-token create printed",
    );
    expect(sandbox.log).toHaveLength(0);
  });
});

describe('the hash type', () => {
  it('finds a SHA1 token while SHA256 is the default, says which matched, and uses it from then on', async () => {
    const token = makeToken({ hashType: 'SHA1' });
    const server = await servers.start(tokenEnv(token));
    expect((await download(server)).isError).toBeFalsy();
    expect(count('apptoken.startsession')).toBe(2);
    expect(logLines(server.transport)).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message:
          "the App Token's hash type is SHA1: set KALTURA_APP_TOKEN_HASH_TYPE=SHA1 to save a request at each session start",
        refused: ['SHA256'],
      }),
    );
    sandbox.revokeSessions();
    expect((await download(server)).isError).toBeFalsy();
    expect(count('apptoken.startsession')).toBe(3);
    expectOnlyTokenSessions(token);
  });

  it('a token added with no hash type is SHA1, and KALTURA_APP_TOKEN_HASH_TYPE=SHA1 finds it at once', async () => {
    const token = sandbox.addAppToken(SANDBOX_PARTNER_ID, { sessionPrivileges: 'list:*,sview:*,download:*' });
    expect(token.hashType).toBe('SHA1');
    const server = await servers.start(tokenEnv(token, { KALTURA_APP_TOKEN_HASH_TYPE: 'sha1' }));
    expect((await download(server)).isError).toBeFalsy();
    expect(count('apptoken.startsession')).toBe(1);
    expect(logLines(server.transport).filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('refuses a hash type that does not exist, naming the variable', async () => {
    const server = await servers.start(tokenEnv(makeToken(), { KALTURA_APP_TOKEN_HASH_TYPE: 'SHA3' }));
    expect(jsonOf(await download(server))).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: 'Failed to get download URL: KALTURA_APP_TOKEN_HASH_TYPE must be SHA256, SHA1, SHA512 or MD5',
    });
  });
});

describe('the settings a token fixes', () => {
  it('passes what the token lets the caller choose, and ignores the rest with one log line', async () => {
    const token = makeToken();
    const server = await servers.start(
      tokenEnv(token, {
        KALTURA_SESSION_TYPE: 'ADMIN',
        KALTURA_USER_ID: 'admin@example.com',
        KALTURA_SESSION_PRIVILEGES: 'disableentitlement,sview:1_demo0001',
        KALTURA_SESSION_EXPIRY: '600',
      }),
    );
    expect((await download(server)).isError).toBeFalsy();
    const start = sandbox.log.flatMap((r) => r.calls).find((c) => c.action === 'startsession')!;
    expect(start.params).toMatchObject({
      type: 2,
      userId: 'admin@example.com',
      expiry: 600,
      sessionPrivileges: 'disableentitlement,sview:1_demo0001',
    });
    const used = checkKs(String(sandbox.log.at(-1)!.calls[0]!.params.ks), SANDBOX_ADMIN_SECRET, now());
    // The token's sview:* narrowed to the entry asked for; its session as long as asked.
    expect(used.ok && used.ks.privileges).toContain('sview:1_demo0001');
    expect(used.ok && used.ks.validUntil - now()).toBeGreaterThan(590);
    expect(used.ok && used.ks.validUntil - now()).toBeLessThanOrEqual(600);
    sandbox.revokeSessions();
    expect((await download(server)).isError).toBeFalsy();
    const lines = logLines(server.transport).filter((l) => String(l.message).startsWith('the App Token fixes'));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'the App Token fixes these session settings, so they are ignored',
        ignored: [
          'KALTURA_SESSION_TYPE (the token gives USER sessions)',
          'KALTURA_USER_ID (the token\'s sessions are for user "kaltura-mcp")',
          `KALTURA_SESSION_PRIVILEGES disableentitlement (the token does not give it; it gives sessionid:${token.id},apptoken:${token.id},list:*,sview:1_demo0001,download:*)`,
        ],
      }),
    ]);
  });

  it('a token without list:* lists only its own user’s entries, as Kaltura does for USER sessions', async () => {
    const token = makeToken({ sessionUserId: 'viewer@example.com', sessionPrivileges: 'sview:*,download:*' });
    const server = await servers.start(tokenEnv(token));
    const listed = await server.call('list_media_entries', { limit: 100 });
    expect(listed.isError, textOf(listed)).toBeFalsy();
    expect(jsonOf(listed).totalCount).toBe(0);
    expect((await download(server)).isError).toBeFalsy();
  });
});

describe('an App Token beside other credentials', () => {
  it('wins over the admin secret, and a warning says so once', async () => {
    const token = makeToken();
    const server = await servers.start({ ...sandboxEnv(sandbox.url), ...tokenEnv(token) });
    expect((await download(server)).isError).toBeFalsy();
    expect((await download(server, '1_origlast')).isError).toBeFalsy();
    expectOnlyTokenSessions(token);
    const warnings = logLines(server.transport).filter((l) => l.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'the App Token is used; KALTURA_ADMIN_SECRET is set but ignored: remove it from the configuration',
        ignored: ['KALTURA_ADMIN_SECRET'],
      }),
    ]);
    expect(server.transport.allOutput()).not.toContain(SANDBOX_ADMIN_SECRET);
  });

  it('the start-up line names the admin secret when that is what is used', async () => {
    const server = await servers.start(sandboxEnv(sandbox.url));
    const ready = logLines(server.transport).find((l) => l.message === 'kaltura-mcp ready on stdio');
    expect(ready).toMatchObject({ credential: 'admin secret' });
    expect(ready).not.toHaveProperty('appTokenId');
  });
});

describe('kaltura-mcp app-token', () => {
  it('session prints a KS from the configured App Token alone (no admin secret), for a remote-mode caller', async () => {
    const token = makeToken();
    const printed = await runCli(['app-token', 'session'], tokenEnv(token));
    expect(printed.code, printed.stderr).toBe(0);
    const ks = printed.stdout.trim();
    // stdout holds the KS alone, so that KS=$(kaltura-mcp app-token session) works.
    expect(printed.stdout).toBe(`${ks}\n`);
    const parsed = checkKs(ks, SANDBOX_ADMIN_SECRET, now());
    expect(parsed).toMatchObject({ ok: true, ks: { partnerId: SANDBOX_PARTNER_ID, type: 0, userId: 'kaltura-mcp' } });
    expect(parsed.ok && parsed.ks.privileges).toEqual(expect.arrayContaining([`apptoken:${token.id}`]));
    expect(sandbox.issuedBy(ks)).toBe('appToken.startSession');
    expect(printed.stderr).toContain('Authorization: Bearer <KS>');
    expect(printed.stderr).not.toContain(token.token);
    for (const request of sandbox.log) expect(request.body).not.toContain(SANDBOX_ADMIN_SECRET);
    // Without an App Token configured it says what to set, and prints nothing.
    const none = await runCli(['app-token', 'session'], sandboxEnv(sandbox.url));
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('set KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN');
  });

  it('create prints the two lines; a server with them and no admin secret works; revoke makes its next call fail', async () => {
    const created = await runCli(['app-token', 'create'], sandboxEnv(sandbox.url));
    expect(created.code, created.stderr).toBe(0);
    const id = /^KALTURA_APP_TOKEN_ID=(\S+)$/m.exec(created.stdout)?.[1];
    const value = /^KALTURA_APP_TOKEN=(\S+)$/m.exec(created.stdout)?.[1];
    expect(id).toMatch(/^0_[a-z0-9]{8}$/);
    expect(value).toMatch(/^[0-9a-f]{32}$/);
    expect(created.stdout).toContain('remove KALTURA_ADMIN_SECRET');
    // What else the server needs, as set here (the sandbox is not Kaltura's SaaS), and how to revoke,
    // as this program was run (a checkout has no kaltura-mcp command).
    expect(created.stdout).toContain(
      `with the two lines above and KALTURA_PARTNER_ID=${SANDBOX_PARTNER_ID} and KALTURA_SERVICE_URL=${sandbox.url} the server`,
    );
    expect(created.stdout).toContain(`To revoke the token: node ${SERVER_ENTRY} app-token revoke ${id}`);
    expect(created.stderr).not.toContain(value!);
    // What Kaltura was asked for: USER sessions with the least privileges the tools need, SHA256.
    expect(sandbox.appTokens().find((t) => t.id === id)).toMatchObject({
      token: value,
      sessionType: 0,
      sessionUserId: 'kaltura-mcp',
      sessionPrivileges: 'list:*,sview:*,download:*',
      hashType: 'SHA256',
      status: 2,
    });
    expect(sandbox.appTokens().find((t) => t.id === id)).not.toHaveProperty('expiry');
    // …with an ADMIN session signed locally: the admin secret never crossed the wire.
    const add = sandbox.log.flatMap((r) => r.calls).find((c) => c.action === 'add')!;
    expect(checkKs(String(add.params.ks), SANDBOX_ADMIN_SECRET, now())).toMatchObject({ ok: true, ks: { type: 2 } });
    for (const request of sandbox.log) expect(request.body).not.toContain(SANDBOX_ADMIN_SECRET);

    sandbox.clearLog();
    const token = sandbox.appTokens().find((t) => t.id === id)!;
    const server = await servers.start(tokenEnv({ id: id!, token: value! }));
    for (const tool of ['get_download_url', 'get_media_entry']) {
      const result = await server.call(tool, { entry_id: '1_private1' });
      expect(result.isError, textOf(result)).toBeFalsy();
    }
    expectOnlyTokenSessions(token);

    const listed = await runCli(['app-token', 'list'], sandboxEnv(sandbox.url));
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${id} +ACTIVE +never +USER kaltura-mcp +list:\\*,sview:\\*,download:\\* +SHA256 +kaltura-mcp on `,
        'm',
      ),
    );
    expect(listed.stdout).not.toContain(value);

    const revoked = await runCli(['app-token', 'revoke', id!], sandboxEnv(sandbox.url));
    expect(revoked).toMatchObject({
      code: 0,
      stdout: `Revoked App Token ${id} of partner ${SANDBOX_PARTNER_ID}: sessions started from it stop working now.\n`,
    });
    sandbox.clearLog();
    const after = await download(server);
    expect(jsonOf(after)).toMatchObject({
      errorType: 'APP_TOKEN_ID_NOT_FOUND',
      error: expect.stringMatching(
        new RegExp(
          `^Failed to get download URL: Application token id "${id}" not found: partner ${SANDBOX_PARTNER_ID} has no App Token with the id in KALTURA_APP_TOKEN_ID \\(it was revoked,`,
        ),
      ),
    });
    // The session was ended by the revocation; a new one was refused.
    expect(sandbox.actions().slice(-2)).toEqual(['session.startwidgetsession', 'apptoken.startsession']);
    expect(logLines(server.transport)).toContainEqual(
      expect.objectContaining({ message: 'renewing the App Token session once', reason: 'LOGOUT' }),
    );
    expect(server.transport.allOutput()).not.toContain(value);
    const gone = await runCli(['app-token', 'list'], sandboxEnv(sandbox.url));
    expect(gone.stdout).not.toContain(id);
  });

  it('create takes the privileges, an expiry in days, a description, and the user from KALTURA_USER_ID', async () => {
    const created = await runCli(
      ['app-token', 'create', '--privileges', 'sview:*,download:*', '--expiry-days=7', '--description', 'laptop'],
      sandboxEnv(sandbox.url, { KALTURA_USER_ID: 'me@example.com' }),
    );
    expect(created.code, created.stderr).toBe(0);
    const id = /^KALTURA_APP_TOKEN_ID=(\S+)$/m.exec(created.stdout)![1];
    const token = sandbox.appTokens().find((t) => t.id === id)!;
    expect(token).toMatchObject({
      sessionPrivileges: 'sview:*,download:*',
      description: 'laptop',
      sessionUserId: 'me@example.com',
    });
    expect(Math.abs(token.expiry! - (now() + 7 * 86400))).toBeLessThan(5);
    expect(created.stdout).toContain('for user me@example.com with the privileges sview:*,download:*');
    // Narrower than the default: nothing beyond it, and a word on what the server cannot do then.
    expect(created.stderr).toMatch(
      /^kaltura-mcp app-token create: note: without list:\* the token's sessions cannot do all/,
    );
    expect(created.stderr).not.toContain('more than the server needs');
  });

  it('create warns of privileges beyond what the server needs, and still makes the token', async () => {
    const created = await runCli(
      ['app-token', 'create', '--privileges', 'list:*,edit:*,disableentitlement'],
      sandboxEnv(sandbox.url),
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe(
      "kaltura-mcp app-token create: note: edit:*,disableentitlement gives the token's sessions more than the server needs (list:*,sview:*,download:*); leave --privileges out for the least\n" +
        "kaltura-mcp app-token create: note: without sview:*,download:* the token's sessions cannot do all the server does (list:* lists and searches entries, sview:* reads any entry, download:* gets the files of entries whose access control restricts them); leave --privileges out for what the server needs\n",
    );
    expect(created.stdout).toMatch(/^KALTURA_APP_TOKEN_ID=/m);
  });

  it('create names KALTURA_USER_ID when Kaltura refuses the user id it gives', async () => {
    const created = await runCli(['app-token', 'create'], sandboxEnv(sandbox.url, { KALTURA_USER_ID: 'me and you' }));
    expect(created.code).toBe(1);
    expect(created.stderr).toContain(
      "value in field [sessionUserId] is not valid: KALTURA_USER_ID names the user the token's sessions act as; fix it, or unset it for the default (kaltura-mcp)",
    );
  });

  it('fails on stderr with exit code 1 when Kaltura or the configuration refuses, 2 for a command line it cannot run', async () => {
    const { KALTURA_ADMIN_SECRET: _s, ...noSecret } = sandboxEnv(sandbox.url);
    const cases: Array<[string[], Record<string, string>, number, string]> = [
      [
        ['app-token', 'create'],
        noSecret,
        1,
        "kaltura-mcp app-token create: KALTURA_ADMIN_SECRET environment variable is required: app-token commands use the partner's admin secret once, from the environment or the .env file the server reads (KMC > Settings > Integration Settings); after create, remove it from the server's configuration\n",
      ],
      [
        ['app-token', 'revoke', '0_nosuchid'],
        sandboxEnv(sandbox.url),
        1,
        `kaltura-mcp app-token revoke: Application token id "0_nosuchid" not found: partner ${SANDBOX_PARTNER_ID} has no App Token with this id, or it was revoked already; node ${SERVER_ENTRY} app-token list shows the partner's tokens\n`,
      ],
      [
        ['app-token'],
        sandboxEnv(sandbox.url),
        2,
        'kaltura-mcp: app-token needs create, list, revoke or session\n\nUsage: kaltura-mcp app-token create',
      ],
      [['app-token', 'revoke'], sandboxEnv(sandbox.url), 2, 'kaltura-mcp: app-token revoke needs the id of one token'],
      [
        ['app-token', 'list', '--privileges', 'x'],
        sandboxEnv(sandbox.url),
        2,
        'kaltura-mcp: --privileges only applies to app-token create',
      ],
      [
        ['app-token', 'create', '--expiry-days', '0'],
        sandboxEnv(sandbox.url),
        2,
        'kaltura-mcp: --expiry-days must be a whole number of days from 1 to 36500, not "0"',
      ],
    ];
    for (const [args, env, code, text] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr.startsWith(text), `${args.join(' ')}: ${result.stderr}`).toBe(true);
    }
    // The wrong secret: Kaltura refuses the ADMIN session, and the text says what to check.
    const wrong = await runCli(
      ['app-token', 'list'],
      sandboxEnv(sandbox.url, { KALTURA_ADMIN_SECRET: 'not-the-secret-at-all' }),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^kaltura-mcp app-token list: Invalid KS "djJ8\*\*\*", Error "-1,INVALID_STR": Kaltura did not accept KALTURA_ADMIN_SECRET for partner 976543; /,
    );
    expect(wrong.stderr).not.toContain('not-the-secret-at-all');
  });

  it('--help prints the usage on stdout', async () => {
    const help = await runCli(['app-token', '--help'], { PATH: process.env.PATH ?? '' });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kaltura-mcp app-token create \[--privileges P\]/);
  });
});
