/**
 * Messages the SDK's transports drop without an answer, answered instead.
 *
 * The SDK checks every incoming message against its JSON-RPC schema before any handler sees it.
 * Over stdio a message that fails is only reported to `onerror`: the client's request waits for
 * an answer that never comes, until its own timeout (a `_meta.progressToken` of `null`, `true`,
 * `1.5` or an object is enough). Over HTTP the SDK answers 400 with a parse error that names no
 * request. Both transports ask `invalidRequest` first and send its answer, so the client learns
 * which request was wrong and why.
 *
 * What the MCP schema (2025-11-25) allows: `jsonrpc` "2.0"; a request id and a progress token
 * are each a string or an integer; `params` and `params._meta` are objects. An error answer whose
 * request's own id cannot be read carries `id: null` (JSON-RPC 2.0); HTTP sends it so, stdio
 * leaves the id out (stdio.ts says why).
 */
import {
  CancelTaskRequestSchema,
  ErrorCode,
  GetTaskPayloadRequestSchema,
  GetTaskRequestSchema,
  InitializeRequestSchema,
  JSONRPCMessageSchema,
  ListTasksRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { structureProblem } from './message-shape.js';

/**
 * A JSON-RPC error answer. `id` is `null` when the request's own id cannot be read, as JSON-RPC
 * 2.0 says (section 5); the SDK's types have no null id, so transports cast it when sending.
 */
export interface ErrorAnswer {
  jsonrpc: '2.0';
  id: string | number | null;
  error: { code: number; message: string };
}

/** Why a message was refused, and the answer to send (none for a notification or a response). */
export interface Refusal {
  /** What was wrong, for the log line: a field's path and what it must be. */
  reason: string;
  /** The JSON-RPC error to send back; undefined when JSON-RPC forbids answering (a notification). */
  answer?: ErrorAnswer;
}

/**
 * The refusal for a message the SDK would drop, or undefined when the SDK takes it as it is.
 * Pure: `message` is the parsed JSON of one message (a batch's members one by one).
 */
export function invalidRequest(message: unknown): Refusal | undefined {
  if (JSONRPCMessageSchema.safeParse(message).success) return paramsRefusal(message);
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    return refuse(undefined, ErrorCode.InvalidRequest, 'a JSON-RPC message is a JSON object');
  }
  const { jsonrpc, id, method, params } = message as Record<string, unknown>;
  // JSON-RPC answers neither a response nor a notification, even a wrong one.
  if (method === undefined && ('result' in message || 'error' in message)) {
    return { reason: 'a response the schema refuses' };
  }
  const notification = isNotification(message);
  const refusal = (code: number, reason: string): Refusal =>
    notification ? { reason } : refuse(isId(id) ? id : undefined, code, reason);

  if (jsonrpc !== '2.0') {
    return refusal(ErrorCode.InvalidRequest, 'jsonrpc must be "2.0"');
  }
  if (typeof method !== 'string') return refusal(ErrorCode.InvalidRequest, 'method must be a string');
  if (!notification && !isId(id)) {
    return refusal(ErrorCode.InvalidRequest, 'id must be a string or an integer');
  }
  if (params !== undefined && !isObject(params)) {
    return refusal(ErrorCode.InvalidParams, 'params must be an object');
  }
  const meta = isObject(params) ? params._meta : undefined;
  if (meta !== undefined && !isObject(meta)) return refusal(ErrorCode.InvalidParams, '_meta must be an object');
  const token = isObject(meta) ? meta.progressToken : undefined;
  if (token !== undefined && !isId(token)) {
    return refusal(
      ErrorCode.InvalidParams,
      `_meta.progressToken must be a string or an integer, not ${describe(token)}; leave it out to call without progress`,
    );
  }
  const members = Object.keys(message).filter((key) => !JSON_RPC_MEMBERS.has(key));
  if (members.length > 0) {
    return refusal(
      ErrorCode.InvalidRequest,
      `unknown member ${members.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')}: a request holds jsonrpc, id, method and params only`,
    );
  }
  return refusal(ErrorCode.InvalidRequest, 'the message is not a request, notification or response MCP allows');
}

/** The members a JSON-RPC 2.0 message may have (section 4 and 5). */
const JSON_RPC_MEMBERS = new Set(['jsonrpc', 'id', 'method', 'params', 'result', 'error']);

