/**
 * get_download_url the plain way, as the original does it: one Kaltura request after another.
 * Kept as the reference the single-round-trip strategy must answer exactly like.
 */
import { selectFlavor, type FlavorAsset } from '../flavors.js';
import { KalturaError } from '../kaltura/errors.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  getFlavorUrl,
  getMediaEntry,
  listFlavorAssets,
  MAX_PAGE_SIZE,
  type FlavorPage,
} from '../kaltura/requests.js';
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

/** Pages fetched at most per entry: 20 × 500 flavors is far past any real entry. */
const MAX_FLAVOR_PAGES = 20;

/** Every flavor of the entry, page after page of 500 (the original searched only the first 30). */
export async function listAllFlavors(door: KalturaDoor, entryId: string): Promise<FlavorAsset[]> {
  const firstPage = asFlavorPage(await door.call(listFlavorAssets({ entryIdEqual: entryId }, 1)));
  return completeFlavorList(door, entryId, firstPage);
}

/** The entry's flavors, given the first page: fetches the pages after it, if there are any. */
export async function completeFlavorList(
  door: KalturaDoor,
  entryId: string,
  firstPage: FlavorPage,
): Promise<FlavorAsset[]> {
  const flavors = [...firstPage.objects];
  let last = firstPage;
  for (let page = 2; page <= MAX_FLAVOR_PAGES && !isLastPage(last, flavors.length); page += 1) {
    last = asFlavorPage(await door.call(listFlavorAssets({ entryIdEqual: entryId }, page)));
    flavors.push(...last.objects);
  }
  return flavors;
}

function isLastPage(page: FlavorPage, collected: number): boolean {
  return page.objects.length < MAX_PAGE_SIZE || collected >= page.totalCount;
}

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
    const choice = selectFlavor(await listAllFlavors(door, entryId), request.flavorId);
    if (choice.kind !== 'chosen') return choiceFailure(entryId, choice);
    const url = asDownloadUrl(await door.call(getFlavorUrl(choice.flavor.id, request.fileName)));
    return { ok: true, data: downloadInfo(entryId, entry, choice.flavor, url) };
  });
}
