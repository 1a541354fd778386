/**
 * One tool call, the same way for every tool: its outcome (data, or a failure), the one formatter
 * that turns a failure into the original's error object, the MCP result that carries it, and
 * the call's log line.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolFailure } from '../failure.js';
import type { CallScope, KalturaDoor, RequestStats } from '../kaltura/client-manager.js';
import { FailureCode, KalturaError } from '../kaltura/errors.js';
import { errorDetail, type Logger } from '../logging.js';
import { SlotsFull, type Slots } from '../slots.js';

/** How a call ended: its data, or the failure it answers with. */
export type Outcome<T> = { ok: true; data: T } | { ok: false; failure: ToolFailure };

/** Names a call for its log line and for the `operation` style of its failures. */
export interface CallInfo {
  tool: string;
  /** The original's `operation`, e.g. `get download URL`. */
  operation: string;
  /** Fields the original adds to its error objects, e.g. `{ entry_id }`. */
  context: Record<string, unknown>;
  /** Arguments the host sent that the tool does not take, dropped (named in the log line, never their values). */
  ignoredArguments?: string[];
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
 * A failure's JSON object, in its style (see {@link ToolFailure}). Kaltura's own errors keep the
 * original's text, `Failed to <operation>: <message> (<CODE>)`.
 */
export function errorObject(failure: ToolFailure, call: Pick<CallInfo, 'operation' | 'context'>) {
  if (failure.style !== 'operation') return { error: failure.message, ...failure.details };
  const code = failure.fromKaltura ? ` (${failure.code})` : '';
  return {
    error: `Failed to ${call.operation}: ${failure.message}${code}`,
    errorType: failure.code,
    operation: call.operation,
    ...call.context,
    ...failure.details,
  };
}

const unchanged = (message: string) => message;

/** Keys whose string values are texts for the person setting the server up (see {@link reworded}). */
const TEXT_KEYS = new Set(['error', 'manifestError', 'reason']);

/** `value` with `wording` applied to every text under one of {@link TEXT_KEYS}, at any depth. Pure. */
function reworded<T>(value: T, wording: (message: string) => string): T {
  if (Array.isArray(value)) return value.map((item: unknown) => reworded(item, wording)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      TEXT_KEYS.has(key) && typeof item === 'string' ? wording(item) : reworded(item, wording),
    ]),
  ) as T;
}

/** Arguments hosts add to every call for their own bookkeeping (Cline's): ignored without a word. */
const HOST_BOOKKEEPING = new Set(['task_progress', 'requires_approval']);

/**
 * A second text block for the model when the call carried arguments the tool does not take and
 * ignored (host-arguments.ts): the answer was made without them, and the model should know.
 */
function ignoredNote(call: CallInfo): string | undefined {
  const names = (call.ignoredArguments ?? []).filter((name) => !HOST_BOOKKEEPING.has(name));
  if (names.length === 0) return undefined;
  const list = names.map((name) => JSON.stringify(name)).join(', ');
  return `Note: ${call.tool} does not take ${list}; ${names.length > 1 ? 'they were' : 'it was'} ignored, and the answer above is without ${names.length > 1 ? 'them' : 'it'}.`;
}

/** The longest answer text written indented, in characters; a longer one is written on one line. */
const PRETTY_UP_TO = 16 * 1024;

/**
 * An outcome as an MCP tool result: JSON text for every client (indented up to 16 KiB) plus the same object as
 * `structuredContent`; a failure's JSON text flagged `isError` (the original never set it).
 */
export function toToolResult(
  outcome: Outcome<Record<string, unknown>>,
  call: CallInfo,
  wording: (message: string) => string = unchanged,
): CallToolResult {
  if (outcome.ok) {
    // An answer carries texts of its own too (a library's per-entry errors, manifestError).
    const data = wording === unchanged ? outcome.data : reworded(outcome.data, wording);
    const pretty = JSON.stringify(data, null, 2);
    // A long answer (a library's hundreds of results) goes on one line: indentation alone made a
    // third of it, all of it read by the model.
    const text = pretty.length > PRETTY_UP_TO ? JSON.stringify(data) : pretty;
    const note = ignoredNote(call);
    return {
      content: [{ type: 'text', text }, ...(note ? [{ type: 'text' as const, text: note }] : [])],
      structuredContent: data,
    };
  }
  const { failure } = outcome;
  const object = errorObject(failure, call);
  if (typeof object.error === 'string') object.error = wording(object.error);
  const text = failure.style === 'bare' ? pythonJson(object) : pythonJson(object, 2);
  return { content: [{ type: 'text', text }], isError: true };
}