/**
 * Methods the SDK serves with handlers of its own, which answer params their schema refuses
 * with -32603 and the schema's raw issue list: checked here first, to answer -32602 naming the
 * field. (tools/call, tools/list and logging/setLevel are the server's own, and say so already.)
 */
const SDK_SERVED: Record<
  string,
  {
    safeParse(value: unknown): {
      success: boolean;
      error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
    };
  }
> = {
  initialize: InitializeRequestSchema,
  'tasks/get': GetTaskRequestSchema,
  'tasks/result': GetTaskPayloadRequestSchema,
  'tasks/cancel': CancelTaskRequestSchema,
  'tasks/list': ListTasksRequestSchema,
};

/** For a well-formed request to a method in {@link SDK_SERVED}: -32602 naming the first field its params get wrong. */
function paramsRefusal(message: unknown): Refusal | undefined {
  const { id, method } = message as { id?: unknown; method?: unknown };
  if (typeof method !== 'string' || !isId(id) || !Object.hasOwn(SDK_SERVED, method)) return undefined;
  const checked = SDK_SERVED[method]!.safeParse(message);
  if (checked.success) return undefined;
  const issue = checked.error!.issues[0]!;
  const where = issue.path.map(String).join('.') || 'params';
  return refuse(id, ErrorCode.InvalidParams, `${where}: ${issue.message.replace(/^Invalid input: /, '')} (${method})`);
}

function refuse(id: string | number | undefined, code: number, reason: string): Refusal {
  const prefix = code === ErrorCode.InvalidParams ? 'Invalid params' : 'Invalid Request';
  return {
    reason,
    answer: { jsonrpc: '2.0', id: id ?? null, error: { code, message: `${prefix}: ${reason}` } },
  };
}

/** A JSON-RPC id or progress token as MCP allows them: a string or an integer. */
function isId(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}

/** A message with a method and no `id` key: a notification. */
export function isNotification(message: unknown): boolean {
  return isObject(message) && typeof message.method === 'string' && !('id' in message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How an error text names a wrong value: its kind for containers, else the value itself. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  // JSON's digits past 2^53 are lost when read: such a number arrives as another one.
  if (Number.isInteger(value))
    return `${String(value)}, an integer beyond 2^53 that JSON readers cannot hold exactly (send it as a string)`;
  return String(value);
}

/**
 * The refusal for one stdio line the SDK would drop, or undefined to hand it on as it is. A
 * blank line is handed on (the SDK skips it). Checks, in order: JSON (else -32700 with no id),
 * the structure (message-shape.ts: no deeper walk runs on a message nested too deep), then
 * {@link invalidRequest}. Pure; `line` without its newline.
 */
export function lineVerdict(line: Buffer): Refusal | undefined {
  const text = line.toString('utf8');
  if (text.trim() === '') return undefined;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return {
      reason: 'a line that is not JSON',
      answer: {
        jsonrpc: '2.0',
        id: null,
        error: {
          code: ErrorCode.ParseError,
          message: 'Parse error: the line is not JSON; send each JSON-RPC message as one line of JSON',
        },
      },
    };
  }
  const problem = structureProblem(message);
  if (problem) {
    const id = (message as { id?: unknown } | null)?.id;
    // JSON-RPC answers no notification, however malformed.
    if (isNotification(message)) return { reason: problem };
    return refuse(
      typeof id === 'string' || Number.isSafeInteger(id) ? (id as string | number) : undefined,
      ErrorCode.InvalidRequest,
      problem,
    );
  }
  return invalidRequest(message);
}

/**
 * The request id in the first bytes of a line too long to read whole, or null: an `"id"` member
 * of the outer object, found before its first nested object or array (where serializers put
 * `jsonrpc`, `id` and `method`), a string or an integer. Pure.
 */
export function idInHead(head: Buffer): string | number | null {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const outer = /^\s*\{([^{}[\]]*)/.exec(text)?.[1];
  if (outer === undefined) return null;
  const match = /"id"\s*:\s*(-?\d{1,15}(?![.\deE])|"(?:[^"\\]|\\.){0,200}")/.exec(outer);
  if (!match) return null;
  const value: unknown = JSON.parse(match[1]!);
  return typeof value === 'string' || Number.isSafeInteger(value) ? (value as string | number) : null;
}
