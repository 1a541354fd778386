/**
 * Runs one tool call the same way for every tool: through the server's slots, with a door to
 * Kaltura that counts its requests, never throwing, and logging one line (no URL, no secret).
 */
import type { Answer } from '../answer.js';
import { internalError, kalturaFailure } from '../answer.js';
import type { KalturaDoor, RequestStats } from '../kaltura/client-manager.js';
import type { Logger } from '../logger.js';
import type { Slots } from '../slots.js';

/** What the tools need from the server. */
export interface ToolDeps {
  /** A door to Kaltura for one call, counting its requests. */
  door(stats: RequestStats): KalturaDoor;
  logger: Logger;
  /** Bounds the calls at work at once (the rest queue before allocating anything). */
  slots: Slots;
}

/** Names a call for its log line and for the error shape of an unexpected failure. */
export interface CallInfo {
  tool: string;
  /** The original's `operation`, e.g. `get download URL`. */
  operation: string;
  /** Fields the original adds to its error objects, e.g. `{ entry_id }`. */
  context: Record<string, unknown>;
}

/** Runs `work` for one call. */
export async function runTool<T>(
  deps: ToolDeps,
  call: CallInfo,
  work: (door: KalturaDoor) => Promise<Answer<T>>,
): Promise<Answer<T>> {
  const stats: RequestStats = { requests: 0 };
  const started = performance.now();
  let answer: Answer<T>;
  try {
    answer = await deps.slots.run(() => work(deps.door(stats)));
  } catch (error) {
    deps.logger.error(`${call.tool} failed unexpectedly`, {
      detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    answer = kalturaFailure(call.operation, call.context, internalError());
  }
  deps.logger.info('tool call', {
    tool: call.tool,
    ms: Math.round(performance.now() - started),
    kalturaRequests: stats.requests,
    outcome: answer.ok ? 'ok' : String(answer.error.errorType ?? 'error'),
  });
  return answer;
}
