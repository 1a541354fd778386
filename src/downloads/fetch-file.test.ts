/**
 * Opening a file's URL with Node's HTTP stack: redirects (at most five, never from https to
 * http), https trusting only what the system trusts, and the proxy variables read as axios reads
 * them: an https URL through a CONNECT tunnel, with the proxy's credentials. Real servers and a
 * real proxy on 127.0.0.1; each case runs in a child process, whose environment it sets.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type TestProxy } from '../../test/helpers/proxy.js';
import { tempFolderEnv } from '../../test/helpers/server-process.js';

const CHILD = fileURLToPath(new URL('../../test/helpers/open-file-child.ts', import.meta.url));
const BODY = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
const SHA = createHash('sha256').update(BODY).digest('hex');

let plainOrigin = '';
function route(req: IncomingMessage, res: ServerResponse): void {
  switch (req.url) {
    case '/file':
      res.writeHead(200, { 'Content-Length': BODY.length });
      res.end(BODY);
      return;
    case '/redirect':
      res.writeHead(302, { Location: '/file' });
      res.end();
      return;
    case '/loop':
      res.writeHead(302, { Location: '/loop' });
      res.end();
      return;
    case '/to-plain':
      res.writeHead(302, { Location: `${plainOrigin}/file` });
      res.end();
      return;
    default:
      res.writeHead(404);
      res.end();
  }
}

let dir: string;
let cert: string;
let plain: ReturnType<typeof createHttpServer>;
let secure: HttpsServer;
let secureOrigin = '';
let proxy: TestProxy;

beforeAll(async () => {
  // A throwaway certificate for 127.0.0.1, trusted only where a child is told to trust it.
  dir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-tls-'));
  const key = join(dir, 'key.pem');
  cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  plain = createHttpServer(route);
  secure = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, route);
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  plainOrigin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  secureOrigin = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
  proxy = await startProxy();
});

afterAll(async () => {
  for (const server of [plain, secure]) {
    server.closeAllConnections();
    server.close();
  }
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(url: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CHILD, url],
      // Only what the child needs, and the run's temporary folder (tsx, which runs it, keeps nothing there).
      {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_EXTRA_CA_CERTS: cert,
          ...tempFolderEnv(),
          TSX_DISABLE_CACHE: '1',
          ...env,
        },
      },
      (_, stdout) => resolve(stdout.trim()),
    );
  });
}

describe('openFile', () => {
  it('follows a redirect to the file', async () => {
    expect(await open(`${plainOrigin}/redirect`)).toBe(`200 ${BODY.length} ${SHA}`);
  });

  it('gives up after five redirects', async () => {
    expect(await open(`${plainOrigin}/loop`)).toBe("error: the file's server redirected more than 5 times");
  });

  it('refuses a redirect from https to plain http', async () => {
    expect(await open(`${secureOrigin}/to-plain`)).toMatch(
      /^error: the file's server redirected from https to a plain http address/,
    );
  });

  it('trusts only what the system trusts', async () => {
    expect(await open(`${secureOrigin}/file`, { NODE_EXTRA_CA_CERTS: '' })).toMatch(
      /^error: .*(self-signed|certificate)/,
    );
    expect(await open(`${secureOrigin}/file`)).toBe(`200 ${BODY.length} ${SHA}`);
  });

  it('tunnels an https URL through HTTPS_PROXY with CONNECT, sending the proxy its credentials', async () => {
    proxy.log.length = 0;
    const proxyUrl = proxy.url.replace('http://', 'http://me:s%40cret@');
    expect(await open(`${secureOrigin}/file`, { HTTPS_PROXY: proxyUrl })).toBe(`200 ${BODY.length} ${SHA}`);
    expect(proxy.log).toEqual([
      {
        method: 'CONNECT',
        target: secureOrigin.replace('https://', ''),
        auth: `Basic ${Buffer.from('me:s@cret').toString('base64')}`,
      },
    ]);
  });

  it('names the proxy (host:port, never its credentials) and its variable when the proxy cannot be reached', async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const answer = await open(`${plainOrigin}/file`, { HTTP_PROXY: `http://me:s3cret@127.0.0.1:${port}` });
    expect(answer).toBe(
      `error: the connection to the proxy 127.0.0.1:${port} (from HTTP_PROXY) failed (ECONNREFUSED): check that proxy, or fix or unset HTTP_PROXY, then try again`,
    );
    expect(await open(`${secureOrigin}/file`, { https_proxy: `127.0.0.1:${port}` })).toBe(
      `error: the connection to the proxy 127.0.0.1:${port} (from https_proxy) failed (ECONNREFUSED): check that proxy, or fix or unset https_proxy, then try again`,
    );
  });

  it('says which variable holds a proxy that is not a URL, without repeating its value', async () => {
    expect(await open(`${plainOrigin}/file`, { http_proxy: 'not a url' })).toBe(
      'error: http_proxy does not hold a proxy URL (such as http://proxy.example.com:3128): fix it, or unset it to connect directly',
    );
  });

  it('reads the lower-case variables too, and NO_PROXY', async () => {
    proxy.log.length = 0;
    expect(await open(`${plainOrigin}/file`, { http_proxy: proxy.url })).toBe(`200 ${BODY.length} ${SHA}`);
    expect(proxy.log).toEqual([expect.objectContaining({ method: 'GET', target: `${plainOrigin}/file` })]);
    proxy.log.length = 0;
    expect(await open(`${plainOrigin}/file`, { http_proxy: proxy.url, no_proxy: '127.0.0.1' })).toBe(
      `200 ${BODY.length} ${SHA}`,
    );
    expect(proxy.log).toEqual([]);
  });
});
