/**
 * get_download_url the plain way, as the original does it: one Kaltura request after another.
 * Kept as the reference the single-round-trip strategy must answer exactly like.
 */
import { selectFlavor } from '../flavors.js';
import { listAllFlavors } from '../kaltura/flavor-list.js';
import { asDownloadUrl, asMediaEntry, getFlavorUrl, getMediaEntry } from '../kaltura/requests.js';
import {
  choiceFailure,
  downloadInfo,
  validateDownloadRequest,
  type DownloadAnswer,
  type DownloadRequest,
  type KalturaDoor,
  OPERATION,
} from './answer.js';
import { catchKaltura } from '../answer.js';

/**
 * The plain algorithm, one Kaltura request after another: `media.get`, `flavorAsset.list`
 * (every page), then `flavorAsset.getUrl` for the chosen flavor.
 */
export async function getDownloadUrlSequential(door: KalturaDoor, request: DownloadRequest): Promise<DownloadAnswer> {
  const invalid = validateDownloadRequest(request);
  if (invalid) return invalid;
  const { entryId } = request;
  return catchKaltura(OPERATION, { entry_id: entryId }, async () => {
    const entry = asMediaEntry(await door.call(getMediaEntry(entryId)));
    const choice = selectFlavor(await listAllFlavors(door, { entryIdEqual: entryId }), request.flavorId);
    if (choice.kind !== 'chosen') return choiceFailure(entryId, choice);
    const url = asDownloadUrl(await door.call(getFlavorUrl(choice.flavor.id, request.fileName)));
    return { ok: true, data: downloadInfo(entryId, entry, choice.flavor, url) };
  });
}
