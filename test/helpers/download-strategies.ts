/**
 * Runs a get_download_url strategy in-process the way the server runs the tool: the arguments
 * checked against the tool's schema first, the answer rendered as the tool result a client sees.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { DownloadInfo, LocatedFile, LocateOptions } from '../../src/downloads/entry-files.js';
import type { DownloadRequest } from '../../src/downloads/locate.js';
import type { KalturaDoor } from '../../src/kaltura/client-manager.js';
import { createLogger } from '../../src/logging.js';
import { Redactor } from '../../src/redact.js';
import { getDownloadUrlTool } from '../../src/tools/get-download-url.js';
import { parseArguments } from '../../src/tools/tool.js';
import { asFailure, toToolResult, type Outcome } from '../../src/tools/tool-call.js';

export type DownloadStrategy = (
  door: KalturaDoor,
  request: DownloadRequest,
  options: LocateOptions,
) => Promise<LocatedFile>;

const quiet = createLogger(new Redactor(), { debug: () => false, write: () => {} });

/** The tool result `strategy` gives `request`, as the tool would answer it. */
export async function answerWith(
  strategy: DownloadStrategy,
  door: KalturaDoor,
  request: DownloadRequest,
): Promise<CallToolResult> {
  const args = {
    entry_id: request.entryId,
    flavor_id: request.flavorId,
    file_name: request.fileName,
    quality: request.quality,
    max_height: request.maxHeight,
    format: request.format,
  };
  const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
  const call = { tool: getDownloadUrlTool.name, operation: getDownloadUrlTool.operation, context: {} };
  let outcome: Outcome<DownloadInfo>;
  try {
    parseArguments(getDownloadUrlTool, given);
    call.context = { entry_id: request.entryId };
    outcome = { ok: true, data: (await strategy(door, request, { idleTimeoutMs: 5000 })).info };
  } catch (error) {
    outcome = { ok: false, failure: asFailure(error, quiet, call.tool) };
  }
  return toToolResult(outcome, call);
}
