/**
 * createServer(): the MCP server with its tools, nothing else (the transport is chosen in
 * index.ts). It lists and calls tools through the tool definitions, so every call takes the
 * same path: arguments checked against the tool's schema, the answer, its result, its log line.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { LazyAjvValidator } from './json-schema-validator.js';
import { SERVER_INFO } from './package-info.js';
import { parseArguments, toolListing, type AnyTool } from './tools/tool.js';
import { logToolCall, runToolCall, toToolResult, type ToolDeps } from './tools/tool-call.js';

/** Builds the MCP server for `tools`; every call reaches Kaltura and the slots through `deps`. */
export function createServer(tools: readonly AnyTool[], deps: ToolDeps): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: true } },
    jsonSchemaValidator: new LazyAjvValidator(),
  });
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  // JSON Schemas are made at the first tools/list, off the start-up path.
  let listing: Tool[] | undefined;
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: (listing ??= tools.map(toolListing)) }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      return {
        content: [{ type: 'text', text: `MCP error -32602: Tool ${request.params.name} not found` }],
        isError: true,
      };
    }
    return toToolResult(await callTool(tool, request.params.arguments, deps));
  });
  return server;
}

/** One call of `tool`: its arguments checked (a broken rule answers at once), then its work. */
async function callTool(tool: AnyTool, rawArgs: unknown, deps: ToolDeps) {
  const started = performance.now();
  const parsed = parseArguments(tool, rawArgs);
  if (!parsed.ok) {
    logToolCall(deps.logger, tool.name, started, { requests: 0 }, parsed);
    return parsed;
  }
  const { args } = parsed;
  const call = { tool: tool.name, operation: tool.operation, context: tool.errorContext(args) };
  return runToolCall(deps, call, (door) => tool.run(door, args));
}
