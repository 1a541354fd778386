import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoundedTaskStore, DEFAULT_TASK_LIMITS, grantedTtl } from './tasks.js';

const limits = { ...DEFAULT_TASK_LIMITS, maxTasks: 2, minTtlMs: 1000, defaultTtlMs: 5000, maxTtlMs: 10_000 };
const create = (store: BoundedTaskStore, ttl?: number | null) => store.createTask({ ttl }, 1, {});

afterEach(() => {
  vi.useRealTimers();
});

describe('BoundedTaskStore', () => {
  it("stops the task's work when the client cancels it, and answers tasks/result with the cancellation", async () => {
    const store = new BoundedTaskStore(limits);
    const { taskId } = await create(store);
    const abort = vi.fn();
    store.onCancel(taskId, abort);
    await store.updateTaskStatus(taskId, 'cancelled');
    expect(abort).toHaveBeenCalledOnce();
    expect((await store.getTask(taskId))?.status).toBe('cancelled');
    expect(JSON.stringify(await store.getTaskResult(taskId))).toContain('CANCELLED');
    // The work's own end, arriving later, changes nothing.
    await expect(store.storeTaskResult(taskId, 'completed', { content: [] })).rejects.toThrow(/finished already/);
  });

  it('never calls the abort of a task that finished', async () => {
    const store = new BoundedTaskStore(limits);
    const { taskId } = await create(store);
    const abort = vi.fn();
    store.onCancel(taskId, abort);
    await store.storeTaskResult(taskId, 'completed', { content: [] });
    await expect(store.updateTaskStatus(taskId, 'cancelled')).rejects.toThrow(/finished already/);
    expect(abort).not.toHaveBeenCalled();
  });

  it('stops and drops a task still working when its ttl is over', async () => {
    vi.useFakeTimers();
    const store = new BoundedTaskStore(limits);
    const { taskId, ttl } = await create(store, 2000);
    const abort = vi.fn();
    store.onCancel(taskId, abort);
    vi.advanceTimersByTime(ttl! - 1);
    expect(abort).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(abort).toHaveBeenCalledOnce();
    expect(await store.getTask(taskId)).toBeNull();
  });

  it('refuses a task beyond maxTasks while all are working, and makes room by dropping the oldest finished', async () => {
    const store = new BoundedTaskStore(limits);
    const first = await create(store);
    await create(store);
    await expect(create(store)).rejects.toThrow(/2 tasks are kept already/);
    await store.storeTaskResult(first.taskId, 'completed', { content: [] });
    await create(store);
    expect(await store.getTask(first.taskId)).toBeNull();
  });
});

describe('grantedTtl', () => {
  it.each([
    [undefined, 5000],
    [null, 5000],
    [0, 5000],
    [-1, 5000],
    [1.5, 5000],
    ['x', 5000],
    [Number.NaN, 5000],
    [10, 1000],
    [3000, 3000],
    [1e12, 10_000],
  ])('grants %j as %d ms', (asked, granted) => {
    expect(grantedTtl(asked, limits)).toBe(granted);
  });
});
