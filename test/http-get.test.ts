/**
 * The fixed-buffer HTTP GET that save_media_file streams through: every framing of a body,
 * redirects, a cut-off body, cancellation, and https, against real servers on 127.0.0.1.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, type GetResponse } from '../src/downloads/http-get.js';

const CHILD = fileURLToPath(new URL('./helpers/http-get-child.ts', import.meta.url));
const BODY = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));

function route(req: IncomingMessage, res: ServerResponse): void {
  switch (req.url) {
    case '/length':
      res.writeHead(200, { 'Content-Length': BODY.length });
      res.end(BODY);
      return;
    case '/chunked':
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      // Node frames a body without Content-Length in chunks; write it in uneven pieces.
      for (let at = 0; at < BODY.length; at += 7_777) res.write(BODY.subarray(at, at + 7_777));
      res.end();
      return;
    case '/redirect':
      res.writeHead(302, { Location: '/length' });
      res.end();
      return;
    case '/loop':
      res.writeHead(302, { Location: '/loop' });
      res.end();
      return;
    case '/cut':
      res.writeHead(200, { 'Content-Length': BODY.length });
      res.write(BODY.subarray(0, 1000), () => res.destroy());
      return;
    case '/hang':
      res.writeHead(200, { 'Content-Length': BODY.length });
      res.write(BODY.subarray(0, 1000));
      return;
    default:
      res.writeHead(404);
      res.end();
  }
}

let http: ReturnType<typeof createHttpServer>;
let base = '';

beforeAll(async () => {
  http = createHttpServer(route);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(() => {
  http.closeAllConnections();
  http.close();
});

async function get(url: string, signal = new AbortController().signal) {
  const pieces: Buffer[] = [];
  let response: GetResponse | undefined;
  const result = await httpGet(url, {
    signal,
    userAgent: 'test',
    onResponse: (r) => {
      response = r;
    },
    onBody: async (chunk) => {
      // Copied: the chunk's memory is reused once this resolves.
      pieces.push(Buffer.from(chunk));
      await new Promise((r) => setImmediate(r));
    },
  });
  return { ...result, response: response!, body: Buffer.concat(pieces) };
}

describe('httpGet', () => {
  it.each([['/length'], ['/chunked'], ['/redirect']])('streams %s whole and in order', async (path) => {
    const got = await get(`${base}${path}`);
    expect(got.response.status).toBe(200);
    expect(got.complete).toBe(true);
    expect(got.bytes).toBe(BODY.length);
    expect(got.body.equals(BODY)).toBe(true);
  });

  it('reports the Content-Length, and a body cut off before it', async () => {
    const got = await get(`${base}/cut`);
    expect(got.response.contentLength).toBe(BODY.length);
    expect(got.complete).toBe(false);
    expect(got.bytes).toBe(1000);
  });

  it('gives up after five redirects', async () => {
    await expect(get(`${base}/loop`)).rejects.toThrow('more than 5 redirects');
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    const pending = get(`${base}/hang`, controller.signal);
    await new Promise((r) => setTimeout(r, 100));
    controller.abort(new Error('cancelled by the test'));
    await expect(pending).rejects.toThrow('cancelled by the test');
  });

  it('speaks https, trusting only what the system trusts', async () => {
    // A throwaway certificate for 127.0.0.1, trusted by one child process and not by another.
    const dir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
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
    const https = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, route);
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(https.address() as AddressInfo).port}/chunked`;
    const child = (extraCa?: string) =>
      new Promise<string>((resolve) => {
        const env = { ...process.env, ...(extraCa ? { NODE_EXTRA_CA_CERTS: extraCa } : {}) };
        execFile(process.execPath, ['--import', 'tsx', CHILD, url], { env }, (_, stdout) => resolve(stdout.trim()));
      });
    try {
      expect(await child()).toMatch(/^error: .*(self-signed|certificate)/);
      expect(await child(cert)).toBe(`${BODY.length} ${createHash('sha256').update(BODY).digest('hex')}`);
    } finally {
      https.closeAllConnections();
      https.close();
    }
  });
});
