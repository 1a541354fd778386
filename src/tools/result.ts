/**
 * Tool results: text for every client, `structuredContent` for those that read it, `isError`
 * on every failure (the original never set it).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Answer, ErrorLayout } from '../answer.js';

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

/** A successful answer: pretty JSON text plus the same object as structured content. */
export function successResult(data: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(data, null, 2) }],
    structuredContent: data,
  };
}

/** A failed answer: the JSON error object as text, flagged `isError`. */
export function errorResult(payload: Record<string, unknown>, layout: ErrorLayout = 'indented'): CallToolResult {
  return {
    content: [{ type: 'text', text: layout === 'indented' ? pythonJson(payload, 2) : pythonJson(payload) }],
    isError: true,
  };
}

/** Maps a tool's answer onto an MCP tool result. */
export function toToolResult(answer: Answer<Record<string, unknown>>): CallToolResult {
  return answer.ok ? successResult(answer.data) : errorResult(answer.error, answer.layout);
}
