/**
 * `npm run bench`: everything measured side by side in one run, reported as ratios (these
 * machines are noisy; never compare absolute times across runs). The sandbox Kaltura adds a
 * fixed latency to every answer, so one HTTP request costs about one "round trip".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../build/options.js';
import { KalturaClientManager, type RequestStats } from '../src/kaltura/client-manager.js';
import { mediaGetRequest } from '../src/kaltura/requests.js';
import { createLogger } from '../src/logging.js';
import { Redactor } from '../src/redact.js';
import { findDownloadUrl, type DownloadRequest } from '../src/downloads/locate.js';
import { answerWith, type DownloadStrategy } from '../test/helpers/download-strategies.js';
import { buildBaseline } from './baseline.js';
import {
  bigSaves,
  courseThroughput,
  DOWNLOAD_ENTRIES,
  LIBRARY_ENTRIES,
  librarySaves,
  resumedSave,
} from './downloads.js';
import { connect, rssMb } from './processes.js';
import { HTTP_CLIENTS, SOAK_CALLS, soaks } from './soak.js';
import { callerKs, httpClient, startHttpServer } from '../test/helpers/http-server.js';
import { sandboxEnv, SERVER_ENTRY } from '../test/helpers/server-process.js';
import { manyEntries, SANDBOX_PARTNER_ID } from '../test/sandbox/fixtures.js';
import { startSandbox, type Sandbox } from '../test/sandbox/server.js';
import { getDownloadUrlSequential } from '../test/strategies/sequential.js';

const LATENCY_MS = 40;
const SAMPLES = 15;
/** Spawns per side for the cold start: a start is short, so its spread needs more samples. */
const COLD_SAMPLES = 40;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

/** Requests and p50 latency (in round trips) of both strategies, interleaved call by call. */
async function strategies(sandbox: Sandbox) {
  const redactor = new Redactor();
  const manager = new KalturaClientManager({
    env: sandboxEnv(sandbox.url),
    log: createLogger(redactor, { debug: () => false, write: () => {} }),
    masker: redactor,
  });
  const timed = async (work: (stats: RequestStats) => Promise<unknown>) => {
    const stats = { requests: 0 };
    const started = performance.now();
    await work(stats);
    return { ms: performance.now() - started, requests: stats.requests };
  };
  // Warm up connections and the session, then measure one plain request as the round trip.
  await manager.forCall().call(mediaGetRequest('1_demo0001'));
  sandbox.clearLog();
  const cases: Array<[string, DownloadRequest]> = [
    ['original listed first', { entryId: '1_demo0001' }],
    ['original listed last', { entryId: '1_origlast' }],
    ['no original', { entryId: '1_noorig01' }],
    ['requested flavor', { entryId: '1_demo0001', flavorId: '1_demof002' }],
  ];
  const roundTrips: number[] = [];
  const rows: string[] = [];
  const results = new Map<string, { fast: number[]; slow: number[]; fastReq: number; slowReq: number }>();
  for (const [name] of cases) results.set(name, { fast: [], slow: [], fastReq: 0, slowReq: 0 });
  for (let i = 0; i < SAMPLES; i += 1) {
    roundTrips.push((await timed((stats) => manager.forCall({ stats }).call(mediaGetRequest('1_demo0001')))).ms);
    for (const [name, request] of cases) {
      const r = results.get(name)!;
      const run = (s: DownloadStrategy) => timed((stats) => answerWith(s, manager.forCall({ stats }), request));
      const fast = await run(findDownloadUrl);
      const slow = await run(getDownloadUrlSequential);
      r.fast.push(fast.ms);
      r.slow.push(slow.ms);
      r.fastReq = fast.requests;
      r.slowReq = slow.requests;
    }
  }
  const rtt = median(roundTrips);
  for (const [name] of cases) {
    const r = results.get(name)!;
    rows.push(
      `| ${name.padEnd(22)} | ${String(r.fastReq).padStart(8)} | ${fmt(median(r.fast) / rtt).padStart(11)} | ${String(r.slowReq).padStart(8)} | ${fmt(median(r.slow) / rtt).padStart(11)} |`,
    );
  }
  const sessionStarts = sandbox.actions().filter((a) => a === 'session.start').length;
  return { rows, sessionStarts, rtt };
}

/**
 * Spawn-to-initialize-answer of the built server and of a do-nothing SDK server bundled the same
 * way (bench/minimal-server.ts), each against `node -e 0`, interleaved.
 */
