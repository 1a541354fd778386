/**
 * Remote mode over TLS, end to end: a CA made for this run signs a certificate for 127.0.0.1
 * and localhost; the built server serves HTTPS with it (--tls-cert/--tls-key, or MCP_TLS_CERT
 * and MCP_TLS_KEY); an SDK client in a process of its own that trusts that CA
 * (NODE_EXTRA_CA_CERTS) makes initialize, tools/list and tools/call against the sandbox, while
 * one that does not trust it is refused. Binding a non-loopback address in clear text is refused
 * at start-up, saying why.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_SECRET } from './sandbox/fixtures.js';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { startHttpServer, type HttpServerProcess } from './helpers/http-server.js';
import { SERVER_ENTRY } from './helpers/server-process.js';

const SMOKE = fileURLToPath(new URL('../scripts/remote-smoke.ts', import.meta.url));

let sandbox: Sandbox;
let dir: string;
let pki: { ca: string; cert: string; key: string; otherCa: string };
const started: HttpServerProcess[] = [];

function openssl(...args: string[]) {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A CA, and a server certificate it signs for 127.0.0.1 and localhost; plus an unrelated CA. */
function makePki(folder: string) {
  const p = (name: string) => join(folder, name);
  for (const ca of ['ca', 'other-ca']) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=kaltura-mcp test ${ca}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
      '-keyout',
      p(`${ca}.key`),
      '-out',
      p(`${ca}.pem`),
    );
  }
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
  );
  writeFileSync(
    p('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    p('server.ext'),
    '-out',
    p('server.pem'),
  );
  return { ca: p('ca.pem'), cert: p('server.pem'), key: p('server.key'), otherCa: p('other-ca.pem') };
}

/** scripts/remote-smoke.ts in a child process trusting `ca`: its JSON line. */
function smoke(url: string, ca: string) {
  return new Promise<Record<string, unknown>>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', SMOKE, url],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: ca } },
      (_, stdout) => resolve(JSON.parse(stdout.trim() || '{}') as Record<string, unknown>),
    );
  });
}

/** Runs the built server until it exits; its exit code and stderr. */
function runToExit(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [SERVER_ENTRY, ...args], {
    env: { PATH: process.env.PATH ?? '', KALTURA_SERVICE_URL: sandbox.url, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-tls-'));
  pki = makePki(dir);
  sandbox = await startSandbox();
}, 30_000);

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function serveTls(args: string[], env: Record<string, string> = {}) {
  const s = await startHttpServer(
    {
      PATH: process.env.PATH ?? '',
      KALTURA_SERVICE_URL: sandbox.url,
      KALTURA_ADMIN_SECRET: SANDBOX_ADMIN_SECRET,
      ...env,
    },
    args,
  );
  started.push(s);
  return s;
}

describe('HTTPS served directly', () => {
  it('answers an SDK client that trusts the CA: initialize, tools/list, tools/call', async () => {
    const s = await serveTls(['--tls-cert', pki.cert, '--tls-key', pki.key]);
    expect(s.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await smoke(`${s.origin}/mcp`, pki.ca);
    expect(answer).toMatchObject({ ok: true, server: 'kaltura-mcp', flavorId: '1_olastsrc', isError: false });
    expect(answer.tools).toContain('get_download_url');
    // The same through the name on the certificate.
    const byName = await smoke(`${s.origin.replace('127.0.0.1', 'localhost')}/mcp`, pki.ca);
    expect(byName).toMatchObject({ ok: true });
    // Nothing secret in what the server wrote.
    expect(s.stderr()).not.toContain(SANDBOX_ADMIN_SECRET);
    expect(s.stderr()).toContain('"message":"kaltura-mcp ready on HTTPS"');
  });

  it('still serves a client that shakes hands while bare TCP connects fill the handshake cap', async () => {
    const s = await serveTls(['--tls-cert', pki.cert, '--tls-key', pki.key], { MCP_MAX_CONNECTIONS: '2' });
    const port = Number(new URL(s.origin).port);
    const bare = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connectTcp(port, '127.0.0.1', () => resolve(socket));
            socket.on('error', () => undefined);
          }),
      ),
    );
    try {
      expect(await smoke(`${s.origin}/mcp`, pki.ca)).toMatchObject({ ok: true, flavorId: '1_olastsrc' });
    } finally {
      for (const socket of bare) socket.destroy();
    }
  });

  it('takes its files from MCP_TLS_CERT and MCP_TLS_KEY too', async () => {
    const s = await serveTls([], { MCP_TLS_CERT: pki.cert, MCP_TLS_KEY: pki.key });
    expect(s.origin).toMatch(/^https:/);
    expect(await smoke(`${s.origin}/mcp`, pki.ca)).toMatchObject({ ok: true, flavorId: '1_olastsrc' });
  });

  it('is refused by a client that does not trust the CA, and speaks no plain HTTP', async () => {
    const s = await serveTls(['--tls-cert', pki.cert, '--tls-key', pki.key]);
    const refused = await smoke(`${s.origin}/mcp`, pki.otherCa);
    expect(refused.ok).toBe(false);
    expect(String(refused.error)).toMatch(/certificate|fetch failed/i);
    // A plain-HTTP request to the HTTPS port gets no MCP answer.
    const port = Number(new URL(s.origin).port);
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz' }, (res) => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      });
      req.on('error', (error) => resolve(`error ${error.message}`));
      req.end();
    });
    expect(plain).not.toBe('status 200');
  });

  it('binds a non-loopback address when it serves TLS', async () => {
    const s = await serveTls([
      '--host',
      '0.0.0.0',
      '--allowed-hosts',
      '127.0.0.1',
      '--tls-cert',
      pki.cert,
      '--tls-key',
      pki.key,
    ]);
    expect(s.origin).toMatch(/^https:\/\/0\.0\.0\.0:\d+$/);
    const port = new URL(s.origin).port;
    expect(await smoke(`https://127.0.0.1:${port}/mcp`, pki.ca)).toMatchObject({ ok: true });
  });

  it('says which file it cannot read, or that the PEM is unusable, and does not start', async () => {
    const missing = await runToExit([
      '--http',
      '--port',
      '0',
      '--tls-cert',
      join(dir, 'nope.pem'),
      '--tls-key',
      pki.key,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `cannot read the --tls-cert file ${JSON.stringify(join(dir, 'nope.pem'))} (ENOENT)`,
    );
    const swapped = await runToExit(['--http', '--port', '0', '--tls-cert', pki.key, '--tls-key', pki.cert]);
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toContain('the TLS certificate and key cannot be used');
  });
});

describe('clear text on a non-loopback address', () => {
  it('refuses to start, saying that a KS is a bearer credential', async () => {
    const { code, stderr } = await runToExit([
      '--http',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--allowed-hosts',
      'a.example',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "binding to 0.0.0.0 without TLS would carry every caller's KS, a bearer credential, in clear text",
    );
    expect(stderr).toContain('--behind-tls-proxy');
  });

  it('starts when told a proxy in front terminates TLS (flag or MCP_BEHIND_TLS_PROXY)', async () => {
    const flagged = await serveTls(['--host', '0.0.0.0', '--allowed-hosts', 'a.example', '--behind-tls-proxy']);
    expect(flagged.origin).toMatch(/^http:\/\/0\.0\.0\.0:/);
    const env = await serveTls(['--host', '0.0.0.0', '--allowed-hosts', 'a.example'], { MCP_BEHIND_TLS_PROXY: 'true' });
    expect(env.origin).toMatch(/^http:\/\/0\.0\.0\.0:/);
  });
});