/** What the tools need from the server. */
export interface ToolDeps {
  /** A door to Kaltura for one call, counting its requests, cancelled with it. */
  door(scope: CallScope): KalturaDoor;
  logger: Logger;
  /** Bound the calls at work at once (the rest queue before allocating anything): every call, and saves. */
  slots: Record<'calls' | 'saves' | 'libraries', Pick<Slots, 'run'>>;
  /** The settings tools read: KALTURA_DOWNLOAD_DIR, KALTURA_PARTIAL_TTL_HOURS, KALTURA_REQUEST_TIMEOUT_MS. */
  settings: { downloadDir?: string; partialTtlHours?: string; requestTimeoutMs: number; stopping?: AbortSignal };
  /** Where each call's record goes: a log line of its own (stdio), or its HTTP request's line. */
  report(record: CallRecord): void;
  /** How an error text names the server's settings; unset, as environment variables (see config.ts's inFormTerms). */
  wording?: (message: string) => string;
}

/** What the log keeps of one tool call: no argument value, no URL, no secret. */
export interface CallRecord {
  tool: string;
  ms: number;
  kalturaRequests: number;
  outcome: string;
  /** The names of arguments the host sent that the tool does not take (ignored). */
  ignoredArguments?: string[];
}

/**
 * Runs `work` for one call through the server's slots, never throwing: its data, or the failure
 * it threw (a Kaltura failure, a refusal), or, for anything else (a bug), INTERNAL_ERROR, logged.
 * When `signal` aborts (the client cancelled the call) the slot is freed at once, the Kaltura
 * request is aborted, and the answer (which nobody will read) says CANCELLED.
 */
export async function runToolCall<T>(
  deps: ToolDeps,
  call: CallInfo,
  work: (door: KalturaDoor) => Promise<T>,
  options: { signal?: AbortSignal; slots?: 'calls' | 'saves' | 'libraries' } = {},
): Promise<Outcome<T>> {
  const { signal } = options;
  const stats: RequestStats = { requests: 0 };
  const started = performance.now();
  let outcome: Outcome<T>;
  try {
    outcome = {
      ok: true,
      data: await deps.slots[options.slots ?? 'calls'].run(() => work(deps.door({ stats, signal })), signal),
    };
  } catch (error) {
    outcome = { ok: false, failure: asFailure(error, deps.logger, call.tool, signal) };
  }
  reportCall(deps, call, started, stats, outcome);
  return outcome;
}

/** Whatever a call threw, as the failure it answers with. */
export function asFailure(error: unknown, logger: Logger, tool: string, signal?: AbortSignal): ToolFailure {
  if (error instanceof ToolFailure) return error;
  if (signal?.aborted) return new ToolFailure(FailureCode.CANCELLED, 'the call was cancelled');
  if (error instanceof KalturaError) {
    return new ToolFailure(error.code, error.message, { fromKaltura: error.apiException });
  }
  if (error instanceof SlotsFull) {
    return new ToolFailure(
      FailureCode.BUSY,
      error.owner === 'key'
        ? 'this KS has too many calls waiting already (each KS has a share of the server): let its earlier calls finish, then try again'
        : 'the server has too many calls waiting already; try again in a few seconds',
    );
  }
  logger.error(`${tool} failed unexpectedly`, { detail: errorDetail(error) });
  return new ToolFailure(
    FailureCode.INTERNAL_ERROR,
    'internal error in the server (details are in its log); try again, and report it if it persists',
  );
}

/** Reports a call's record: tool, duration, Kaltura requests, outcome (no URL, no secret). */
export function reportCall(
  deps: ToolDeps,
  call: Pick<CallInfo, 'tool' | 'ignoredArguments'>,
  started: number,
  stats: RequestStats,
  outcome: Outcome<unknown>,
): void {
  deps.report({
    tool: call.tool,
    ms: Math.round(performance.now() - started),
    kalturaRequests: stats.requests,
    outcome: outcome.ok ? 'ok' : outcome.failure.code === FailureCode.CANCELLED ? 'cancelled' : outcome.failure.code,
    ...(call.ignoredArguments ? { ignoredArguments: call.ignoredArguments } : {}),
  });
}