async function coldStart() {
  const minimal = join(mkdtempSync(join(tmpdir(), 'kaltura-mcp-bench-')), 'minimal-server.mjs');
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [new URL('minimal-server.ts', import.meta.url).pathname],
    outfile: minimal,
  });
  const init = `${JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
  })}\n`;
  // All get the same environment: a variable like NODE_EXTRA_CA_CERTS costs each start the same.
  const bare = () =>
    new Promise<number>((resolve) => {
      const started = performance.now();
      spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env: process.env }).on('exit', () =>
        resolve(performance.now() - started),
      );
    });
  const server = (entry: string) =>
    new Promise<number>((resolve) => {
      const started = performance.now();
      const child = spawn(process.execPath, [entry], { stdio: ['pipe', 'pipe', 'ignore'], env: process.env });
      child.stdout.once('data', () => {
        resolve(performance.now() - started);
        child.kill();
      });
      child.stdin.write(init);
    });
  const b: number[] = [];
  const s: number[] = [];
  const m: number[] = [];
  for (let i = 0; i < COLD_SAMPLES; i += 1) {
    b.push(await bare());
    s.push(await server(SERVER_ENTRY));
    m.push(await server(minimal));
  }
  rmSync(dirname(minimal), { recursive: true, force: true });
  return { server: median(s) / median(b), minimal: median(m) / median(b), extraMs: median(s) - median(m) };
}

/** The built server under load: 200 concurrent calls, then 5,000 sequential ones. */
async function load(sandbox: Sandbox) {
  const { client, pid } = await connect(sandbox);
  const call = (entry_id: string) => client.callTool({ name: 'get_download_url', arguments: { entry_id } });
  await call('1_demo0001'); // warm up: loads kaltura-client, signs the session
  const rssIdle = rssMb(pid);

  const oneCall: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    await call('1_demo0001');
    oneCall.push(performance.now() - started);
  }
  const ids = ['1_demo0001', '1_origlast', '1_noorig01', '1_convert1', '1_many0001', '1_unicode1'];
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => call(ids[i % ids.length]!)));
  const concurrentMs = performance.now() - started;
  const wrong = answers.filter((a, i) => {
    const text = (a.content as Array<{ text: string }>)[0]!.text;
    return a.isError || JSON.parse(text).entryId !== ids[i % ids.length];
  }).length;
  const rssAfterConcurrent = rssMb(pid);

  sandbox.setLatency(0);
  const rssSeries: number[] = [];
  for (let i = 0; i < 5000; i += 1) {
    await call(ids[i % ids.length]!);
    if ((i + 1) % 1000 === 0) rssSeries.push(rssMb(pid));
  }
  await client.close();
  return { rssIdle, rssAfterConcurrent, rssSeries, concurrentRatio: concurrentMs / median(oneCall), wrong };
}

/**
 * Kaltura requests per get_download_url call of the built server, with the admin secret (the
 * session signed here) and with only an App Token (a widget session and appToken.startSession
 * first): the first call, which starts the session, and each later one.
 */
async function requestsByCredential(sandbox: Sandbox) {
  const token = sandbox.addAppToken(SANDBOX_PARTNER_ID, {
    sessionType: 0,
    sessionUserId: 'kaltura-mcp',
    sessionPrivileges: 'list:*,sview:*,download:*',
    hashType: 'SHA256',
  });
  const credentials: Array<[string, Record<string, string>]> = [
    ['admin secret', {}],
    ['App Token', { KALTURA_ADMIN_SECRET: '', KALTURA_APP_TOKEN_ID: token.id, KALTURA_APP_TOKEN: token.token }],
  ];
  const ids = ['1_demo0001', '1_origlast', '1_noorig01', '1_convert1'];
  const rows: Array<{ credential: string; first: number; later: number }> = [];
  for (const [credential, env] of credentials) {
    const { client } = await connect(sandbox, env);
    const call = async (entry_id: string) => {
      const result = await client.callTool({ name: 'get_download_url', arguments: { entry_id } });
      if (result.isError) throw new Error(`${credential}: ${JSON.stringify(result.content)}`);
    };
    sandbox.clearLog();
    await call(ids[0]!);
    const first = sandbox.log.length;
    sandbox.clearLog();
    const laterCalls = 20;
    for (let i = 0; i < laterCalls; i += 1) await call(ids[i % ids.length]!);
    rows.push({ credential, first, later: sandbox.log.length / laterCalls });
    await client.close();
  }
  return rows;
}

/**
 * A fast call behind 32 cancelled slow ones, as a ratio to the same call unloaded: with the
 * slots freed on cancellation it waits for nothing. Also the tools/list payload.
 */
