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
  type FlavorAsset,
} from './kaltura/types.js';

/** Whether Kaltura will serve this flavor's file (READY, or EXPORTING). */
function isDownloadable(flavor: FlavorAsset): boolean {
  return flavor.status !== undefined && DOWNLOADABLE_STATUSES.includes(flavor.status);
}

/** What selection decided: a flavor to fetch, or why there is none (the caller words the error). */
export type FlavorChoice =
  | { kind: 'chosen'; flavor: FlavorAsset }
  | { kind: 'requested-not-found'; flavorId: string }
  | { kind: 'requested-not-ready'; flavor: FlavorAsset }
  | { kind: 'no-flavors' }
  | { kind: 'none-ready'; flavors: FlavorAsset[] };

/**
 * Picks the flavor to download, the original's rules made READY-aware:
 * - a requested id (an empty string counts as none) must be listed and downloadable;
 * - otherwise the original if downloadable, else the first downloadable flavor in list order.
 */
export function selectFlavor(flavors: readonly FlavorAsset[], requestedId?: string): FlavorChoice {
  if (requestedId) {
    const requested = flavors.find((f) => f.id === requestedId);
    if (!requested) return { kind: 'requested-not-found', flavorId: requestedId };
    if (!isDownloadable(requested)) return { kind: 'requested-not-ready', flavor: requested };
    return { kind: 'chosen', flavor: requested };
  }
  if (flavors.length === 0) return { kind: 'no-flavors' };
  const original = flavors.find((f) => f.isOriginal === true);
  if (original && isDownloadable(original)) return { kind: 'chosen', flavor: original };
  const firstReady = flavors.find(isDownloadable);
  if (firstReady) return { kind: 'chosen', flavor: firstReady };
  return { kind: 'none-ready', flavors: [...flavors] };
}

/** Kaltura reports size in KB; the answer gives bytes, or null when the size is unknown (0 or missing). */
export function flavorSizeInBytes(flavor: FlavorAsset): number | null {
  return flavor.size ? flavor.size * 1024 : null;
}

/** One flavor as the tools show it to an agent choosing one for get_download_url. */
export const flavorSummarySchema = z.object({
  flavorId: z.string().describe('Pass as flavor_id to get_download_url'),
  format: z.string().nullable().describe('File extension, e.g. mp4'),
  bitrate: z.number().nullable().describe('kbps'),
  fileSize: z.number().nullable().describe('Bytes, or null when Kaltura does not know it'),
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
export function flavorsByEntry(flavors: readonly FlavorAsset[]): Map<string, FlavorAsset[]> {
  const groups = new Map<string, FlavorAsset[]>();
  for (const flavor of flavors) {
    const key = flavor.entryId ?? '';
    const group = groups.get(key);
    if (group) group.push(flavor);
    else groups.set(key, [flavor]);
  }
  return groups;
}
