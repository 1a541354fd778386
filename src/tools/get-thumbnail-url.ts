/**
 * get_thumbnail_url: the original's tool (arguments, bounds, texts), with the port's corrections.
 */
import { z } from 'zod';
import { ToolFailure } from '../failure.js';
import type { KalturaDoor } from '../kaltura/client-manager.js';
import { asMediaEntry, mediaGetRequest } from '../kaltura/requests.js';
import { MEDIA_TYPES, numberOrNull, stringOrNull } from '../kaltura/types.js';
import { entryIdSchema } from './arguments.js';
import { defineTool, READ_ONLY } from './tool.js';

/** The original's description, word for word, then what it left unsaid. */
const DESCRIPTION =
  "Get video THUMBNAIL/POSTER image. USE WHEN: Displaying video previews, creating galleries, showing video cards, generating custom thumbnails. RETURNS: Image URL with your specified size. EXAMPLES: 'Get thumbnail for video 1_abc123', 'Create 400x300 preview image', 'Get frame from 30 seconds in'. Can capture any frame from video. Audio and image entries get their thumbnail sized, without a frame (second is null).";

const MAX_DIMENSION = 4096;
const INVALID_DIMENSIONS = `Invalid dimensions: width and height must be between 1 and ${MAX_DIMENSION}`;
const dimension = z.number().int().min(1, INVALID_DIMENSIONS).max(MAX_DIMENSION, INVALID_DIMENSIONS);

const input = z.strictObject({
  entry_id: entryIdSchema.describe("Video to get thumbnail from (format: '1_abc123')"),
  width: dimension.default(120).describe('Thumbnail width in pixels (default: 120)'),
  height: dimension.default(90).describe('Thumbnail height in pixels (default: 90)'),
  second: z
    .number()
    .int()
    .min(0, 'Invalid second parameter: must be non-negative')
    .default(5)
    .describe('Video timestamp in seconds to capture (default: 5)'),
});

const output = z.object({
  entryId: z.string(),
  entryName: z.string().nullable(),
  mediaType: z.number().nullable().describe('1 video, 2 image, 5 audio'),
  thumbnailUrl: z.string(),
  width: z.number(),
  height: z.number(),
  second: z.number().nullable().describe('The frame taken, for videos; null otherwise'),
});

/**
 * A sized thumbnail URL in the thumbnail API's path form: `<thumbnailUrl>/width/W/height/H`, plus
 * `/vid_sec/S` (the frame at S seconds) for videos. The original appended `?width=…&height=…`
 * query parameters instead; the path form is the one Kaltura documents and builds itself.
 */
function sizedThumbnailUrl(base: string, width: number, height: number, second: number | null): string {
  const path = `/width/${width}/height/${height}${second === null ? '' : `/vid_sec/${second}`}`;
  const query = base.indexOf('?');
  return query === -1
    ? `${base.replace(/\/+$/, '')}${path}`
    : `${base.slice(0, query).replace(/\/+$/, '')}${path}${base.slice(query)}`;
}

/** The entry's thumbnail at the size asked for, from the frame asked for if it is a video. */
async function getThumbnail(door: KalturaDoor, args: z.output<typeof input>): Promise<z.infer<typeof output>> {
  const { entry_id: entryId, width, height, second } = args;
  const entry = asMediaEntry(await door.call(mediaGetRequest(entryId)));
  const base = stringOrNull(entry.thumbnailUrl);
  if (!base) {
    throw new ToolFailure('NO_THUMBNAIL', 'No thumbnail available for this entry', {
      style: 'bare',
      details: { entryId },
    });
  }
  // Only a video has frames to take.
  const frame = entry.mediaType === MEDIA_TYPES.video ? second : null;
  return {
    entryId,
    entryName: stringOrNull(entry.name),
    mediaType: numberOrNull(entry.mediaType),
    thumbnailUrl: sizedThumbnailUrl(base, width, height, frame),
    width,
    height,
    second: frame,
  };
}

export const getThumbnailUrlTool = defineTool({
  name: 'get_thumbnail_url',
  title: 'Get thumbnail URL',
  description: DESCRIPTION,
  input,
  output,
  annotations: READ_ONLY,
  operation: 'get thumbnail URL',
  errorContext: ({ entry_id }) => ({ entry_id }),
  run: getThumbnail,
});