async function cancellation(sandbox: Sandbox) {
  const { client } = await connect(sandbox, { KALTURA_REQUEST_TIMEOUT_MS: '60000' });
  const payload = JSON.stringify(await client.listTools()).length;
  const call = (entry_id: string, signal?: AbortSignal) =>
    client.callTool({ name: 'get_download_url', arguments: { entry_id } }, undefined, { signal });
  const timedCall = async () => {
    const started = performance.now();
    await call('1_demo0001');
    return performance.now() - started;
  };
  await call('1_demo0001');
  const unloaded: number[] = [];
  const behind: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    unloaded.push(await timedCall());
    sandbox.clearLog();
    sandbox.setFault({ kind: 'hang', match: '1_origlast' });
    const controllers = Array.from({ length: 32 }, () => new AbortController());
    const slow = controllers.map((c) => call('1_origlast', c.signal).catch(() => undefined));
    while (sandbox.log.length < 32) await new Promise((r) => setTimeout(r, 5));
    for (const c of controllers) c.abort();
    await Promise.all(slow);
    behind.push(await timedCall());
    sandbox.setFault(undefined);
  }
  await client.close();
  return { ratio: median(behind) / median(unloaded), payload };
}

/** Kaltura HTTP requests for one get_download_urls call of 50 entries with 10 flavors each. */
async function batch(sandbox: Sandbox) {
  const { client } = await connect(sandbox);
  sandbox.clearLog();
  const result = await client.callTool({
    name: 'get_download_urls',
    arguments: { entry_ids: BATCH.map((e) => e.id), max_height: 720 },
  });
  const ok = (result.structuredContent as { results: Array<{ ok: boolean }> }).results.filter((r) => r.ok).length;
  const requests = sandbox.log.length;
  await client.close();
  return { requests, ok };
}

/**
 * Remote mode under load: 20 clients, each with a KS of its own, 10 calls each at once: 200
 * concurrent calls. Latency percentiles in Kaltura round trips (`rtt`), and the server's RSS.
 */
async function httpLoad(sandbox: Sandbox, rtt: number) {
  // One host plays twenty callers: the per-address cap would otherwise answer most with 429.
  const server = await startHttpServer({
    PATH: process.env.PATH ?? '',
    KALTURA_SERVICE_URL: sandbox.url,
    MCP_MAX_CALLS_PER_ADDRESS: '1000',
  });
  try {
    const pid = server.child.pid!;
    const clients = await Promise.all(
      Array.from({ length: 20 }, (_, i) => httpClient(`${server.origin}/mcp`, callerKs({ expiresIn: 3600 + i }))),
    );
    const ids = ['1_demo0001', '1_origlast', '1_noorig01', '1_convert1', '1_many0001', '1_unicode1'];
    for (const c of clients) await c.call('get_download_url', { entry_id: '1_demo0001' });
    const rssIdle = rssMb(pid);
    const latencies: number[] = [];
    let wrong = 0;
    await Promise.all(
      clients.flatMap((c, i) =>
        Array.from({ length: 10 }, async (_, j) => {
          const entry_id = ids[(i * 10 + j) % ids.length]!;
          const started = performance.now();
          const result = await c.call('get_download_url', { entry_id });
          latencies.push(performance.now() - started);
          if (result.isError || (result.structuredContent as { entryId?: string }).entryId !== entry_id) wrong += 1;
        }),
      ),
    );
    const rssAfter = rssMb(pid);
    await Promise.all(clients.map((c) => c.close()));
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { calls: latencies.length, wrong, p50: at(0.5) / rtt, p99: at(0.99) / rtt, rssIdle, rssAfter };
  } finally {
    await server.stop();
  }
}

