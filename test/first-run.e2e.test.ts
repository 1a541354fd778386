/**
 * The first ten minutes, as a new user meets them with the built server: each mistake's answer
 * names its fix. Nothing configured (in a terminal's environment, and in an MCP bundle's form),
 * a .env left in the working directory, a service URL ending in /api_v3, a secret pasted with a
 * newline, a partner id of 0, a busy port, --help and --version, and the server started by
 * hand in a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { USAGE } from '../src/cli.js';
import { SETTINGS_HELP } from '../src/settings-help.js';
import { SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import {
  jsonOf,
  logLines,
  sandboxEnv,
  SERVER_ENTRY,
  ServerPool,
  tempFolderEnv,
  withoutEnvFile,
} from './helpers/server-process.js';
import { testFolder } from './helpers/temp.js';

let sandbox: Sandbox;
const servers = new ServerPool();

beforeAll(async () => {
  sandbox = await startSandbox();
});

beforeEach(() => sandbox.clearLog());

afterAll(async () => {
  await servers.closeAll();
  await sandbox?.close();
});

/** The environment with nothing about Kaltura but where it is. */
const bareEnv = () => {
  const { KALTURA_PARTNER_ID: _p, KALTURA_ADMIN_SECRET: _s, ...rest } = sandboxEnv(sandbox.url);
  return rest;
};

/** The answer of a first call that fails: its `error` text and `errorType`. */
const errorOf = async (env: Record<string, string>, cwd?: string) => {
  const server = cwd ? await servers.startIn(env, cwd) : await servers.start(env);
  const result = await server.call('get_download_url', { entry_id: '1_demo0001' });
  expect(result.isError).toBe(true);
  return jsonOf(result) as { error: string; errorType: string };
};

describe('nothing configured', () => {
  it('answers with every way to give the server a credential, starting with the original text', async () => {
    const body = await errorOf(bareEnv());
    expect(body).toMatchObject({ errorType: 'CONFIGURATION_ERROR' });
    expect(body.error).toBe(
      "Failed to get download URL: KALTURA_ADMIN_SECRET environment variable is required: no Kaltura credential is configured; set KALTURA_PARTNER_ID with KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN (an App Token, the least privilege: kaltura-mcp app-token create makes one), or KALTURA_PARTNER_ID with KALTURA_ADMIN_SECRET (both in KMC > Settings > Integration Settings), or KALTURA_KS alone (a ready-made session key), in the host's configuration of this server or in the .env file KALTURA_ENV_FILE names, then restart the server",
    );
    expect(sandbox.log).toHaveLength(0);
  });

  it("inside an MCP bundle, names the form's fields to fill in", async () => {
    // As the host starts the bundle whose form was left empty: the manifest's mapping, with the
    // fields it has no value for left as their placeholders.
    const form = {
      KALTURA_PARTNER_ID: '${user_config.partner_id}',
      KALTURA_APP_TOKEN_ID: '${user_config.app_token_id}',
      KALTURA_APP_TOKEN: '${user_config.app_token}',
      KALTURA_ADMIN_SECRET: '${user_config.admin_secret}',
      KALTURA_KS: '${user_config.ks}',
    };
    const fields =
      '"Partner ID" with "App Token ID" and "App Token value" (an App Token, the least privilege), or "Partner ID" with "Admin secret, instead of an App Token", or "Session key (KS), instead of the secret" alone';
    for (const env of [
      { ...bareEnv(), ...form },
      { ...bareEnv(), KALTURA_PARTNER_ID: '', KALTURA_ADMIN_SECRET: '', KALTURA_MCP_BUNDLE: '1' },
    ]) {
      const body = await errorOf(env);
      expect(body.error).toMatch(/^Failed to get download URL: no Kaltura credential is configured; /);
      expect(body.error).toContain(`in this extension's settings in your MCP host`);
      expect(body.error).toContain(fields);
      expect(body.error).not.toMatch(/KALTURA_/);
    }
  });

  it.each([
    [{ KALTURA_PARTNER_ID: 'abc', KALTURA_ADMIN_SECRET: SANDBOX_ADMIN_SECRET }, '"Partner ID" must be'],
    [{ KALTURA_ADMIN_SECRET: 'a-wrong-secret-0000' }, '"Admin secret, instead of an App Token"'],
    [{ KALTURA_APP_TOKEN_ID: '0_abcd1234', KALTURA_ADMIN_SECRET: '' }, '"App Token ID" is set but "App Token value"'],
    [{ KALTURA_SESSION_TYPE: 'ROOT' }, '"Session type" must be'],
  ])("inside an MCP bundle, every setting's error names its field: %j", async (settings, text) => {
    const body = await errorOf({ ...sandboxEnv(sandbox.url), KALTURA_MCP_BUNDLE: '1', ...settings });
    expect(body.error).toContain(text);
    expect(body.error).not.toMatch(/KALTURA_(PARTNER_ID|ADMIN_SECRET|APP_TOKEN|SESSION_TYPE)/);
  });
});

