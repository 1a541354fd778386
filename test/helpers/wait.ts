/** Waiting in tests for something a process does on its own time. */
import { expect } from 'vitest';

/** Polls `condition` every 50 ms for up to `timeoutMs`, then asserts it (named `what`). */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !(await condition())) await new Promise((r) => setTimeout(r, 50));
  expect(await condition(), what).toBe(true);
}
