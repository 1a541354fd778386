/**
 * An entry's (or a page of entries') flavors, all of them: Kaltura pages by 500 at most, and the
 * original looked only at its default first page of 30.
 */
import type { FlavorAsset } from '../flavors.js';
import type { KalturaDoor } from './client-manager.js';
import { asFlavorPage, listFlavorAssets, MAX_PAGE_SIZE, type FlavorFilter, type FlavorPage } from './requests.js';

/** Pages fetched at most: 20 × 500 flavors is far past any real entry or page of entries. */
const MAX_FLAVOR_PAGES = 20;

/** Every flavor matching `filter`, page after page of 500. */
export async function listAllFlavors(door: KalturaDoor, filter: FlavorFilter): Promise<FlavorAsset[]> {
  const firstPage = asFlavorPage(await door.call(listFlavorAssets(filter, 1)));
  return completeFlavorList(door, filter, firstPage);
}

/** The flavors matching `filter`, given its first page: fetches the pages after it, if any. */
export async function completeFlavorList(
  door: KalturaDoor,
  filter: FlavorFilter,
  firstPage: FlavorPage,
): Promise<FlavorAsset[]> {
  const flavors = [...firstPage.objects];
  let last = firstPage;
  for (let page = 2; page <= MAX_FLAVOR_PAGES && !isLastPage(last, flavors.length); page += 1) {
    last = asFlavorPage(await door.call(listFlavorAssets(filter, page)));
    flavors.push(...last.objects);
  }
  return flavors;
}

function isLastPage(page: FlavorPage, collected: number): boolean {
  return page.objects.length < MAX_PAGE_SIZE || collected >= page.totalCount;
}