describe('a .env in the working directory', () => {
  it('is named in the answer of a failing call, with how to use it; used that way, it works', async () => {
    const project = testFolder('project');
    const file = join(project, '.env');
    writeFileSync(file, `KALTURA_PARTNER_ID=${SANDBOX_PARTNER_ID}\nKALTURA_ADMIN_SECRET=${SANDBOX_ADMIN_SECRET}\n`);
    const body = await errorOf(withoutEnvFile(bareEnv()), project);
    expect(body.error).toMatch(/^Failed to get download URL: KALTURA_ADMIN_SECRET environment variable is required: /);
    expect(body.error).toContain(
      `; a .env file in the working directory (${file}) was not read: the server reads only the .env that KALTURA_ENV_FILE names, or the one in its own package folder; to use this one, set KALTURA_ENV_FILE=${file} in the host's configuration of the server`,
    );
    const fixed = await servers.startIn({ ...bareEnv(), KALTURA_ENV_FILE: file }, project);
    expect((await fixed.call('get_download_url', { entry_id: '1_demo0001' })).isError).toBeFalsy();
  });

  it('is named when Kaltura refuses the credential the environment gave instead', async () => {
    const project = testFolder('project');
    writeFileSync(join(project, '.env'), `KALTURA_ADMIN_SECRET=${SANDBOX_ADMIN_SECRET}\n`);
    const body = await errorOf(
      withoutEnvFile(sandboxEnv(sandbox.url, { KALTURA_ADMIN_SECRET: 'a-stale-secret-0000' })),
      project,
    );
    expect(body.errorType).toBe('INVALID_KS');
    expect(body.error).toContain(`a .env file in the working directory (${join(project, '.env')}) was not read`);
    expect(body.error).not.toContain(SANDBOX_ADMIN_SECRET);
  });
});

describe('values as users paste them', () => {
  it('removes /api_v3 from the service URL, says so in the log, and the calls work', async () => {
    for (const suffix of ['/api_v3', '/api_v3/', '/api_v3/index.php']) {
      const server = await servers.start(sandboxEnv(sandbox.url, { KALTURA_SERVICE_URL: `${sandbox.url}${suffix}` }));
      expect((await server.call('get_download_url', { entry_id: '1_demo0001' })).isError, suffix).toBeFalsy();
      expect(logLines(server.transport)).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: 'KALTURA_SERVICE_URL ends in /api_v3, which is added to it on every request: using it without',
          fix: 'remove /api_v3 and what follows it from KALTURA_SERVICE_URL',
        }),
      );
    }
    expect(sandbox.log.every((request) => request.path.startsWith('/api_v3/service/'))).toBe(true);
  });

  it('says a service URL that does not serve the API is wrong, not that Kaltura is down', async () => {
    const body = await errorOf(sandboxEnv(sandbox.url, { KALTURA_SERVICE_URL: `${sandbox.url}/kmc` }));
    expect(body.errorType).toBe('HTTP_ERROR');
    expect(body.error).toMatch(
      /answered HTTP 404; this URL does not serve the Kaltura API: check KALTURA_SERVICE_URL \(its host only/,
    );
  });

  it('trims every value: an admin secret pasted with a trailing space and newline works', async () => {
    const server = await servers.start(
      sandboxEnv(sandbox.url, {
        KALTURA_ADMIN_SECRET: `${SANDBOX_ADMIN_SECRET} \n`,
        KALTURA_PARTNER_ID: ` ${SANDBOX_PARTNER_ID}\n`,
        KALTURA_USER_ID: ' \n',
      }),
    );
    expect((await server.call('get_download_url', { entry_id: '1_demo0001' })).isError).toBeFalsy();
  });

  it('refuses a partner id of 0 as not a partner id, not as missing', async () => {
    const body = await errorOf(sandboxEnv(sandbox.url, { KALTURA_PARTNER_ID: '0' }));
    expect(body.error).toBe(
      'Failed to get download URL: KALTURA_PARTNER_ID is 0, which is not a partner id: set it to your partner id, a positive number (KMC > Settings > Integration Settings)',
    );
  });
});

