import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

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
});
