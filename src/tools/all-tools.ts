/**
 * Every tool the server offers, in the order tools/list shows them.
 */
import { getDownloadUrlTool } from './get-download-url.js';
import { getMediaEntryTool } from './get-media-entry.js';
import { getThumbnailUrlTool } from './get-thumbnail-url.js';
import { listMediaEntriesTool } from './list-media-entries.js';
import type { AnyTool } from './tool.js';

/** The tools, discovery first: list, look at one entry, get its download URL, get a thumbnail. */
export const ALL_TOOLS: readonly AnyTool[] = [
  listMediaEntriesTool,
  getMediaEntryTool,
  getDownloadUrlTool,
  getThumbnailUrlTool,
];
