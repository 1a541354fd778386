/**
 * A counting semaphore: at most `size` tasks run at once; the others wait, in arrival order. A
 * task whose signal aborts leaves at once: taken out of the queue if it was waiting, its slot
 * given to the next task if it was running (its own work is expected to stop on the signal).
 *
 * A finishing task hands its slot straight to the first waiter: the count of running tasks does
 * not drop in between, so a task arriving before the woken waiter resumes (a microtask later)
 * finds no free slot and queues behind it. Arrival order holds, and never more than `size` run.
 */

/** A task given up on: its signal aborted while it waited or ran. */
export class Abandoned extends Error {
  override readonly name = 'Abandoned';
}

/** A task refused because `maxWaiting` tasks were already waiting: the server's own, or one key's ({@link KeyedSlots}). */
export class SlotsFull extends Error {
  override readonly name = 'SlotsFull';
  constructor(
    message: string,
    readonly owner: 'server' | 'key' = 'server',
  ) {
    super(message);
  }
}

export class Slots {
  /** Slots held: by running tasks, and by woken waiters that have not resumed yet. */
  private active = 0;
  /** Each waiter's wake function, in arrival order; waking one hands it a slot. */
  private readonly waiting: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];

  /** `size` tasks run at once; at most `maxWaiting` wait (more are refused with {@link SlotsFull}). */
  constructor(
    private readonly size: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
    private readonly owner: 'server' | 'key' = 'server',
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
   * `signal` aborts (then the promise rejects with {@link Abandoned}). Throws {@link SlotsFull}
   * when `maxWaiting` tasks wait already.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new Abandoned('abandoned before it started');
    if (this.active < this.size && this.waiting.length === 0) this.active += 1;
    else if (this.waiting.length >= this.maxWaiting) {
      throw new SlotsFull(`${this.waiting.length} tasks are waiting already`, this.owner);
    } else await this.waitForSlot(signal);
    // A slot is held from here on.
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.handOver();
    };
    try {
      // Woken, then aborted before resuming: the slot goes on to the next waiter.
      if (signal?.aborted) throw new Abandoned('abandoned before it started');
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

  /** A released slot: to the first waiter if there is one, else free. */
  private handOver(): void {
    const next = this.waiting.shift();
    if (next) return next();
    this.active -= 1;
    this.wakeIdleWaiters();
  }

  /** Resolves every {@link idle} promise once nothing runs or waits. */
  private wakeIdleWaiters(): void {
    if (this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Resolves holding a slot (handed over by {@link handOver}); rejects if `signal` aborts first. */
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

/**
 * Slots per key (a KS's hash, a caller's address): one key cannot take every slot. A key's
 * slots are forgotten once no task of it runs or waits.
 */
export class KeyedSlots {
  private readonly byKey = new Map<string, Slots>();

  /** Per key: `size` tasks at once, `maxWaiting` waiting. */
  constructor(
    private readonly size: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let slots = this.byKey.get(key);
    if (!slots) this.byKey.set(key, (slots = new Slots(this.size, this.maxWaiting, 'key')));
    try {
      return await slots.run(task, signal);
    } finally {
      if (slots.pending === 0) this.byKey.delete(key);
    }
  }
}
