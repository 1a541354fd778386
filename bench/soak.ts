/**
 * Memory and speed under sustained calls: today's build against a baseline (bench/baseline.ts),
 * side by side in one run. 20,000 get_download_url calls over stdio (one client, one call at a
 * time) and 20,000 over HTTP (8 clients, each one call at a time), against the sandbox with no
 * added latency (so the servers' own work is what is timed). The two servers take turns in
 * rounds of 250 calls, in alternating order, so that both see the same machine. Reports each
 * server's RSS after its 20,000 calls, the median over rounds of today's per-call time divided
 * by the baseline's, and the ratio of the CPU time each server process used in all (less
 * disturbed than wall time when other work shares the machine).
 */
import { readFileSync } from 'node:fs';
import { connect, rssMb } from './processes.js';
import { callerKs, httpClient, startHttpServer } from '../test/helpers/http-server.js';
import type { Sandbox } from '../test/sandbox/server.js';

/** Calls per server and mode (BENCH_SOAK_CALLS overrides, for a quicker look). */
export const SOAK_CALLS = Number(process.env.BENCH_SOAK_CALLS ?? 20_000);
const ROUND = 250;
export const HTTP_CLIENTS = 8;
const IDS = ['1_demo0001', '1_origlast', '1_noorig01', '1_convert1', '1_many0001', '1_unicode1'];

/** One server under soak: runs a round of calls, says how many answers were wrong. */
interface Side {
  pid: number;
  round(): Promise<number>;
  close(): Promise<void>;
}

/** What one mode's soak measured. */
export interface SoakResult {
  /** RSS in MB after all calls: today's build, and the baseline. */
  rss: { today: number; baseline: number };
  /** Median over rounds of today's time per call / the baseline's. */
  latencyRatio: number;
  /** Today's server CPU time over the soak / the baseline's. */
  cpuRatio: number;
  wrong: number;
}

/** CPU time (user and system) a process has used so far, in seconds; Linux counts in ticks of 10 ms. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const isRight = (result: unknown, entryId: string) => {
  const { isError, structuredContent } = result as { isError?: boolean; structuredContent?: { entryId?: string } };
  return !isError && structuredContent?.entryId === entryId;
};

async function stdioSide(entry: string, sandbox: Sandbox): Promise<Side> {
  const { client, pid } = await connect(sandbox, {}, entry, 'bench-soak');
  let next = 0;
  const call = async () => {
    const entryId = IDS[next++ % IDS.length]!;
    return isRight(await client.callTool({ name: 'get_download_url', arguments: { entry_id: entryId } }), entryId);
  };
  await call(); // warm up: loads kaltura-client, signs the session
  return {
    pid,
    round: async () => {
      let wrong = 0;
      for (let i = 0; i < ROUND; i += 1) if (!(await call())) wrong += 1;
      return wrong;
    },
    close: () => client.close(),
  };
}

async function httpSide(entry: string, sandbox: Sandbox): Promise<Side> {
  const server = await startHttpServer({ PATH: process.env.PATH ?? '', KALTURA_SERVICE_URL: sandbox.url }, [], entry);
  const clients = await Promise.all(
    Array.from({ length: HTTP_CLIENTS }, (_, i) =>
      httpClient(`${server.origin}/mcp`, callerKs({ expiresIn: 3600 + i })),
    ),
  );
  for (const c of clients) await c.call('get_download_url', { entry_id: '1_demo0001' });
  return {
    pid: server.child.pid!,
    round: async () => {
      let wrong = 0;
      await Promise.all(
        clients.map(async (c, k) => {
          for (let i = k; i < ROUND; i += HTTP_CLIENTS) {
            const entryId = IDS[i % IDS.length]!;
            if (!isRight(await c.call('get_download_url', { entry_id: entryId }), entryId)) wrong += 1;
          }
        }),
      );
      return wrong;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await server.stop();
    },
  };
}

/** Runs both servers of one mode through {@link SOAK_CALLS} calls each, taking turns. */
async function soak(start: (entry: string) => Promise<Side>, today: string, baseline: string): Promise<SoakResult> {
  const sides = { today: await start(today), baseline: await start(baseline) };
  try {
    const ratios: number[] = [];
    let wrong = 0;
    const cpuBefore = { today: cpuSeconds(sides.today.pid), baseline: cpuSeconds(sides.baseline.pid) };
    for (let r = 0; r < SOAK_CALLS / ROUND; r += 1) {
      const ms = { today: 0, baseline: 0 };
      const order = r % 2 === 0 ? (['today', 'baseline'] as const) : (['baseline', 'today'] as const);
      for (const name of order) {
        const started = performance.now();
        const roundWrong = await sides[name].round();
        ms[name] = performance.now() - started;
        if (name === 'today') wrong += roundWrong;
      }
      ratios.push(ms.today / ms.baseline);
    }
    return {
      rss: { today: rssMb(sides.today.pid), baseline: rssMb(sides.baseline.pid) },
      latencyRatio: median(ratios),
      cpuRatio: (cpuSeconds(sides.today.pid) - cpuBefore.today) / (cpuSeconds(sides.baseline.pid) - cpuBefore.baseline),
      wrong,
    };
  } finally {
    await Promise.all([sides.today.close(), sides.baseline.close()]);
  }
}

/** The stdio soak and the HTTP soak, today's build (`today`) against `baseline`. */
export async function soaks(sandbox: Sandbox, today: string, baseline: string) {
  sandbox.setLatency(0);
  const stdio = await soak((entry) => stdioSide(entry, sandbox), today, baseline);
  const http = await soak((entry) => httpSide(entry, sandbox), today, baseline);
  return { stdio, http };
}
