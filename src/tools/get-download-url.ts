/**
 * get_download_url: the original's name, description and arguments, answered in one Kaltura
 * round trip in the common cases, with `isError` on failure and `structuredContent` on success.
 */
import { z } from 'zod';
import { downloadInfoSchema } from '../downloads/entry-files.js';
import { findDownloadUrl } from '../downloads/locate.js';
import {
  captionRequest,
  captionsSchema,
  downloadRequest,
  entryIdSchema,
  FLAVOR_OR_QUALITY,
  fileNameSchema,
  flavorIdSchema,
  oneWayToChoose,
  qualityArguments,
} from './arguments.js';
import { defineTool, READ_ONLY } from './tool.js';

/** The original's description, word for word, then what it left unsaid. */
export const ORIGINAL_DESCRIPTION =
  "Get direct DOWNLOAD link for video files. USE WHEN: User needs to download/save video locally, export for editing, backup content, share downloadable link. RETURNS: Time-limited secure URL for downloading. EXAMPLE: 'Download video 1_abc123', 'Get mp4 file for editing'. Different from streaming - this is for saving files.";
const DESCRIPTION = `${ORIGINAL_DESCRIPTION} Serves audio entries too. The URL expires when Kaltura's delivery adds an access token (the account sets how long); treat it as a credential. A flavor not yet READY answers an error naming its status: choose another, or try later. With captions (e.g. ['en'] or ['all']) the answer adds each caption's URL.`;

const input = z
  .strictObject({
    entry_id: entryIdSchema.describe("Video to download (format: '1_abc123')"),
    flavor_id: flavorIdSchema
      .optional()
      .describe(
        'Optional: Choose specific quality/format. Leave empty for default. Use list_media_entries to see available flavors.',
      ),
    // Ours: the original had no way to name the saved file, or to choose by quality.
    file_name: fileNameSchema
      .optional()
      .describe(
        "Optional: name for the downloaded file (e.g. 'lecture-1.mp4'), up to 200 characters, no slashes. Leave empty for Kaltura's default name.",
      ),
    ...qualityArguments,
    captions: captionsSchema.optional(),
  })
  .refine(oneWayToChoose, FLAVOR_OR_QUALITY);

export const getDownloadUrlTool = defineTool({
  name: 'get_download_url',
  title: 'Get download URL',
  description: DESCRIPTION,
  input,
  output: downloadInfoSchema,
  annotations: READ_ONLY,
  operation: 'get download URL',
  errorContext: ({ entry_id }) => ({ entry_id }),
  run: async (door, args, context) => {
    const options = {
      signal: context.signal,
      idleTimeoutMs: context.requestTimeoutMs,
      captions: captionRequest(args.captions),
    };
    return (await findDownloadUrl(door, downloadRequest(args), options)).info;
  },
});
