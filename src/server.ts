/**
 * createServer(): the MCP server with its tools, nothing else (the transport is chosen in
 * index.ts). It lists and calls tools through the tool definitions, so every call takes the
 * same path: arguments checked against the tool's schema, the answer, its result, its log line.
 * Protocol errors (an unknown tool, malformed params) are JSON-RPC errors, as the spec says.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { SERVER_INFO } from './package-info.js';
import { invalidParams, ProtocolError } from './protocol-error.js';
import type { RequestTaskStore } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { BoundedTaskStore, TooManyTasks } from './tasks.js';
import { parseArguments, toolListing, type AnyTool, type CallContext } from './tools/tool.js';
import { asFailure, reportCall, runToolCall, toToolResult, type CallInfo, type ToolDeps } from './tools/tool-call.js';

/** What an agent should know before its first call, in a few lines (naming only the tools offered). */
export function instructions(toolNames: readonly string[]): string {
  const saving = toolNames.includes('save_media_file')
    ? " save_media_file saves one into the server's download folder, with progress; save_media_files saves many (ids, a category, a search) with captions, thumbnails and metadata, resumable."
    : '';
  return [
    'Kaltura media: find entries, see their flavors (renditions), get download and thumbnail URLs.',
    `Workflow: list_media_entries (search_text, media_type) finds entry ids and shows each entry's flavors; get_media_entry shows one entry; get_download_url gives the URL of the original, of a flavor_id, or of the best match for quality/max_height/format; get_download_urls does the same for up to 50 entries.${saving}`,
    'Only READY flavors can be downloaded; a flavor still converting answers an error naming its status: try later or choose another.',
    'Download and thumbnail URLs are credentials (they may carry an access token): do not post them publicly.',
    'Errors are JSON with "error" (what happened and what to do) and "errorType": INVALID_KS means the session key was refused, ENTRY_ID_NOT_FOUND a wrong id, ACCESS_CONTROL_RESTRICTED a session without download rights, TIMEOUT/NETWORK_ERROR a Kaltura outage.',
  ].join('\n');
}

/**
 * The SDK checks a client's answers to elicitation (the server asking the user for input)
 * against JSON Schema. This server never elicits, so there is nothing to check, and the build
 * leaves out the SDK's Ajv-based checker (build/no-ajv.js), which every start would compile.
 */
const NEVER_ELICITS: jsonSchemaValidator = {
  getValidator() {
    throw new Error('kaltura-mcp never asks the client for input, so it has no answers to validate');
  },
};

/**
 * Builds the MCP server for `tools`; every call reaches Kaltura and the slots through `deps`.
 * `info` adds to the server's description (e.g. where its source is). With `tasks`, tools that
 * may run as MCP tasks do when a client asks (stdio only: remote mode keeps no state).
 */
export function createServer(
  tools: readonly AnyTool[],
  deps: ToolDeps,
  info: { websiteUrl?: string } = {},
  tasks?: BoundedTaskStore,
): Server {
  const server = new Server(
    { ...SERVER_INFO, ...info },
    {
      capabilities: {
        tools: {},
        ...(tasks ? { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } : {}),
      },
      instructions: instructions(tools.map((tool) => tool.name)),
      jsonSchemaValidator: NEVER_ELICITS,
      ...(tasks ? { taskStore: tasks } : {}),
    },
  );
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  // The tool methods are served by the fallback handler, which receives each request as sent:
  // the SDK's own handling would answer malformed params with a raw schema dump.
  server.fallbackRequestHandler = async (request, extra) => {
    if (request.method === 'tools/list') {
      const cursor = (request.params as { cursor?: unknown } | undefined)?.cursor;
      if (cursor !== undefined && typeof cursor !== 'string') {
        throw invalidParams('Invalid params for tools/list: "cursor" must be a string');
      }
      // One page holds every tool: a cursor can only be one this server never gave.
      if (cursor !== undefined) throw invalidParams('Invalid params for tools/list: unknown cursor');
      // JSON Schemas are made at the first tools/list, off the start-up path.
      return { tools: tools.map(toolListing) };
    }
    if (request.method !== 'tools/call') throw new ProtocolError(ErrorCode.MethodNotFound, 'Method not found');
    const { name, args } = callParams(request.params);
    const tool = byName.get(name);
    if (!tool)
      throw invalidParams(`Unknown tool: ${name.slice(0, 100)}; the tools are ${[...byName.keys()].join(', ')}`);
    const token = extra._meta?.progressToken;
    const notify =
      token === undefined
        ? undefined
        : (done: number, total: number | undefined, message?: string) =>
            extra
              .sendNotification({
                method: 'notifications/progress',
                params: {
                  progressToken: token,
                  progress: done,
                  ...(total === undefined ? {} : { total }),
                  ...(message === undefined ? {} : { message }),
                },
              })
              .catch(() => undefined);
    const context = { progress: notify, saveSlots: deps.slots.saves, ...deps.settings };
    const taskParams = (request.params as { task?: { ttl?: number | null } }).task;
    if (taskParams === undefined) return callTool(tool, tools, args, deps, { ...context, signal: extra.signal });
    if (!tasks || !tool.taskSupport || !extra.taskStore) {
      throw new ProtocolError(ErrorCode.MethodNotFound, `${tool.name} does not run as a task: call it without "task"`);
    }
    return startTask(
      tool,
      tools,
      args,
      deps,
      context,
      tasks,
      extra.taskStore,
      taskParams.ttl ?? extra.taskRequestedTtl,
    );
  };
  return server;
}

