/**
 * Installed the ways users install MCP servers: the npm tarball unpacked where there is no
 * node_modules at all, the tarball through npx (one package, nothing from the registry), and the
 * MCP bundle (.mcpb) unpacked and started as its manifest says, each driven over stdio by the
 * SDK Client against the sandbox.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { tempFolderEnv } from './helpers/server-process.js';
import { testFolder } from './helpers/temp.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as {
  version: string;
  tools: Array<{ name: string }>;
  server: { mcp_config: { command: string; args: string[]; env: Record<string, string> } };
  user_config: Record<string, { default?: string }>;
};

let sandbox: Sandbox;
let tarball: string;
let packDir: string | undefined;

beforeAll(async () => {
  sandbox = await startSandbox();
  packDir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-pack-'));
  // npm test has built dist/ already; --ignore-scripts skips prepack's second build.
  await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: ROOT });
  tarball = join(packDir, `${PACKAGE.name}-${PACKAGE.version}.tgz`);
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

/** Connects the SDK Client to a server started as `command args` with exactly `env`; closed when the test ends. */
async function drive(command: string, args: string[], env: Record<string, string>) {
  const client = new Client({ name: 'kaltura-mcp-tests', version: '0.0.0' });
  onTestFinished(() => client.close());
  await client.connect(new StdioClientTransport({ command, args, env, stderr: 'ignore' }));
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { client, call };
}

const sandboxSettings = () => ({
  PATH: process.env.PATH ?? '',
  ...tempFolderEnv(),
  KALTURA_SERVICE_URL: sandbox.url,
  KALTURA_PARTNER_ID: String(SANDBOX_PARTNER_ID),
  KALTURA_ADMIN_SECRET: SANDBOX_ADMIN_SECRET,
});

describe('the npm tarball', () => {
  it('declares no runtime dependency, and carries LICENSE and the third-party notices', async () => {
    const dir = testFolder('unpacked');
    await run('tar', ['-xzf', tarball, '-C', dir]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) {
      expect(pkg[field], field).toBeUndefined();
    }
    expect(pkg.license).toBe('AGPL-3.0-or-later');
    expect(readFileSync(join(dir, 'package', 'LICENSE'), 'utf8')).toContain('GNU AFFERO GENERAL PUBLIC LICENSE');
    const notices = readFileSync(join(dir, 'package', 'dist', 'THIRD_PARTY_NOTICES.md'), 'utf8');
    expect(notices).toMatch(/\| kaltura-client \| 21\.20\.0 \| AGPLv3 \|/);
    expect(notices).toMatch(/\| @modelcontextprotocol\/sdk \| [\d.]+ \| MIT \|/);
    expect(notices).not.toContain('ships no licence text');
  });

  it('runs from a directory with no node_modules at all', async () => {
    const dir = testFolder('bare');
    await run('tar', ['-xzf', tarball, '-C', dir]);
    expect(existsSync(join(dir, 'package', 'node_modules'))).toBe(false);
    const { client, call } = await drive(
      process.execPath,
      [join(dir, 'package', 'dist', 'index.js')],
      sandboxSettings(),
    );
    expect((await client.listTools()).tools).toHaveLength(7);
    const result = await call('get_download_url', { entry_id: '1_demo0001' });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { flavorId: string }).flavorId).toBe('1_demof001');
    await client.close();
  });

  it('installs through npx as one package, without the registry, and serves', async () => {
    const cache = testFolder('npx');
    const { client, call } = await drive('npx', ['--yes', '--offline', `--package=${tarball}`, PACKAGE.name], {
      ...sandboxSettings(),
      npm_config_cache: cache,
      HOME: cache,
    });
    expect((await call('list_media_entries', { limit: 1 })).isError).toBeFalsy();
    await client.close();
    const [install] = readdirSync(join(cache, '_npx'));
    const installed = readdirSync(join(cache, '_npx', install!, 'node_modules')).filter((f) => !f.startsWith('.'));
    expect(installed).toEqual([PACKAGE.name]);
  }, 60_000);
});

describe('the MCP bundle', () => {
  it('has a valid manifest that agrees with the package and the server', async () => {
    const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'mcpb'), ['validate', join(ROOT, 'manifest.json')]);
    expect(stdout).toContain('Manifest schema validation passes!');
    expect(MANIFEST.version).toBe(PACKAGE.version);
    const { client } = await drive(process.execPath, [join(ROOT, 'dist', 'index.js')], sandboxSettings());
    const served = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(MANIFEST.tools.map((t) => t.name).sort()).toEqual(served);
    await client.close();
  });

  it('unpacks and runs as its manifest says, with the user’s settings, and saves a file', async () => {
    await run(process.execPath, ['--import', 'tsx', join(ROOT, 'build', 'bundle.ts')], { cwd: ROOT });
    const dir = testFolder('mcpb');
    await run(join(ROOT, 'node_modules', '.bin', 'mcpb'), ['unpack', join(ROOT, 'kaltura-mcp.mcpb'), dir]);
    expect(readdirSync(dir).sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist',
      'manifest.json',
      'package.json',
      'source',
    ]);
    // The source it is built from travels with it, as the npm package.
    expect(readdirSync(join(dir, 'source'))).toEqual([`${PACKAGE.name}-${PACKAGE.version}.tgz`]);
    expect(existsSync(join(dir, 'dist', 'THIRD_PARTY_NOTICES.md'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as typeof MANIFEST;
    // What a host does: the user's answers, the defaults for what they left alone.
    const downloads = testFolder('mcpb-downloads');
    const answers: Record<string, string> = {
      service_url: sandbox.url,
      partner_id: String(SANDBOX_PARTNER_ID),
      admin_secret: SANDBOX_ADMIN_SECRET,
      download_dir: downloads,
    };
    const fill = (text: string) =>
      text
        .replace('${__dirname}', dir)
        .replace(
          /\$\{user_config\.(\w+)\}/g,
          (_, key: string) => answers[key] ?? manifest.user_config[key]?.default ?? '',
        );
    const { command, args, env } = manifest.server.mcp_config;
    const filledEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fill(v)]));
    const { client, call } = await drive(command === 'node' ? process.execPath : command, args.map(fill), {
      PATH: process.env.PATH ?? '',
      ...filledEnv,
    });
    expect((await call('get_download_url', { entry_id: '1_origlast' })).isError).toBeFalsy();
    const saved = await call('save_media_file', { entry_id: '1_noorig01', quality: 'lowest' });
    expect(saved.isError).toBeFalsy();
    expect(readdirSync(downloads)).toEqual(['No original kept [1_noorig01].mp4']);
    await client.close();

    // The form filled with an App Token instead of the admin secret.
    const token = sandbox.addAppToken(SANDBOX_PARTNER_ID, {
      sessionType: 0,
      sessionPrivileges: 'list:*,sview:*,download:*',
      hashType: 'SHA256',
    });
    delete answers.admin_secret;
    Object.assign(answers, { app_token_id: token.id, app_token: token.token });
    const withToken = await drive(command === 'node' ? process.execPath : command, args.map(fill), {
      PATH: process.env.PATH ?? '',
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fill(v)])),
    });
    expect((await withToken.call('get_download_url', { entry_id: '1_private1' })).isError).toBeFalsy();
    expect(sandbox.actions()).toContain('apptoken.startsession');
    await withToken.client.close();
  }, 60_000);
});
