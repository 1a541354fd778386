/**
 * Structure checks on a parsed JSON-RPC body, done before anything walks it recursively: the
 * SDK's validation and `JSON.stringify` recurse, and a 10 KB body nested 5,000 levels deep
 * overflows the stack in them (a 500 and a RangeError in the log). Pure; no recursion here.
 */

/** How deeply a message may nest (objects and arrays). MCP messages need a handful of levels. */
export const MAX_DEPTH = 64;

/**
 * What is structurally wrong with `body` (one message or a batch), in a sentence for the
 * caller, or undefined. Checks the nesting depth, that every `id` is a string, a number or
 * null (JSON-RPC), and that a `notifications/cancelled` names its `requestId` the same way.
 */
export function structureProblem(body: unknown): string | undefined {
  if (nestedDeeperThan(body, MAX_DEPTH)) return `the message is nested more than ${MAX_DEPTH} levels deep`;
  for (const message of Array.isArray(body) ? body : [body]) {
    if (!message || typeof message !== 'object' || Array.isArray(message)) continue;
    const { id, method, params } = message as { id?: unknown; method?: unknown; params?: unknown };
    if ('id' in message && !isIdOrNull(id)) return 'id must be a string or an integer';
    if (method === 'notifications/cancelled' && params && typeof params === 'object') {
      const requestId = (params as { requestId?: unknown }).requestId;
      if (requestId !== undefined && !isIdOrNull(requestId)) {
        return 'params.requestId of notifications/cancelled must be a string or an integer';
      }
    }
  }
  return undefined;
}

function isIdOrNull(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'number';
}

/** Whether `value` has objects or arrays nested more than `limit` deep; iterative, stops early. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (!item || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
