/**
 * JSON-RPC errors with a clean message. The SDK sends a handler's error as `{code, message}`
 * from the thrown error's own `code` and `message`; its McpError would prefix the message with
 * "MCP error <code>: ", which a client then shows twice.
 */
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';

/** An error the SDK answers as a JSON-RPC error with exactly this code and message. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** JSON-RPC -32602: the request's params are not what the method takes. */
export function invalidParams(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.InvalidParams, message);
}
