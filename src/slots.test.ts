import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Abandoned, Slots, SlotsFull } from './slots.js';

describe('Slots', () => {
  it('runs at most `size` tasks at once, in arrival order, and frees a slot when a task fails', async () => {
    const slots = new Slots(2);
    const started: number[] = [];
    let peak = 0;
    let running = 0;
    const releases: Array<() => void> = [];
    const task = (n: number) =>
      slots.run(async () => {
        started.push(n);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        if (n === 1) throw new Error('boom');
        return n;
      });
    const all = [1, 2, 3, 4].map((n) => task(n).catch((e: Error) => e.message));
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([1, 2]);
    releases.shift()!(); // task 1 fails, task 3 starts
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([1, 2, 3]);
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await Promise.all(all)).toEqual(['boom', 2, 3, 4]);
    expect(peak).toBe(2);
    expect(slots.pending).toBe(0);
  });

  it('gives a released slot to the waiter, not to a task arriving before the waiter resumes', async () => {
    const slots = new Slots(1);
    const log: string[] = [];
    let finishA!: () => void;
    const a = slots.run(async () => {
      log.push('A start');
      await new Promise<void>((resolve) => (finishA = resolve));
      log.push('A end');
    });
    const b = slots.run(async () => {
      log.push('B start');
    });
    await new Promise((r) => setTimeout(r, 0));
    finishA();
    // A's release runs a few microtasks after finishA(); C arrives in that window.
    await Promise.resolve();
    await Promise.resolve();
    const c = slots.run(async () => {
      log.push('C start');
    });
    await Promise.all([a, b, c]);
    expect(log).toEqual(['A start', 'A end', 'B start', 'C start']);
  });

  it('refuses a task beyond `maxWaiting` with SlotsFull', async () => {
    const slots = new Slots(1, 1);
    let finish!: () => void;
    const first = slots.run(() => new Promise<void>((resolve) => (finish = resolve)));
    const second = slots.run(async () => 'second');
    await expect(slots.run(async () => 'third')).rejects.toBeInstanceOf(SlotsFull);
    finish();
    await first;
    expect(await second).toBe('second');
  });
});

/** One step of the property test: a task arrives, a running task finishes, a task's signal aborts, or time passes. */
type Step =
  | { kind: 'arrive'; withSignal: boolean }
  | { kind: 'finish'; pick: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'microtasks'; count: number }
  | { kind: 'tick' };

const STEP: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('arrive' as const), withSignal: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  // Steps without a tick between them run in the same turn; a few microtasks let a release
  // happen, so that a task can arrive before the woken waiter resumes.
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('microtasks' as const), count: fc.integer({ min: 1, max: 6 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
);

describe('Slots under random arrivals, releases and aborts', () => {
  it('never runs more than `size` at once, and no task starts while an earlier one still waits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        fc.array(STEP, { minLength: 1, maxLength: 80 }),
        async (size, maxWaiting, steps) => {
          const slots = new Slots(size, maxWaiting);
          const problems: string[] = [];
          /** Arrived, neither started nor gone (refused, aborted): by arrival number. */
          const waiting = new Set<number>();
          /** Started and holding a slot: their finish functions. */
          const running = new Map<number, () => void>();
          const controllers = new Map<number, AbortController>();
          const settled: Array<Promise<unknown>> = [];
          let arrivals = 0;
          const tick = () => new Promise((resolve) => setImmediate(resolve));

          for (const step of steps) {
            if (step.kind === 'tick') await tick();
            else if (step.kind === 'microtasks') for (let i = 0; i < step.count; i += 1) await Promise.resolve();
            else if (step.kind === 'arrive') {
              const n = arrivals++;
              const controller = step.withSignal ? new AbortController() : undefined;
              if (controller) controllers.set(n, controller);
              const before = slots.pending;
              waiting.add(n);
              const done = slots.run(() => {
                // An earlier task not started yet may hold a slot already (woken, not resumed):
                // it was overtaken only if there is no room for it beside this one.
                const earlier = [...waiting].filter((w) => w < n);
                if (earlier.length && running.size + earlier.length + 1 > size) {
                  problems.push(`task ${n} started while ${earlier.join(', ')} still waited`);
                }
                waiting.delete(n);
                if (running.size + 1 > size) problems.push(`task ${n} started with ${running.size} running`);
                return new Promise<void>((resolve) => running.set(n, resolve));
              }, controller?.signal);
              // Refused at once: it never waited.
              if (slots.pending === before) waiting.delete(n);
              settled.push(
                done.catch((error: unknown) => {
                  if (!(error instanceof SlotsFull || error instanceof Abandoned)) throw error;
                }),
              );
            } else if (step.kind === 'finish') {
              const ids = [...running.keys()];
              if (ids.length === 0) continue;
              const id = ids[step.pick % ids.length]!;
              running.get(id)!();
              running.delete(id);
            } else {
              const ids = [...controllers.keys()];
              if (ids.length === 0) continue;
              const id = ids[step.pick % ids.length]!;
              controllers.get(id)!.abort();
              controllers.delete(id);
              // Aborted: it leaves the queue, or its slot is freed at once.
              waiting.delete(id);
              running.delete(id);
            }
          }
          // Drain: finish whatever runs until nothing is left.
          for (let i = 0; i < 1000 && (running.size > 0 || waiting.size > 0); i += 1) {
            for (const [id, finish] of running) {
              finish();
              running.delete(id);
            }
            await tick();
          }
          await Promise.all(settled);
          expect(problems).toEqual([]);
          expect(waiting.size).toBe(0);
          expect(slots.pending).toBe(0);
        },
      ),
      { numRuns: 300, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });
});
