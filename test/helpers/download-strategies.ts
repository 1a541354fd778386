/**
 * Runs a get_download_url strategy in-process the way the server runs the tool: the arguments
 * checked against the tool's schema first, a Kaltura failure worded as the tool words it.
 */
import type { KalturaDoor } from '../../src/kaltura/client-manager.js';
import { KalturaError } from '../../src/kaltura/errors.js';
import { getDownloadUrlTool, type DownloadInfo, type DownloadRequest } from '../../src/tools/get-download-url.js';
import { parseArguments } from '../../src/tools/tool.js';
import { errorShape, type Answer } from '../../src/tools/tool-call.js';

export type DownloadStrategy = (door: KalturaDoor, request: DownloadRequest) => Promise<Answer<DownloadInfo>>;

/** The answer `strategy` gives `request`, as the tool would answer it. */
export async function answerWith(
  strategy: DownloadStrategy,
  door: KalturaDoor,
  request: DownloadRequest,
): Promise<Answer<DownloadInfo>> {
  const args = {
    entry_id: request.entryId,
    flavor_id: request.flavorId,
    file_name: request.fileName,
    quality: request.quality,
    max_height: request.maxHeight,
    format: request.format,
  };
  const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
  const parsed = parseArguments(getDownloadUrlTool, given);
  if (!parsed.ok) return parsed;
  try {
    return await strategy(door, request);
  } catch (error) {
    if (error instanceof KalturaError) {
      return errorShape(getDownloadUrlTool.operation, { entry_id: request.entryId }, error);
    }
    throw error;
  }
}
