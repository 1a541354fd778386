/**
 * Media entries as the tools show them: the original's field lists, times as ISO 8601, the
 * entry's flavors attached, and thumbnail URLs. Pure.
 */
import { numberOrNull, stringOrNull } from './fields.js';
import { flavorSummary, type FlavorAsset } from './flavors.js';
import type { MediaEntry } from './kaltura/requests.js';

/** The original's media_type names and Kaltura's KalturaMediaType codes. */
export const MEDIA_TYPES = { video: 1, audio: 5, image: 2 } as const;
export type MediaTypeName = keyof typeof MEDIA_TYPES;

/** KalturaMediaType.VIDEO. */
const VIDEO = MEDIA_TYPES.video;

/** Unix seconds as ISO 8601 (UTC), or null when Kaltura sent none. */
export function isoTime(seconds: unknown): string | null {
  return typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

const text = (entry: MediaEntry, name: string) => stringOrNull(entry[name]);
const count = (entry: MediaEntry, name: string) => numberOrNull(entry[name]);

/** An entry in list_media_entries: the original's fields plus its flavors. */
export function listedEntry(entry: MediaEntry, flavors: readonly FlavorAsset[]): Record<string, unknown> {
  return {
    id: entry.id,
    name: text(entry, 'name'),
    description: text(entry, 'description'),
    mediaType: count(entry, 'mediaType'),
    createdAt: isoTime(entry.createdAt),
    duration: count(entry, 'duration'),
    tags: text(entry, 'tags'),
    thumbnailUrl: text(entry, 'thumbnailUrl'),
    downloadUrl: text(entry, 'downloadUrl'),
    plays: count(entry, 'plays'),
    views: count(entry, 'views'),
    flavors: flavors.map(flavorSummary),
  };
}

/** get_media_entry's answer: the original's fields plus the entry's flavors. */
export function entryDetails(entry: MediaEntry, flavors: readonly FlavorAsset[]): Record<string, unknown> {
  return {
    id: entry.id,
    name: text(entry, 'name'),
    description: text(entry, 'description'),
    mediaType: count(entry, 'mediaType'),
    createdAt: isoTime(entry.createdAt),
    updatedAt: isoTime(entry.updatedAt),
    duration: count(entry, 'duration'),
    tags: text(entry, 'tags'),
    categories: text(entry, 'categories'),
    categoriesIds: text(entry, 'categoriesIds'),
    thumbnailUrl: text(entry, 'thumbnailUrl'),
    downloadUrl: text(entry, 'downloadUrl'),
    plays: count(entry, 'plays'),
    views: count(entry, 'views'),
    lastPlayedAt: isoTime(entry.lastPlayedAt),
    width: count(entry, 'width'),
    height: count(entry, 'height'),
    dataUrl: text(entry, 'dataUrl'),
    flavorParamsIds: text(entry, 'flavorParamsIds'),
    status: count(entry, 'status'),
    flavors: flavors.map(flavorSummary),
  };
}

/** Whether the entry is a video (the only kind a frame can be taken from). */
export function isVideo(entry: MediaEntry): boolean {
  return entry.mediaType === VIDEO;
}

/**
 * A sized thumbnail URL in the thumbnail API's path form: `<thumbnailUrl>/width/W/height/H`, plus
 * `/vid_sec/S` (the frame at S seconds) for videos. The original appended `?width=…&height=…`
 * query parameters instead; the path form is the one Kaltura documents and builds itself.
 */
export function sizedThumbnailUrl(base: string, width: number, height: number, second: number | null): string {
  const path = `/width/${width}/height/${height}${second === null ? '' : `/vid_sec/${second}`}`;
  const query = base.indexOf('?');
  return query === -1
    ? `${base.replace(/\/+$/, '')}${path}`
    : `${base.slice(0, query).replace(/\/+$/, '')}${path}${base.slice(query)}`;
}