const BATCH = manyEntries(50, 10);
const sandbox = await startSandbox({
  latencyMs: LATENCY_MS,
  extraEntries: [...BATCH, ...DOWNLOAD_ENTRIES, ...LIBRARY_ENTRIES],
});
try {
  console.log(`kaltura-mcp benchmark — sandbox latency ${LATENCY_MS} ms per request, ${SAMPLES} samples, medians\n`);
  const { rows, sessionStarts, rtt } = await strategies(sandbox);
  console.log('| case                   | requests | p50 (trips) | requests | p50 (trips) |');
  console.log('|                        |  one-trip path         |  sequential path       |');
  console.log('|------------------------|----------|-------------|----------|-------------|');
  for (const row of rows) console.log(row);
  console.log(`\nsession.start requests during all of the above: ${sessionStarts}`);
  console.log('\nKaltura requests per get_download_url call, by credential (the built server over stdio):');
  console.log('| credential   | first call (starts the session) | each later call |');
  console.log('|--------------|---------------------------------|-----------------|');
  for (const r of await requestsByCredential(sandbox)) {
    console.log(`| ${r.credential.padEnd(12)} | ${String(r.first).padStart(31)} | ${fmt(r.later).padStart(15)} |`);
  }
  const cold = await coldStart();
  console.log(
    `cold start, spawn to initialize answer: ${fmt(cold.server)}x bare \`node -e 0\`; ` +
      `a do-nothing SDK server bundled the same way: ${fmt(cold.minimal)}x (this server's own share: ${fmt(cold.extraMs, 0)} ms)`,
  );
  sandbox.setLatency(LATENCY_MS);
  const c = await cancellation(sandbox);
  console.log(`a call behind 32 cancelled slow calls: ${fmt(c.ratio)}x the same call unloaded`);
  console.log(`tools/list payload: ${c.payload} bytes`);
  const b = await batch(sandbox);
  console.log(`get_download_urls of 50 entries x 10 flavors: ${b.requests} Kaltura requests, ${b.ok} of 50 answered`);
  for (const big of await bigSaves(sandbox)) {
    console.log(
      `save_media_file of a ${fmt(big.bytes / 1024 / 1024, 0)} MiB file: RSS grew ${fmt(big.growthMb, 1)} MB; ` +
        `throughput ${fmt(big.throughputRatio)}x \`curl -o\` of the same URL into the same folder`,
    );
  }
  for (const run of await librarySaves(sandbox)) {
    console.log(
      `save_media_files of ${run.count} entries with a caption each: ${run.requests} Kaltura requests ` +
        `(bound ceil(N/50) + 3 = ${Math.ceil(run.count / 50) + 3}), peak RSS ${fmt(run.peakMb, 1)} MB, ${run.saved} saved, ${run.failed} failed`,
    );
  }
  const course = await courseThroughput(sandbox);
  console.log(
    `save_media_files of the 12-entry course: throughput ${fmt(course.ratio)}x curl fetching the same ${course.files} files 4 at a time`,
  );
  const resumed = await resumedSave(sandbox);
  console.log(
    `a save cut at 60%, saved again: ${fmt(resumed.share * 100, 1)}% of the file transferred the second time ` +
      `(resumed from byte ${resumed.resumedFrom} of ${resumed.bytes})`,
  );
  const h = await httpLoad(sandbox, rtt);
  console.log(
    `HTTP mode, 20 clients x 10 concurrent calls: ${h.calls} answered, ${h.wrong} wrong; ` +
      `p50 ${fmt(h.p50)} and p99 ${fmt(h.p99)} round trips; RSS ${fmt(h.rssIdle, 1)} MB warm, ${fmt(h.rssAfter, 1)} MB after`,
  );
  const baseline = buildBaseline();
  try {
    const soak = await soaks(sandbox, SERVER_ENTRY, baseline.entry);
    console.log(
      `\nSoak: ${SOAK_CALLS.toLocaleString('en')} get_download_url calls per server and mode, this build against ` +
        `${baseline.commit} (BENCH_BASELINE, default main) built the same way, taking turns:`,
    );
    console.log(
      '| mode                  | RSS after, this build | RSS after, baseline | time per call, ratio | server CPU, ratio |',
    );
    console.log(
      '|-----------------------|-----------------------|---------------------|----------------------|-------------------|',
    );
    for (const [mode, r] of [
      ['stdio, 1 client', soak.stdio],
      [`HTTP, ${HTTP_CLIENTS} clients`, soak.http],
    ] as const) {
      console.log(
        `| ${mode.padEnd(21)} | ${`${fmt(r.rss.today, 1)} MB`.padStart(21)} | ${`${fmt(r.rss.baseline, 1)} MB`.padStart(19)} | ` +
          `${fmt(r.latencyRatio).padStart(20)} | ${fmt(r.cpuRatio).padStart(17)} |${r.wrong ? ` ${r.wrong} wrong answers` : ''}`,
      );
    }
  } finally {
    baseline.remove();
  }
  // The soak ran without the sandbox's latency; the load below measures against it.
  sandbox.setLatency(LATENCY_MS);
  const l = await load(sandbox);
  console.log(`200 concurrent calls: wall time ${fmt(l.concurrentRatio)}x one call; wrong answers: ${l.wrong}`);
  console.log(
    `RSS: ${fmt(l.rssIdle, 1)} MB after warm-up, ${fmt(l.rssAfterConcurrent, 1)} MB after 200 concurrent calls, ` +
      `${l.rssSeries.map((m) => fmt(m, 1)).join(' / ')} MB after each 1,000 of 5,000 sequential calls`,
  );
} finally {
  await sandbox.close();
}
