/**
 * One tool call, the same way for every tool: its answer (data, or a failure worded as the
 * original words it), the MCP result that carries it, and its log line.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CallScope, KalturaDoor, RequestStats } from '../kaltura/client-manager.js';
import { cancelled, FailureCode, KalturaError } from '../kaltura/errors.js';
import { errorDetail, type Logger } from '../logging.js';
import { SlotsFull, type Slots } from '../slots.js';

/** How a failure's JSON text is laid out: the original used json.dumps both with and without indent. */
type ErrorLayout = 'indented' | 'compact';

/** The JSON object a failure answers with: always an `error` text, sometimes more fields. */
interface ErrorPayload {
  error: string;
  [field: string]: unknown;
}

/** A failed answer: the error object, its layout, and a code for where the payload carries none. */
export interface Failure {
  ok: false;
  error: ErrorPayload;
  layout: ErrorLayout;
  /** What kind of failure, e.g. NO_FLAVORS; the payload's `errorType` where it has one. */
  code?: string;
}

/** A tool's answer. */
export type Answer<T> = { ok: true; data: T } | Failure;

/** A failure with the given error object. */
export function failure(error: ErrorPayload, layout: ErrorLayout = 'indented', code?: string): Failure {
  return { ok: false, error, layout, ...(code ? { code } : {}) };
}

/** The original's `handle_kaltura_error`: `Failed to <operation>: <message>`, the error's type, the context. */
export function errorShape(
  operation: string,
  context: Record<string, unknown>,
  cause: { code: string; message: string },
): Failure {
  return failure({ error: `Failed to ${operation}: ${cause.message}`, errorType: cause.code, operation, ...context });
}

/**
 * JSON as Python's `json.dumps` writes it: with `indent`, the same as `JSON.stringify`; without,
 * on one line with `", "` and `": "` separators. Keeps the original's error texts byte for byte.
 */
export function pythonJson(value: unknown, indent?: number): string {
  if (indent !== undefined) return JSON.stringify(value, null, indent);
  if (Array.isArray(value)) return `[${value.map((v) => pythonJson(v)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const items = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${items.map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * An answer as an MCP tool result: pretty JSON text for every client plus the same object as
 * `structuredContent`; a failure's JSON text flagged `isError` (the original never set it).
 */
export function toToolResult(answer: Answer<Record<string, unknown>>): CallToolResult {
  if (answer.ok) {
    return { content: [{ type: 'text', text: JSON.stringify(answer.data, null, 2) }], structuredContent: answer.data };
  }
  const text = answer.layout === 'indented' ? pythonJson(answer.error, 2) : pythonJson(answer.error);
  return { content: [{ type: 'text', text }], isError: true };
}

/** What the tools need from the server. */
export interface ToolDeps {
  /** A door to Kaltura for one call, counting its requests, cancelled with it. */
  door(scope: CallScope): KalturaDoor;
  logger: Logger;
  /** Bound the calls at work at once (the rest queue before allocating anything): every call, and saves. */
  slots: Record<'calls' | 'saves', Pick<Slots, 'run'>>;
  /** The settings tools read: KALTURA_DOWNLOAD_DIR, KALTURA_REQUEST_TIMEOUT_MS. */
  settings: { downloadDir?: string; requestTimeoutMs: number; stopping?: AbortSignal };
  /** Where each call's record goes: a log line of its own (stdio), or its HTTP request's line. */
  report(record: CallRecord): void;
}

/** What the log keeps of one tool call: no argument, no URL, no secret. */
export interface CallRecord {
  tool: string;
  ms: number;
  kalturaRequests: number;
  outcome: string;
}

/** Names a call for its log line and for the error shape of a failure. */
interface CallInfo {
  tool: string;
  /** The original's `operation`, e.g. `get download URL`. */
  operation: string;
  /** Fields the original adds to its error objects, e.g. `{ entry_id }`. */
  context: Record<string, unknown>;
}

/**
 * Runs `work` for one call through the server's slots, never throwing: a Kaltura failure becomes
 * the error shape; anything else is a bug, logged and answered as INTERNAL_ERROR. When `signal`
 * aborts (the client cancelled the call) the slot is freed at once, the Kaltura request is
 * aborted, and the answer (which nobody will read) says CANCELLED.
 */
export async function runToolCall<T>(
  deps: ToolDeps,
  call: CallInfo,
  work: (door: KalturaDoor) => Promise<Answer<T>>,
  options: { signal?: AbortSignal; slots?: 'calls' | 'saves' } = {},
): Promise<Answer<T>> {
  const { signal } = options;
  const stats: RequestStats = { requests: 0 };
  const started = performance.now();
  let answer: Answer<T>;
  try {
    answer = await deps.slots[options.slots ?? 'calls'].run(() => work(deps.door({ stats, signal })), signal);
  } catch (error) {
    answer = signal?.aborted
      ? errorShape(call.operation, call.context, cancelled())
      : unexpectedFailure(deps.logger, call, error);
  }
  reportCall(deps, call.tool, started, stats, answer);
  return answer;
}

function unexpectedFailure(logger: Logger, call: CallInfo, error: unknown): Failure {
  if (error instanceof KalturaError) return errorShape(call.operation, call.context, error);
  if (error instanceof SlotsFull) {
    return errorShape(call.operation, call.context, {
      code: FailureCode.BUSY,
      message: 'the server has too many calls waiting already; try again in a few seconds',
    });
  }
  logger.error(`${call.tool} failed unexpectedly`, {
    detail: errorDetail(error),
  });
  return errorShape(call.operation, call.context, {
    code: FailureCode.INTERNAL_ERROR,
    message: 'internal error in the server (details are in its log); try again, and report it if it persists',
  });
}

/** Reports a call's record: tool, duration, Kaltura requests, outcome (no URL, no secret). */
export function reportCall(
  deps: ToolDeps,
  tool: string,
  started: number,
  stats: RequestStats,
  answer: Answer<unknown>,
): void {
  deps.report({
    tool,
    ms: Math.round(performance.now() - started),
    kalturaRequests: stats.requests,
    outcome: answer.ok ? 'ok' : outcomeOf(answer.error),
  });
}

/** A failure's outcome in the log: its error type, `cancelled`, or plain `error`. */
function outcomeOf(error: ErrorPayload): string {
  if (error.errorType === FailureCode.CANCELLED) return 'cancelled';
  return typeof error.errorType === 'string' ? error.errorType : 'error';
}
