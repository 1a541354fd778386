/**
 * MCP tasks (protocol 2025-11-25; the SDK's experimental tasks), kept in memory: the TaskStore
 * the SDK serves tasks/get, tasks/result, tasks/list and tasks/cancel from. Ours because the
 * SDK's in-memory store keeps tasks without a ttl for ever and cannot stop the work of a task a
 * client cancels: this one holds at most `maxTasks` (the oldest finished one makes room), drops
 * each after its ttl (a default when the client names none, kept within limits), and calls the
 * work's own abort when its task is cancelled or dropped while still working.
 */
import { randomBytes } from 'node:crypto';
import type { TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { RequestId, Result, Task } from '@modelcontextprotocol/sdk/types.js';

const isTerminal = (status: Task['status']) => status === 'completed' || status === 'failed' || status === 'cancelled';

interface Stored {
  task: Task;
  result?: Result;
  /** Drops the task once its ttl is over. */
  timer?: NodeJS.Timeout;
}

export interface TaskLimits {
  /** Tasks kept at once (working or finished). */
  maxTasks: number;
  /** How long a task is kept when the client names no ttl, ms. */
  defaultTtlMs: number;
  /** The shortest ttl granted, ms: time for a client to poll and read the result. */
  minTtlMs: number;
  /** The longest ttl granted, ms. */
  maxTtlMs: number;
  /** How often clients should poll, ms. */
  pollIntervalMs: number;
}

export const DEFAULT_TASK_LIMITS: TaskLimits = {
  maxTasks: 32,
  defaultTtlMs: 60 * 60_000,
  minTtlMs: 60_000,
  maxTtlMs: 24 * 60 * 60_000,
  pollIntervalMs: 1000,
};

/** Too many tasks are working already: the call is refused (a client may try again later). */
export class TooManyTasks extends Error {
  override readonly name = 'TooManyTasks';
}

/**
 * The ttl a task gets, ms: the client's when it is a whole number of ms within the limits (MCP lets
 * the server choose another), the nearest limit when outside them, the default when it names none
 * or something that is not a number of ms (0, -1, 1.5, "x"). Pure.
 */
export function grantedTtl(asked: unknown, limits: TaskLimits): number {
  if (typeof asked !== 'number' || !Number.isSafeInteger(asked) || asked <= 0) return limits.defaultTtlMs;
  return Math.min(Math.max(asked, limits.minTtlMs), limits.maxTtlMs);
}

export class BoundedTaskStore implements TaskStore {
  private readonly tasks = new Map<string, Stored>();
  private readonly cancelHooks = new Map<string, () => void>();

  constructor(private readonly limits: TaskLimits = DEFAULT_TASK_LIMITS) {}

  async createTask(
    params: { ttl?: number | null; pollInterval?: number },
    _requestId: RequestId,
    _request: unknown,
  ): Promise<Task> {
    if (this.tasks.size >= this.limits.maxTasks) this.dropOldestFinished();
    if (this.tasks.size >= this.limits.maxTasks) {
      throw new TooManyTasks(`${this.tasks.size} tasks are kept already; wait for one to finish, or cancel one`);
    }
    const now = new Date().toISOString();
    const ttl = grantedTtl(params.ttl, this.limits);
    const task: Task = {
      taskId: randomBytes(16).toString('hex'),
      status: 'working',
      ttl,
      createdAt: now,
      lastUpdatedAt: now,
      pollInterval: this.limits.pollIntervalMs,
    };
    const stored: Stored = { task };
    this.tasks.set(task.taskId, stored);
    this.expireAfter(stored, ttl);
    return { ...task };
  }

  async getTask(taskId: string): Promise<Task | null> {
    const stored = this.tasks.get(taskId);
    return stored ? { ...stored.task } : null;
  }

  async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result): Promise<void> {
    const stored = this.require(taskId);
    if (isTerminal(stored.task.status)) throw new Error(`task ${taskId} has finished already (${stored.task.status})`);
    stored.result = result;
    this.move(stored, status);
  }

  async getTaskResult(taskId: string): Promise<Result> {
    const stored = this.require(taskId);
    if (!stored.result) throw new Error(`task ${taskId} has no result yet`);
    return stored.result;
  }

  async updateTaskStatus(taskId: string, status: Task['status'], statusMessage?: string): Promise<void> {
    const stored = this.require(taskId);
    if (isTerminal(stored.task.status)) throw new Error(`task ${taskId} has finished already (${stored.task.status})`);
    if (statusMessage !== undefined) stored.task.statusMessage = statusMessage;
    // Taken before the move: a task that ends forgets its hook.
    const abort = this.cancelHooks.get(taskId);
    this.move(stored, status);
    if (status === 'cancelled') {
      // The cancelled work ends with a result nobody reads; tasks/result answers this one.
      stored.result = {
        content: [{ type: 'text', text: JSON.stringify({ error: 'the task was cancelled', errorType: 'CANCELLED' }) }],
        isError: true,
      };
      abort?.();
    }
  }

  async listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const all = [...this.tasks.values()].map((s) => ({ ...s.task }));
    const start = cursor ? all.findIndex((t) => t.taskId === cursor) + 1 : 0;
    if (cursor && start === 0) throw new Error('unknown cursor');
    const page = all.slice(start, start + 20);
    return { tasks: page, ...(start + 20 < all.length ? { nextCursor: page.at(-1)!.taskId } : {}) };
  }

  /** Calls `abort` when the task is cancelled (until it finishes). */
  onCancel(taskId: string, abort: () => void): void {
    this.cancelHooks.set(taskId, abort);
  }

  private require(taskId: string): Stored {
    const stored = this.tasks.get(taskId);
    if (!stored) throw new Error(`no task ${taskId}`);
    return stored;
  }

  private move(stored: Stored, status: Task['status']): void {
    stored.task.status = status;
    stored.task.lastUpdatedAt = new Date().toISOString();
    if (isTerminal(status)) {
      this.cancelHooks.delete(stored.task.taskId);
      // Kept for its ttl from now, for the client to read its result.
      this.expireAfter(stored, stored.task.ttl ?? this.limits.defaultTtlMs);
    }
  }

  /** Drops the task after `ms`; a task still working then is stopped first (nobody could cancel it or read its result). */
  private expireAfter(stored: Stored, ms: number): void {
    clearTimeout(stored.timer);
    stored.timer = setTimeout(() => {
      const { taskId } = stored.task;
      const abort = this.cancelHooks.get(taskId);
      this.tasks.delete(taskId);
      this.cancelHooks.delete(taskId);
      abort?.();
    }, ms);
    stored.timer.unref();
  }

  private dropOldestFinished(): void {
    for (const [id, stored] of this.tasks) {
      if (isTerminal(stored.task.status)) {
        clearTimeout(stored.timer);
        this.tasks.delete(id);
        return;
      }
    }
  }
}
