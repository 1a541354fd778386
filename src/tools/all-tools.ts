/**
 * Every tool the server offers, in the order tools/list shows them, and which of them a remote
 * (HTTP) caller gets.
 */
import { getDownloadUrlTool } from './get-download-url.js';
import { getDownloadUrlsTool } from './get-download-urls.js';
import { getMediaEntryTool } from './get-media-entry.js';
import { getThumbnailUrlTool } from './get-thumbnail-url.js';
import { listMediaEntriesTool } from './list-media-entries.js';
import { saveMediaFileTool } from './save-media-file.js';
import { saveMediaFilesTool } from './save-media-files.js';
import type { AnyTool } from './tool.js';

/** The tools, discovery first: list, look at one entry, get download URLs, save a file or a library, get a thumbnail. */
export const ALL_TOOLS: readonly AnyTool[] = [
  listMediaEntriesTool,
  getMediaEntryTool,
  getDownloadUrlTool,
  getDownloadUrlsTool,
  saveMediaFileTool,
  saveMediaFilesTool,
  getThumbnailUrlTool,
];

/** What a remote caller may use: every tool that does not touch the server's own machine. */
export const REMOTE_TOOLS: readonly AnyTool[] = ALL_TOOLS.filter((tool) => !tool.localOnly);
