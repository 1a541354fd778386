/**
 * get_media_entry: the original's tool, with the port's corrections (isError, the error shape,
 * structuredContent), and the entry's flavors (all of them) fetched in the same round trip.
 */
import { z } from 'zod';
import type { KalturaDoor } from '../kaltura/client-manager.js';
import {
  asFlavorPage,
  asMediaEntry,
  baseEntryGetRequest,
  completeFlavorList,
  flavorListRequest,
  unwrap,
} from '../kaltura/requests.js';
import { asCaptionPage, captionListRequest } from '../kaltura/library-requests.js';
import { entryDetails, entryDetailsSchema } from '../media.js';
import { entryIdSchema } from './arguments.js';
import { defineTool, READ_ONLY } from './tool.js';

/** The original's description, plus one sentence for the flavors it now lists. */
const DESCRIPTION =
  "Get complete metadata for a single video/media file. USE WHEN: You have a specific entry_id and need full details (title, description, duration, tags, thumbnail, status). RETURNS: Complete media metadata including URLs, dimensions, creation date. EXAMPLE: After search finds entry_id='1_abc123', use this to get full video details. Also lists all of the entry's flavors (renditions): flavorId, format, bitrate, size, dimensions and status, for get_download_url's flavor_id; and its captions (subtitles): language, code, label, format and status, for the captions argument of the download tools.";

const input = z.strictObject({
  entry_id: entryIdSchema.describe("The media entry ID (format: '1_abc123' or '0_xyz789')"),
});

/**
 * The entry, all its flavors and its captions: `media.get`, `flavorAsset.list` and
 * `captionAsset.list` in one round trip. A partner without the caption plugin (its list fails)
 * has no captions to show.
 */
async function getEntry(door: KalturaDoor, entryId: string): Promise<z.infer<typeof entryDetailsSchema>> {
  const results = await door.multi([
    // baseEntry.get, where the original used media.get: the same object for video, audio and
    // images, and a document's or data entry's own, which media.get answers as not found
    // although the download tools save it.
    baseEntryGetRequest(entryId),
    flavorListRequest({ entryIdEqual: entryId }),
    captionListRequest(entryId),
  ]);
  const entry = asMediaEntry(unwrap(results[0]));
  const flavors = await completeFlavorList(door, { entryIdEqual: entryId }, asFlavorPage(unwrap(results[1])));
  const captions = results[2]?.ok ? asCaptionPage(results[2].value).objects : [];
  return entryDetails(entry, flavors, captions);
}

export const getMediaEntryTool = defineTool({
  name: 'get_media_entry',
  title: 'Get media entry',
  description: DESCRIPTION,
  input,
  output: entryDetailsSchema,
  annotations: READ_ONLY,
  operation: 'get media entry',
  errorContext: ({ entry_id }) => ({ entry_id }),
  run: (door, { entry_id }) => getEntry(door, entry_id),
});
