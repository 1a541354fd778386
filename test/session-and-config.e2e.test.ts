/**
 * Configuration and sessions end to end: lazy configuration, .env loading, local KS signing
 * (no secret on the wire), session.start when asked, reuse, renewal and timeouts.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signKsV2 } from '../src/kaltura/ks.js';
import { checkKs } from './sandbox/ks.js';
import { SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import {
  jsonOf,
  logLines,
  sandboxEnv,
  startServer,
  withoutEnvFile,
  type RunningServer,
} from './helpers/server-process.js';
import { testFolder } from './helpers/temp.js';

let sandbox: Sandbox;
const running: RunningServer[] = [];

async function serve(env: Record<string, string>, cwd?: string): Promise<RunningServer> {
  const server = await startServer(env, cwd);
  running.push(server);
  return server;
}

const download = (server: RunningServer, entry_id = '1_demo0001') => server.call('get_download_url', { entry_id });

beforeAll(async () => {
  sandbox = await startSandbox();
});

beforeEach(() => {
  sandbox.setFault(undefined);
  sandbox.clearLog();
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
  await sandbox?.close();
});

describe('configuration', () => {
  it('starts and lists tools without credentials; a call names the missing variable', async () => {
    const server = await serve(sandboxEnv(sandbox.url, { KALTURA_ADMIN_SECRET: '' }));
    expect((await server.client.listTools()).tools.map((t) => t.name)).toContain('get_download_url');
    const result = await download(server);
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toEqual({
      error: expect.stringMatching(
        /^Failed to get download URL: KALTURA_ADMIN_SECRET environment variable is required: no Kaltura credential is configured; set KALTURA_PARTNER_ID with KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN /,
      ),
      errorType: 'CONFIGURATION_ERROR',
      operation: 'get download URL',
      entry_id: '1_demo0001',
    });
    expect(sandbox.log).toHaveLength(0);
  });

  it('names a missing partner id', async () => {
    const server = await serve(sandboxEnv(sandbox.url, { KALTURA_PARTNER_ID: '' }));
    expect(String(jsonOf(await download(server)).error)).toBe(
      'Failed to get download URL: KALTURA_PARTNER_ID environment variable is required: set it to your partner id (KMC > Settings > Integration Settings)',
    );
  });

  it('reads the .env that KALTURA_ENV_FILE names, and real environment variables win over it', async () => {
    const dir = testFolder('env');
    const env = sandboxEnv(sandbox.url);
    writeFileSync(
      join(dir, '.env'),
      `KALTURA_PARTNER_ID=${env.KALTURA_PARTNER_ID}\nKALTURA_ADMIN_SECRET="${SANDBOX_ADMIN_SECRET}"\nKALTURA_SERVICE_URL=http://127.0.0.1:9\n`,
    );
    const { KALTURA_PARTNER_ID: _p, KALTURA_ADMIN_SECRET: _s, ...withoutCredentials } = env;
    // Credentials come from the file; the service URL from the real environment.
    const server = await serve({ ...withoutCredentials, KALTURA_ENV_FILE: join(dir, '.env') });
    const result = await download(server);
    expect(result.isError).toBeFalsy();
    expect(jsonOf(result).flavorId).toBe('1_demof001');
  });

  it('never reads a .env in the working directory (a project could point the server elsewhere), and says so', async () => {
    const dir = testFolder('cwd');
    writeFileSync(join(dir, '.env'), 'KALTURA_SESSION_MODE=remote\n');
    const server = await serve(withoutEnvFile(sandboxEnv(sandbox.url)), dir);
    expect((await download(server)).isError).toBeFalsy();
    expect(sandbox.actions()).not.toContain('session.start');
    expect(logLines(server.transport)).toContainEqual(
      expect.objectContaining({ level: 'warn', file: join(dir, '.env') }),
    );
  });
});

describe('the .env file', () => {
  it('reads the file KALTURA_ENV_FILE names, and says which file it read (its path, never its content)', async () => {
    const dir = testFolder('envfile');
    const file = join(dir, 'kaltura.env');
    writeFileSync(file, `KALTURA_PARTNER_ID=976543\nKALTURA_ADMIN_SECRET=${SANDBOX_ADMIN_SECRET}\n`);
    const { KALTURA_PARTNER_ID: _p, KALTURA_ADMIN_SECRET: _s, ...rest } = sandboxEnv(sandbox.url);
    const server = await serve({ ...rest, KALTURA_ENV_FILE: file });
    expect((await download(server)).isError).toBeFalsy();
    const ready = logLines(server.transport).find((l) => l.message === 'kaltura-mcp ready on stdio');
    expect(ready).toMatchObject({ envFile: file });
    expect(server.transport.allOutput()).not.toContain(SANDBOX_ADMIN_SECRET);
  });

  it('says so at every call when the file KALTURA_ENV_FILE names cannot be read', async () => {
    const missing = join(tmpdir(), 'kaltura-mcp-no-such-dir', '.env');
    const server = await serve(sandboxEnv(sandbox.url, { KALTURA_ENV_FILE: missing }));
    const body = jsonOf(await download(server));
    expect(body).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: `Failed to get download URL: KALTURA_ENV_FILE names ${missing}, which cannot be read (ENOENT): fix the path, or unset KALTURA_ENV_FILE`,
    });
    expect(sandbox.log).toHaveLength(0);
  });

  it('counts a setting an MCP bundle host left as its ${user_config.…} placeholder as not set', async () => {
    const server = await serve(
      sandboxEnv(sandbox.url, { KALTURA_KS: '${user_config.ks}', KALTURA_USER_ID: '${user_config.user_id}' }),
    );
    expect((await download(server)).isError).toBeFalsy();
  });
});

describe('sessions', () => {
  it('signs the session locally by default: no session.start, and the secret never crosses the wire', async () => {
    const server = await serve(sandboxEnv(sandbox.url));
    await download(server);
    await download(server, '1_origlast');
    expect(sandbox.actions()).not.toContain('session.start');
    expect(sandbox.log.length).toBeGreaterThan(0);
    for (const request of sandbox.log) expect(request.body).not.toContain(SANDBOX_ADMIN_SECRET);
    const keys = new Set(sandbox.log.flatMap((r) => r.calls.map((c) => c.params.ks)));
    expect(keys.size).toBe(1); // one session, reused
  });

  it('with KALTURA_SESSION_MODE=remote, starts one session and reuses it', async () => {
    const server = await serve(sandboxEnv(sandbox.url, { KALTURA_SESSION_MODE: 'remote' }));
    for (const entry of ['1_demo0001', '1_origlast', '1_noorig01'])
      expect((await download(server, entry)).isError).toBeFalsy();
    expect(sandbox.actions().filter((a) => a === 'session.start')).toHaveLength(1);
    expect(server.transport.allOutput()).not.toContain(SANDBOX_ADMIN_SECRET);
  });

  it('renews the session before it expires', async () => {
    // A 2 s session is renewed 1 s before its end.
    const server = await serve(
      sandboxEnv(sandbox.url, { KALTURA_SESSION_MODE: 'remote', KALTURA_SESSION_EXPIRY: '2' }),
    );
    await download(server);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await download(server)).isError).toBeFalsy();
    expect(sandbox.actions().filter((a) => a === 'session.start')).toHaveLength(2);
  });

  it.each(['local', 'remote'])('renews once and retries when Kaltura refuses the session (%s mode)', async (mode) => {
    const server = await serve(sandboxEnv(sandbox.url, { KALTURA_SESSION_MODE: mode }));
    expect((await download(server)).isError).toBeFalsy();
    sandbox.revokeSessions();
    const result = await download(server, '1_origlast');
    expect(result.isError).toBeFalsy();
    expect(jsonOf(result).flavorId).toBe('1_olastsrc');
    const keys = new Set(sandbox.log.flatMap((r) => r.calls.map((c) => c.params.ks)).filter(Boolean));
    expect(keys.size).toBe(2);
  });

  it('reports a refused session that a fresh one does not fix, without the key in the text, saying what to check', async () => {
    // Partner id that the sandbox does not know: every locally signed KS is refused.
    const server = await serve(sandboxEnv(sandbox.url, { KALTURA_PARTNER_ID: '111' }));
    const result = await download(server);
    expect(result.isError).toBe(true);
    const body = jsonOf(result);
    expect(body.errorType).toBe('INVALID_KS');
    expect(String(body.error)).toMatch(
      /^Failed to get download URL: Invalid KS "djJ8\*\*\*", Error "-1,INVALID_STR": Kaltura did not accept KALTURA_ADMIN_SECRET for partner 111; check that KALTURA_ADMIN_SECRET is that partner's admin secret .*not the user secret.* and that KALTURA_PARTNER_ID is right$/,
    );
    // Signing another key with the same secret cannot help, so none was tried.
    expect(sandbox.log).toHaveLength(1);
  });

  it('gives up after the request timeout, says so, and serves the next call', async () => {
    const server = await serve(sandboxEnv(sandbox.url, { KALTURA_REQUEST_TIMEOUT_MS: '300' }));
    sandbox.setFault({ kind: 'hang', times: 1 });
    const result = await download(server);
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({ errorType: 'TIMEOUT' });
    expect(String(jsonOf(result).error)).toContain('timed out after 300 ms');
    expect((await download(server)).isError).toBeFalsy();
  });
});

describe('least privilege', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const userKs = (expiresAt: number) =>
    signKsV2({
      adminSecret: SANDBOX_ADMIN_SECRET,
      partnerId: SANDBOX_PARTNER_ID,
      userId: 'viewer@example.com',
      type: 0,
      privileges: 'sview:*,list:*,download:*',
      expiresAt,
    });
  /** The environment of a machine that holds no admin secret, only a session key. */
  const keyOnlyEnv = (ks: string) => {
    const { KALTURA_ADMIN_SECRET: _secret, KALTURA_PARTNER_ID: _partner, ...rest } = sandboxEnv(sandbox.url);
    return { ...rest, KALTURA_KS: ks };
  };

  it('works from KALTURA_KS alone, sending that key as is and never a session request', async () => {
    const ks = userKs(now() + 3600);
    const server = await serve(keyOnlyEnv(ks));
    for (const tool of ['get_download_url', 'get_media_entry']) {
      expect((await server.call(tool, { entry_id: '1_demo0001' })).isError).toBeFalsy();
    }
    expect(sandbox.actions()).not.toContain('session.start');
    expect(new Set(sandbox.log.flatMap((r) => r.calls.map((c) => c.params.ks)))).toEqual(new Set([ks]));
    expect(server.transport.allOutput()).not.toContain(ks);
  });

  it('says clearly when the KALTURA_KS key has expired, and what to do', async () => {
    const ks = userKs(now() - 60);
    const server = await serve(keyOnlyEnv(ks));
    const result = await download(server);
    expect(result.isError).toBe(true);
    expect(jsonOf(result)).toMatchObject({
      errorType: 'INVALID_KS',
      error:
        'Failed to get download URL: Kaltura refused the session key in KALTURA_KS (it has expired); create a new one, set KALTURA_KS to it and restart the server',
    });
    expect(server.transport.allOutput()).not.toContain(ks);
  });

  it('says a KALTURA_KS Kaltura cannot read is not a key it can read, not that it expired', async () => {
    // Shaped like a v2 KS of the sandbox's partner, but no key Kaltura made.
    const ks = Buffer.from(`v2|${SANDBOX_PARTNER_ID}|${'garbage'.repeat(8)}`).toString('base64');
    const server = await serve(keyOnlyEnv(ks));
    const { error, errorType } = jsonOf(await download(server));
    expect(errorType).toBe('INVALID_KS');
    expect(error).toContain('(it is not a key Kaltura can read: check that it was copied whole');
    expect(server.transport.allOutput()).not.toContain(ks);
  });

  it('refuses a KALTURA_KS of another partner than KALTURA_PARTNER_ID, before any request', async () => {
    const ks = userKs(now() + 3600);
    const server = await serve({ ...keyOnlyEnv(ks), KALTURA_PARTNER_ID: String(SANDBOX_PARTNER_ID + 1) });
    expect(jsonOf(await download(server))).toMatchObject({
      errorType: 'CONFIGURATION_ERROR',
      error: `Failed to get download URL: KALTURA_KS is a session key of partner ${SANDBOX_PARTNER_ID}, but KALTURA_PARTNER_ID is ${SANDBOX_PARTNER_ID + 1}: use a KS of partner ${SANDBOX_PARTNER_ID + 1}, or remove KALTURA_PARTNER_ID (a KS names its own partner)`,
    });
    expect(sandbox.log).toHaveLength(0);
  });

  it('takes credentials pasted with their quotes into a host configuration as the values inside', async () => {
    const server = await serve(
      sandboxEnv(sandbox.url, {
        KALTURA_PARTNER_ID: `"${SANDBOX_PARTNER_ID}"`,
        KALTURA_ADMIN_SECRET: `'${SANDBOX_ADMIN_SECRET}'`,
        KALTURA_SERVICE_URL: `"${sandbox.url}"`,
      }),
    );
    expect((await download(server)).isError).toBeFalsy();
  });

  it('refuses a KALTURA_KS that is not a key, naming the variable', async () => {
    const server = await serve(keyOnlyEnv('this is not a session key'));
    expect(jsonOf(await download(server))).toMatchObject({ errorType: 'CONFIGURATION_ERROR' });
    expect(sandbox.log).toHaveLength(0);
  });

  it.each(['local', 'remote'])(
    'signs or requests the session type and privileges configured (%s mode)',
    async (mode) => {
      const server = await serve(
        sandboxEnv(sandbox.url, {
          KALTURA_SESSION_MODE: mode,
          KALTURA_SESSION_TYPE: 'USER',
          KALTURA_SESSION_PRIVILEGES: 'sview:*,list:*',
          KALTURA_USER_ID: 'viewer@example.com',
        }),
      );
      expect((await download(server)).isError).toBeFalsy();
      const used = String(sandbox.log.at(-1)!.calls[0]!.params.ks);
      expect(checkKs(used, SANDBOX_ADMIN_SECRET, now())).toMatchObject({
        ok: true,
        ks: { type: 0, userId: 'viewer@example.com', privileges: ['sview:*', 'list:*'] },
      });
    },
  );
});
