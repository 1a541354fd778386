/**
 * Kaltura's objects as they arrive on the wire (api_v3, JSON format): the fields this server
 * reads, the enumerations it names, and readers for optional fields. Kaltura omits every
 * property that is null, so each field may be missing. Pure.
 */

/** KalturaSessionType: USER = 0, ADMIN = 2. */
export const SessionType = { USER: 0, ADMIN: 2 } as const;

/** KalturaEntryType codes of entries whose own file is served at their raw `downloadUrl` (no flavor needed). */
export const EntryType = { MEDIA_CLIP: 1, DATA: 6, DOCUMENT: 10 } as const;

/** The original's media_type names and Kaltura's KalturaMediaType codes. */
export const MEDIA_TYPES = { video: 1, audio: 5, image: 2 } as const;

/** KalturaFlavorAssetStatus, numbers on the wire. */
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

/** The statuses Kaltura serves a flavor's file in: READY, and EXPORTING (its file is already there). */
export const DOWNLOADABLE_STATUSES: readonly number[] = [FlavorStatus.READY, FlavorStatus.EXPORTING];

/** flavorParamsId 0 is the source, which Kaltura marks isOriginal. */
export const SOURCE_FLAVOR_PARAMS_ID = 0;

/** A KalturaMediaEntry: the fields the tools read, by name. */
export interface MediaEntry {
  id: string;
  name?: string;
  [field: string]: unknown;
}

/** A KalturaFlavorAsset: the fields selection and the answers read. */
export interface FlavorAsset {
  id: string;
  entryId?: string;
  isOriginal?: boolean;
  status?: number;
  /** KB, as Kaltura reports it: truncated from a rounded value, so never the exact length. */
  size?: number;
  /** The exact length in bytes; 0 when Kaltura does not know it (older assets). */
  sizeInBytes?: number;
  /** The asset's version, a string on the wire (e.g. `"3"`). */
  version?: string | number;
  /** Unix seconds. */
  updatedAt?: number;
  /** kbps. */
  bitrate?: number;
  fileExt?: string;
  width?: number;
  height?: number;
  tags?: string;
  flavorParamsId?: number;
}

/** One page of a `*.list` answer. */
export interface ListPage<T> {
  objects: T[];
  totalCount: number;
}

/** The value if it is a string, else null (Kaltura omitted it, or sent another type). */
export const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The value if it is a number, else null. */
export const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** A KalturaCaptionAsset: the fields the tools read. */
export interface CaptionAsset {
  id: string;
  entryId?: string;
  /** KalturaLanguage, e.g. `English`. */
  language?: string;
  /** KalturaLanguageCode, e.g. `en`. */
  languageCode?: string;
  label?: string;
  /** KalturaCaptionType, a string: "1" SRT, "2" DFXP, "3" WEBVTT, "4" CAP, "5" SCC. */
  format?: string;
  fileExt?: string;
  isDefault?: boolean;
  /** KalturaCaptionAssetStatus: 2 READY; 0 QUEUED, -1 ERROR, 7 IMPORTING… */
  status?: number;
  /** Bytes (a caption keeps its size in bytes, unlike a flavor). */
  size?: number;
  version?: string | number;
  updatedAt?: number;
}

/** KalturaCaptionAssetStatus READY: only a ready caption has a file to serve. */
export const CAPTION_READY = 2;

/** Assets (flavors, captions) grouped by the entry they belong to, each group in list order. */
export function byEntry<T extends { entryId?: string }>(assets: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const asset of assets) {
    const key = asset.entryId ?? '';
    const group = groups.get(key);
    if (group) group.push(asset);
    else groups.set(key, [asset]);
  }
  return groups;
}
