/**
 * get_download_url the plain way, as the original does it: one Kaltura request after another
 * (the entry, `flavorAsset.list` page by page, then `flavorAsset.getUrl` for the chosen flavor),
 * with the port's one addition: an image's or document's own file. The reference the tool's
 * one-round-trip way must answer exactly like; test-only.
 */
import {
  flavorFile,
  noChoice,
  ownFile,
  servesOwnFile,
  type LocatedFile,
  type LocateOptions,
} from '../../src/downloads/entry-files.js';
import type { DownloadRequest } from '../../src/downloads/locate.js';
import { selectFlavor } from '../../src/flavors.js';
import type { KalturaDoor } from '../../src/kaltura/client-manager.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  baseEntryGetRequest,
  completeFlavorList,
  flavorListRequest,
  flavorUrlRequest,
} from '../../src/kaltura/requests.js';

export async function getDownloadUrlSequential(
  door: KalturaDoor,
  request: DownloadRequest,
  options: LocateOptions,
): Promise<LocatedFile> {
  const { entryId } = request;
  const entry = asMediaEntry(await door.call(baseEntryGetRequest(entryId)));
  const filter = { entryIdEqual: entryId };
  const firstPage = asFlavorPage(await door.call(flavorListRequest(filter, 1)));
  const flavors = await completeFlavorList(door, filter, firstPage);
  if (flavors.length === 0 && !request.flavorId && servesOwnFile(entry)) return ownFile(entry, request, options);
  const choice = selectFlavor(flavors, request);
  if (choice.kind !== 'chosen') throw noChoice(entryId, choice, request);
  const url = asDownloadUrl(await door.call(flavorUrlRequest(choice.flavor.id, request.fileName)), choice.flavor.id);
  return flavorFile(entryId, entry, choice.flavor, url);
}
