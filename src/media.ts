/**
 * Media entries as the tools show them: the original's field lists, times as ISO 8601, the
 * entry's flavors attached. Pure.
 */
import { z } from 'zod';
import { captionSummary, captionSummarySchema } from './captions.js';
import { flavorSummary, flavorSummarySchema } from './flavors.js';
import { numberOrNull, stringOrNull, type CaptionAsset, type FlavorAsset, type MediaEntry } from './kaltura/types.js';

/** Unix seconds as ISO 8601 (UTC), or null when Kaltura sent none. */
function isoTime(seconds: unknown): string | null {
  return typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

/** How each shown field is read from the entry: Kaltura omits nulls, and times become ISO 8601. */
const text = (name: string) => (entry: MediaEntry) => stringOrNull(entry[name]);
const count = (name: string) => (entry: MediaEntry) => numberOrNull(entry[name]);
const time = (name: string) => (entry: MediaEntry) => isoTime(entry[name]);
const READERS = {
  id: (entry: MediaEntry) => entry.id,
  name: text('name'),
  description: text('description'),
  mediaType: count('mediaType'),
  createdAt: time('createdAt'),
  updatedAt: time('updatedAt'),
  duration: count('duration'),
  tags: text('tags'),
  categories: text('categories'),
  categoriesIds: text('categoriesIds'),
  thumbnailUrl: text('thumbnailUrl'),
  downloadUrl: text('downloadUrl'),
  plays: count('plays'),
  views: count('views'),
  lastPlayedAt: time('lastPlayedAt'),
  width: count('width'),
  height: count('height'),
  dataUrl: text('dataUrl'),
  flavorParamsIds: text('flavorParamsIds'),
  status: count('status'),
};
type Field = keyof typeof READERS;

/** The original's fields of list_media_entries, in its order. */
const LISTED_FIELDS: readonly Field[] = [
  'id',
  'name',
  'description',
  'mediaType',
  'createdAt',
  'duration',
  'tags',
  'thumbnailUrl',
  'downloadUrl',
  'plays',
  'views',
];

/** The original's fields of get_media_entry, in its order. */
const DETAILED_FIELDS: readonly Field[] = [
  'id',
  'name',
  'description',
  'mediaType',
  'createdAt',
  'updatedAt',
  'duration',
  'tags',
  'categories',
  'categoriesIds',
  'thumbnailUrl',
  'downloadUrl',
  'plays',
  'views',
  'lastPlayedAt',
  'width',
  'height',
  'dataUrl',
  'flavorParamsIds',
  'status',
];

/** The entry's `fields`, in that order, then its flavors. */
function shown(entry: MediaEntry, fields: readonly Field[], flavors: readonly FlavorAsset[]) {
  return {
    ...Object.fromEntries(fields.map((field) => [field, READERS[field](entry)])),
    flavors: flavors.map(flavorSummary),
  };
}

/** The fields list_media_entries shows of each entry; get_media_entry shows them and more. */
export const listedEntrySchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  mediaType: z.number().nullable().describe('1 video, 2 image, 5 audio'),
  createdAt: z.string().nullable().describe('ISO 8601, UTC'),
  duration: z.number().nullable().describe('Seconds'),
  tags: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
  downloadUrl: z.string().nullable(),
  plays: z.number().nullable(),
  views: z.number().nullable(),
  flavors: z.array(flavorSummarySchema).describe("All of the entry's flavors"),
});

/** An entry in list_media_entries: the original's fields plus its flavors. */
export function listedEntry(entry: MediaEntry, flavors: readonly FlavorAsset[]): z.infer<typeof listedEntrySchema> {
  return shown(entry, LISTED_FIELDS, flavors) as z.infer<typeof listedEntrySchema>;
}

/** get_media_entry's answer: the listed fields, more of the entry's, and its flavors. */
export const entryDetailsSchema = listedEntrySchema.extend({
  updatedAt: z.string().nullable().describe('ISO 8601, UTC'),
  categories: z.string().nullable(),
  categoriesIds: z.string().nullable(),
  lastPlayedAt: z.string().nullable().describe('ISO 8601, UTC'),
  width: z.number().nullable(),
  height: z.number().nullable(),
  dataUrl: z.string().nullable().describe('Playback (not download) URL'),
  flavorParamsIds: z.string().nullable(),
  status: z.number().nullable().describe('KalturaEntryStatus: 2 is READY'),
  captions: z
    .array(captionSummarySchema)
    .describe(
      "The entry's captions (subtitles), ready or not: their language codes are what the download tools' captions argument takes",
    ),
});

/** get_media_entry's answer: the original's fields plus the entry's flavors and captions. */
export function entryDetails(
  entry: MediaEntry,
  flavors: readonly FlavorAsset[],
  captions: readonly CaptionAsset[],
): z.infer<typeof entryDetailsSchema> {
  return { ...shown(entry, DETAILED_FIELDS, flavors), captions: captions.map(captionSummary) } as z.infer<
    typeof entryDetailsSchema
  >;
}
