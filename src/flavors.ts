/**
 * Flavors (an entry's renditions): which one to download, and how the tools show them. Pure: it
 * decides, the caller fetches.
 */
import { z } from 'zod';
import {
  DOWNLOADABLE_STATUSES,
  flavorStatusName,
  numberOrNull,
  stringOrNull,
  byEntry,
  type FlavorAsset,
} from './kaltura/types.js';

/** Whether Kaltura will serve this flavor's file (READY, or EXPORTING). */
function isDownloadable(flavor: FlavorAsset): boolean {
  return flavor.status !== undefined && DOWNLOADABLE_STATUSES.includes(flavor.status);
}

/** A rendition asked for by quality rather than by id. */
export type Quality = 'original' | 'highest' | 'lowest';

/** How to choose among an entry's flavors: one by id, or by quality, height and format. */
export interface FlavorRequest {
  /** A flavor id (an empty string counts as none). */
  flavorId?: string;
  quality?: Quality;
  /** Only flavors with a picture of at most this height (audio-only flavors have none). */
  maxHeight?: number;
  /** File extension, e.g. `mp4`; case does not matter. */
  format?: string;
}

/** Whether the request chooses by quality, height or format (rather than by today's rule). */
export function hasCriteria(request: FlavorRequest): boolean {
  return request.quality !== undefined || request.maxHeight !== undefined || request.format !== undefined;
}

/** What selection decided: a flavor to fetch, or why there is none (the caller words the error). */
export type FlavorChoice =
  | { kind: 'chosen'; flavor: FlavorAsset }
  | { kind: 'requested-not-found'; flavorId: string }
  | { kind: 'requested-not-ready'; flavor: FlavorAsset }
  | { kind: 'no-flavors' }
  | { kind: 'none-ready'; flavors: FlavorAsset[] }
  | { kind: 'none-match'; ready: FlavorAsset[] };

/**
 * Picks the flavor to download:
 * - a requested id must be listed and downloadable;
 * - with criteria, among the downloadable flavors that have the format and fit under the
 *   height, the original, or the highest or lowest by height, then bitrate, then size
 *   (`highest` when only a format or a height is given);
 * - otherwise the original's rules made READY-aware: the original if downloadable, else the
 *   first downloadable flavor in list order.
 */
export function selectFlavor(flavors: readonly FlavorAsset[], request: FlavorRequest = {}): FlavorChoice {
  if (request.flavorId) {
    const requested = flavors.find((f) => f.id === request.flavorId);
    if (!requested) return { kind: 'requested-not-found', flavorId: request.flavorId };
    if (!isDownloadable(requested)) return { kind: 'requested-not-ready', flavor: requested };
    return { kind: 'chosen', flavor: requested };
  }
  if (flavors.length === 0) return { kind: 'no-flavors' };
  const ready = flavors.filter(isDownloadable);
  if (ready.length === 0) return { kind: 'none-ready', flavors: [...flavors] };
  if (hasCriteria(request)) {
    const chosen = byCriteria(ready, request);
    return chosen ? { kind: 'chosen', flavor: chosen } : { kind: 'none-match', ready };
  }
  const original = ready.find((f) => f.isOriginal === true);
  return { kind: 'chosen', flavor: original ?? ready[0]! };
}

function byCriteria(ready: FlavorAsset[], request: FlavorRequest): FlavorAsset | undefined {
  const format = request.format?.toLowerCase();
  const { maxHeight } = request;
  const candidates = ready.filter(
    (f) =>
      (format === undefined || f.fileExt?.toLowerCase() === format) &&
      (maxHeight === undefined || ((f.height ?? 0) > 0 && f.height! <= maxHeight)),
  );
  switch (request.quality ?? 'highest') {
    case 'original':
      return candidates.find((f) => f.isOriginal === true);
    // Sorting is stable: among equals, the first listed wins.
    case 'highest':
      return [...candidates].sort((a, b) => byQuality(b, a))[0];
    case 'lowest':
      return [...candidates].sort(byQuality)[0];
  }
}

/** Lower quality first: by height, then bitrate, then size; ties keep list order. */
function byQuality(a: FlavorAsset, b: FlavorAsset): number {
  return (a.height ?? 0) - (b.height ?? 0) || (a.bitrate ?? 0) - (b.bitrate ?? 0) || (a.size ?? 0) - (b.size ?? 0);
}

/**
 * The file's length in bytes: `sizeInBytes` when Kaltura records it; else `size` (KB) × 1024, an
 * estimate (Kaltura truncates a rounded value); null when neither is known.
 */
export function flavorSizeInBytes(flavor: FlavorAsset): number | null {
  if (typeof flavor.sizeInBytes === 'number' && flavor.sizeInBytes > 0) return flavor.sizeInBytes;
  return flavor.size ? flavor.size * 1024 : null;
}

/** The exact length Kaltura records for the flavor's file, or null when it does not know it. */
export function exactSizeInBytes(flavor: FlavorAsset): number | null {
  return typeof flavor.sizeInBytes === 'number' && flavor.sizeInBytes > 0 ? flavor.sizeInBytes : null;
}

/** One flavor as the tools show it to an agent choosing one for get_download_url. */
export const flavorSummarySchema = z.object({
  flavorId: z.string().describe('Pass as flavor_id to get_download_url'),
  format: z.string().nullable().describe('File extension, e.g. mp4'),
  bitrate: z.number().nullable().describe('kbps'),
  fileSize: z
    .number()
    .nullable()
    .describe('Bytes: exact when Kaltura records it, else an estimate from its size in KB; null when unknown'),
  width: z.number().nullable(),
  height: z.number().nullable(),
  isOriginal: z.boolean().describe('The uploaded source file'),
  status: z.string().describe('READY (downloadable), CONVERTING, QUEUED, ERROR, …'),
  tags: z.string().nullable(),
});

/** A flavor as the tools show it. */
type FlavorSummary = z.infer<typeof flavorSummarySchema>;

/** The summary of one flavor. */
export function flavorSummary(flavor: FlavorAsset): FlavorSummary {
  return {
    flavorId: flavor.id,
    format: stringOrNull(flavor.fileExt),
    bitrate: numberOrNull(flavor.bitrate),
    fileSize: flavorSizeInBytes(flavor),
    width: numberOrNull(flavor.width),
    height: numberOrNull(flavor.height),
    isOriginal: flavor.isOriginal === true,
    status: flavorStatusName(flavor.status),
    tags: stringOrNull(flavor.tags),
  };
}

/** Flavors grouped by their entry, each group in list order. */
export const flavorsByEntry = (flavors: readonly FlavorAsset[]) => byEntry(flavors);
