/**
 * Tool annotations shared by every tool here: all of them only read from Kaltura.
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';

/** Reads Kaltura, changes nothing, same answer for the same question, talks to the outside world. */
export const READ_ONLY_ANNOTATIONS = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const satisfies ToolAnnotations;
