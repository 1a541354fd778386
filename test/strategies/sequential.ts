/**
 * get_download_url the plain way, as the original does it: one Kaltura request after another
 * (`media.get`, `flavorAsset.list` page by page, then `flavorAsset.getUrl` for the chosen
 * flavor). The reference the tool's one-round-trip way must answer exactly like; test-only.
 */
import { downloadInfo, noChoice, type DownloadInfo, type DownloadRequest } from '../../src/downloads/locate.js';
import { selectFlavor } from '../../src/flavors.js';
import type { KalturaDoor } from '../../src/kaltura/client-manager.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  completeFlavorList,
  flavorListRequest,
  flavorUrlRequest,
  mediaGetRequest,
} from '../../src/kaltura/requests.js';

export async function getDownloadUrlSequential(door: KalturaDoor, request: DownloadRequest): Promise<DownloadInfo> {
  const { entryId } = request;
  const entry = asMediaEntry(await door.call(mediaGetRequest(entryId)));
  const filter = { entryIdEqual: entryId };
  const firstPage = asFlavorPage(await door.call(flavorListRequest(filter, 1)));
  const choice = selectFlavor(await completeFlavorList(door, filter, firstPage), request);
  if (choice.kind !== 'chosen') throw noChoice(entryId, choice, request);
  const url = asDownloadUrl(await door.call(flavorUrlRequest(choice.flavor.id, request.fileName)), choice.flavor.id);
  return downloadInfo(entryId, entry, choice.flavor, url);
}