/**
 * A task-augmented call: answered at once with its task, while the work goes on with an abort of
 * its own (a tasks/cancel stops it); its progress also becomes the task's status message, and its
 * result is stored for tasks/result (`failed` when it is an error result).
 */
async function startTask(
  tool: AnyTool,
  family: readonly AnyTool[],
  args: unknown,
  deps: ToolDeps,
  context: Omit<CallContext, 'signal'>,
  tasks: BoundedTaskStore,
  store: RequestTaskStore,
  ttl: number | null | undefined,
) {
  let task;
  try {
    task = await store.createTask({ ttl });
  } catch (error) {
    if (error instanceof TooManyTasks) throw invalidParams(`Too many tasks: ${error.message}`);
    throw error;
  }
  const { taskId } = task;
  const controller = new AbortController();
  tasks.onCancel(taskId, () => controller.abort());
  const progress = async (done: number, total: number | undefined, message?: string) => {
    if (message !== undefined) void store.updateTaskStatus(taskId, 'working', message).catch(() => undefined);
    await context.progress?.(done, total, message);
  };
  void callTool(tool, family, args, deps, { ...context, progress, signal: controller.signal })
    .then((result) => store.storeTaskResult(taskId, result.isError ? 'failed' : 'completed', result))
    // A task cancelled meanwhile keeps its own end; nothing else can fail here.
    .catch(() => undefined);
  return { task };
}

/** tools/call's params, or a JSON-RPC -32602 that says what is wrong with them. */
function callParams(params: unknown): { name: string; args: unknown } {
  if (!params || typeof params !== 'object' || Array.isArray(params)) {
    throw invalidParams('Invalid params for tools/call: params must be an object with "name"');
  }
  const { name, arguments: args } = params as { name?: unknown; arguments?: unknown };
  if (typeof name !== 'string' || name === '') {
    throw invalidParams('Invalid params for tools/call: "name" must be the name of a tool');
  }
  if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
    throw invalidParams('Invalid params for tools/call: "arguments" must be an object');
  }
  return { name, args };
}

/**
 * One call of `tool` (one of `family`, the server's tools): its arguments checked (a broken rule
 * answers at once), then its work, as a tool result.
 */
async function callTool(
  tool: AnyTool,
  family: readonly AnyTool[],
  rawArgs: unknown,
  deps: ToolDeps,
  context: CallContext,
) {
  const started = performance.now();
  const call: CallInfo = { tool: tool.name, operation: tool.operation, context: {} };
  let parsed: ReturnType<typeof parseArguments>;
  try {
    parsed = parseArguments(tool, rawArgs, family);
  } catch (error) {
    const outcome = { ok: false as const, failure: asFailure(error, deps.logger, tool.name) };
    reportCall(deps, call, started, { requests: 0 }, outcome);
    return toToolResult(outcome, call, deps.wording);
  }
  const { args } = parsed;
  call.context = tool.errorContext(args);
  if (parsed.ignored.length > 0) call.ignoredArguments = parsed.ignored;
  const outcome = await runToolCall(deps, call, (door) => tool.run(door, args, context), {
    signal: context.signal,
    slots: tool.slots,
  });
  return toToolResult(outcome, call, deps.wording);
}
