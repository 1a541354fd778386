import { describe, expect, it } from 'vitest';
import { BLOCKING_STRIKES, CallerLimits, FIRST_DELAY_MS, FREE_STRIKES, STRIKE_FADE_MS } from './caller-limits.js';

describe('CallerLimits', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('caps the requests of one address in flight, and frees a place when one leaves', () => {
    const limits = new CallerLimits(2);
    const a = limits.enter('a');
    const b = limits.enter('a');
    const refused = limits.enter('a');
    expect(refused).toMatchObject({ refused: { go: false, retryAfterSeconds: 1 } });
    expect('leave' in limits.enter('other')).toBe(true);
    if ('leave' in a) a.leave();
    if ('leave' in a) a.leave(); // twice is once
    expect('leave' in limits.enter('a')).toBe(true);
    expect('refused' in limits.enter('a')).toBe(true);
    expect(b).toHaveProperty('leave');
  });

  it('lets a few refused keys pass, then slows the address, then refuses it until the strikes fade', () => {
    const time = clock();
    const limits = new CallerLimits(16, time.now);
    const verdicts: unknown[] = [];
    for (let i = 0; i < BLOCKING_STRIKES + 1; i += 1) {
      verdicts.push(limits.verdict('a'));
      limits.settle('a', `made-up-${i}`, 'INVALID_KS');
    }
    expect(verdicts.slice(0, FREE_STRIKES)).toEqual(Array(FREE_STRIKES).fill({ go: true, delayMs: 0 }));
    expect(verdicts.slice(FREE_STRIKES, BLOCKING_STRIKES)).toEqual([
      { go: true, delayMs: FIRST_DELAY_MS },
      { go: true, delayMs: FIRST_DELAY_MS * 2 },
      { go: true, delayMs: FIRST_DELAY_MS * 4 },
    ]);
    expect(verdicts[BLOCKING_STRIKES]).toMatchObject({ go: false, retryAfterSeconds: 1 });
    // Seven strikes: refused until one more has faded (and a moment).
    expect(limits.verdict('a')).toMatchObject({ go: false, retryAfterSeconds: STRIKE_FADE_MS / 1000 + 1 });
    expect(limits.verdict('b')).toEqual({ go: true, delayMs: 0 });
    time.advance(STRIKE_FADE_MS + 1);
    expect(limits.verdict('a')).toMatchObject({ go: true });
    time.advance(10 * STRIKE_FADE_MS);
    expect(limits.verdict('a')).toEqual({ go: true, delayMs: 0 });
  });

  it('remembers the keys Kaltura accepted, and forgets one it refuses later', () => {
    const limits = new CallerLimits(16);
    expect(limits.isAccepted('k')).toBe(false);
    limits.settle('a', 'k', 'ENTRY_ID_NOT_FOUND');
    expect(limits.isAccepted('k')).toBe(false);
    limits.settle('a', 'k', 'ok');
    expect(limits.isAccepted('k')).toBe(true);
    limits.settle('a', 'k', 'INVALID_KS');
    expect(limits.isAccepted('k')).toBe(false);
  });

  it('runs calls with unproven keys a few at a time once the address has strikes, at once before', async () => {
    const limits = new CallerLimits(16, clock().now);
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const work = () =>
      limits.runUnproven('a', async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      });
    const before = Array.from({ length: 5 }, work);
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(5);
    for (const release of releases.splice(0)) release();
    await Promise.all(before);
    for (let i = 0; i < FREE_STRIKES; i += 1) limits.settle('a', `k${i}`, 'INVALID_KS');
    peak = 0;
    const after = Array.from({ length: 5 }, work);
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(3);
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(after);
    expect(peak).toBe(3);
  });
});
