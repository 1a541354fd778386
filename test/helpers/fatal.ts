/**
 * Fatal failures injected into a running server, and what they must leave behind. A vitest
 * helper (it asserts), kept apart from server-process.ts, which the bench imports too.
 */
import { expect } from 'vitest';
import { logLines, type RunningServer } from './server-process.js';

/**
 * A `--import` for the server's node that runs `handler` (JavaScript source) when the test sends
 * SIGUSR2: a failure injected once the server is serving, never on a timer.
 */
export const onSignal = (handler: string) => `data:text/javascript,process.on('SIGUSR2', ${handler})`;

/**
 * Sends the {@link onSignal} signal to `server` and expects what a fatal failure must leave: exit
 * code 1, and the error log line `message` with its `detail`.
 */
export async function expectFatalOnSignal(server: RunningServer, message: string, detail: string): Promise<void> {
  server.transport.child!.kill('SIGUSR2');
  expect(await server.transport.exited).toBe(1);
  expect(logLines(server.transport)).toContainEqual(expect.objectContaining({ level: 'error', message, detail }));
}
