/**
 * A counting semaphore: at most `size` tasks run at once; the others wait, in arrival order. A
 * task whose signal aborts leaves at once: taken out of the queue if it was waiting, its slot
 * given to the next task if it was running (its own work is expected to stop on the signal).
 */

/** A task given up on: its signal aborted while it waited or ran. */
export class Abandoned extends Error {
  override readonly name = 'Abandoned';
}

/** A task refused because `maxWaiting` tasks were already waiting. */
export class SlotsFull extends Error {
  override readonly name = 'SlotsFull';
}

export class Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];

  /** `size` tasks run at once; at most `maxWaiting` wait (more are refused with {@link SlotsFull}). */
  constructor(
    private readonly size: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  /** Tasks running or waiting. */
  get pending(): number {
    return this.active + this.waiting.length;
  }

  /** Resolves once no task is running or waiting, or after `timeoutMs`, whichever comes first. */
  idle(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Runs `task` when a slot is free; the slot is released however the task ends, or as soon as
   * `signal` aborts (then the promise rejects with {@link Abandoned}).
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new Abandoned('abandoned before it started');
    if (this.active >= this.size) {
      if (this.waiting.length >= this.maxWaiting)
        throw new SlotsFull(`${this.waiting.length} tasks are waiting already`);
      await this.waitForSlot(signal);
    }
    this.active += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.waiting.shift()?.();
      this.wakeIdleWaiters();
    };
    try {
      if (!signal) return await task();
      return await new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          release();
          reject(new Abandoned('abandoned while running'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        task()
          .then(resolve, reject)
          .finally(() => signal.removeEventListener('abort', onAbort));
      });
    } finally {
      release();
    }
  }

  /** Resolves every {@link idle} promise once nothing runs or waits. */
  private wakeIdleWaiters(): void {
    if (this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiting.indexOf(wake);
        if (at !== -1) this.waiting.splice(at, 1);
        this.wakeIdleWaiters();
        reject(new Abandoned('abandoned while waiting'));
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