describe('the command line', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, [SERVER_ENTRY, ...args], { env: bareEnv(), encoding: 'utf8', timeout: 10_000 });

  it('answers --help and --version on stdout, nothing on stderr, and exits 0', () => {
    const help = run(['--help']);
    expect(help).toMatchObject({ status: 0, stderr: '', stdout: `${USAGE}\n\n${SETTINGS_HELP}\n` });
    for (const name of ['KALTURA_APP_TOKEN_ID', 'KALTURA_PARTIAL_TTL_HOURS', 'HTTPS_PROXY', 'NO_PROXY']) {
      expect(help.stdout).toContain(name);
    }
    expect(run(['--version'])).toMatchObject({ status: 0, stderr: '', stdout: 'kaltura-mcp 0.1.0\n' });
    expect(run(['-v']).stdout).toBe('kaltura-mcp 0.1.0\n');
  });

  it('says in one line, not a stack trace, when its stdout is full or closed', () => {
    const full = spawnSync('sh', ['-c', `"${process.execPath}" "${SERVER_ENTRY}" --help > /dev/full`], {
      env: bareEnv(),
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(full.status).toBe(1);
    expect(full.stderr).toBe('kaltura-mcp: could not write to stdout (ENOSPC)\n');
  });

  it('says in one JSON log line that an HTTP port is busy, and to choose another with --port; exits 1', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const child = spawn(process.execPath, [SERVER_ENTRY, '--http', '--port', String(port)], {
        env: { PATH: process.env.PATH ?? '', ...tempFolderEnv(), KALTURA_SERVICE_URL: sandbox.url },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(1);
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records.filter((r) => r.level === 'error')).toEqual([
        expect.objectContaining({
          message: `port ${port} on 127.0.0.1 is already in use (another kaltura-mcp, or another program): choose another port with --port N (or PORT=N), e.g. --port ${port + 1}, or stop the program holding it`,
          port,
          host: '127.0.0.1',
        }),
      ]);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});

describe('started by hand in a terminal', () => {
  const NOTE = /kaltura-mcp is an MCP server: it waits for an MCP client/;

  it('says on stderr, in one log line, that it is an MCP server waiting for a client, and how to try it', async () => {
    // util-linux `script` gives the server a terminal for stdin; stderr goes to the terminal,
    // stdout (the MCP channel) elsewhere.
    const command = `exec '${process.execPath}' '${SERVER_ENTRY}' 2>&1 >/dev/null`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: sandboxEnv(sandbox.url) });
    let seen = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no note within 10 s; the terminal showed:\n${seen}`)), 10_000);
        child.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          if (NOTE.test(seen)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('error', reject);
      });
    } finally {
      const closed = new Promise((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      await closed;
    }
    const note = seen
      .split(/\r?\n/)
      .filter((line) => NOTE.test(line))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(note).toEqual([expect.objectContaining({ level: 'info' })]);
    expect(note[0]!.message).toContain(`npx @modelcontextprotocol/inspector -e NAME=value… node ${SERVER_ENTRY}`);
    expect(note[0]!.message).toContain('npm run demo');
  });

  it('says nothing of the kind to a host, whose stdin is a pipe', async () => {
    const server = await servers.start(sandboxEnv(sandbox.url));
    await server.client.listTools();
    expect(server.transport.stderrText()).not.toMatch(NOTE);
  });
});
