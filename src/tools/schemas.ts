/**
 * Output-schema pieces shared by the tools.
 */
import { z } from 'zod';

/** One flavor (rendition) of an entry, as list_media_entries and get_media_entry show it. */
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

/** Entry fields both media tools share. */
export const entryFields = {
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
};
