/**
 * Flavor selection for get_download_url. Pure: it decides, the caller fetches.
 */
import { numberOrNull, stringOrNull } from './fields.js';

/** Kaltura's KalturaFlavorAssetStatus, as numbers on the wire. */
export const FlavorStatus = {
  ERROR: -1,
  QUEUED: 0,
  CONVERTING: 1,
  READY: 2,
  DELETED: 3,
  NOT_APPLICABLE: 4,
  TEMP: 5,
  WAIT_FOR_CONVERT: 6,
  IMPORTING: 7,
  VALIDATING: 8,
  EXPORTING: 9,
} as const;

const STATUS_NAMES = new Map<number, string>(Object.entries(FlavorStatus).map(([name, code]) => [code, name]));

/** The readable name of a flavor status code, e.g. `2` → `READY`; unknown codes stay numeric. */
export function flavorStatusName(status: number | undefined): string {
  if (status === undefined) return 'UNKNOWN';
  return STATUS_NAMES.get(status) ?? String(status);
}

/** The fields of a KalturaFlavorAsset that selection and the answer use. */
export interface FlavorAsset {
  id: string;
  entryId?: string;
  isOriginal?: boolean;
  status?: number;
  /** KB, as Kaltura reports it. */
  size?: number;
  /** kbps. */
  bitrate?: number;
  fileExt?: string;
  width?: number;
  height?: number;
  tags?: string;
  flavorParamsId?: number;
}

/** Kaltura serves a download URL for READY flavors, and for EXPORTING ones (their file is already there). */
export const DOWNLOADABLE_STATUSES: readonly number[] = [FlavorStatus.READY, FlavorStatus.EXPORTING];

/** Whether Kaltura will serve this flavor's file. */
export function isDownloadable(flavor: FlavorAsset): boolean {
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

/** A flavor as the tools show it to an agent choosing one for get_download_url. */
export interface FlavorSummary {
  [field: string]: unknown;
  flavorId: string;
  format: string | null;
  /** kbps. */
  bitrate: number | null;
  /** Bytes, or null when unknown. */
  fileSize: number | null;
  width: number | null;
  height: number | null;
  isOriginal: boolean;
  /** READY, CONVERTING, …: only READY (and EXPORTING) flavors can be downloaded. */
  status: string;
  tags: string | null;
}

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
