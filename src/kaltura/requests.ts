/**
 * The Kaltura requests the tools make, built with kaltura-client's generated services, the shape
 * checks for their answers, and paging through flavor lists. Filters and pagers are plain
 * objects carrying `objectType`: they serialise exactly as kaltura-client's model classes do,
 * without loading its model file.
 */
import type { KalturaDoor, MultiResult } from './client-manager.js';
import type { KalturaRequest } from './connection.js';
import { FailureCode, invalidResponse, KalturaError } from './errors.js';
import type { FlavorAsset, ListPage, MediaEntry } from './types.js';

/** Kaltura's largest page: `pageSize` is clamped to 500 server-side. */
export const MAX_PAGE_SIZE = 500;

/** `media.get(entryId)`. */
export const mediaGetRequest =
  (entryId: string): KalturaRequest =>
  ({ services }) =>
    services.media.get(entryId);

/** `baseEntry.get(entryId)`: any entry, with its own object (a document's, an image's), where `media.get` knows media only. */
export const baseEntryGetRequest =
  (entryId: string): KalturaRequest =>
  ({ services }) =>
    services.baseEntry.get(entryId);

/** Filter for `media.list`. */
export interface MediaFilter {
  freeText?: string;
  mediaTypeEqual?: number;
}

/** `media.list(filter, pager)`. */
export const mediaListRequest =
  (filter: MediaFilter, pageIndex: number, pageSize: number): KalturaRequest =>
  ({ services }) =>
    services.media.listAction(
      { objectType: 'KalturaMediaEntryFilter', ...filter },
      { objectType: 'KalturaFilterPager', pageSize, pageIndex },
    );

/** Filter for `flavorAsset.list`: the entry (or a `{N:result:...}` reference) plus extra conditions. */
export interface FlavorFilter {
  entryIdEqual?: string;
  /** Comma-separated entry ids. */
  entryIdIn?: string;
  /** Comma-separated statuses, e.g. `2,9`. */
  statusIn?: string;
  flavorParamsIdEqual?: number;
  orderBy?: '+size' | '-size';
}

/** `flavorAsset.list(filter, pager)`, one page of up to 500 flavors. */
export const flavorListRequest =
  (filter: FlavorFilter, pageIndex = 1, pageSize = MAX_PAGE_SIZE): KalturaRequest =>
  ({ services }) =>
    services.flavorAsset.listAction(
      { objectType: 'KalturaFlavorAssetFilter', ...filter },
      { objectType: 'KalturaFilterPager', pageSize, pageIndex },
    );

/**
 * A file name as Kaltura cleans the names it makes itself: every character outside
 * `A-Za-z0-9-._~!$()*+,;=:@` becomes `_`. Kaltura puts `options.fileName` into the URL path as
 * given, so a name must be cleaned before it is sent: a space, `#`, `?` or `%` breaks the URL.
 */
export function urlSafeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9\-._~!$()*+,;=:@]/g, '_');
}

/** `flavorAsset.getUrl(id)`; `fileName` names the downloaded file (cleaned for the URL). */
export const flavorUrlRequest =
  (flavorId: string, fileName?: string): KalturaRequest =>
  ({ services }) =>
    services.flavorAsset.getUrl(
      flavorId,
      null,
      false,
      fileName ? { objectType: 'KalturaFlavorAssetUrlOptions', fileName: urlSafeFileName(fileName) } : null,
    );

/** A multirequest slot's value, or its Kaltura error thrown. */
export function unwrap(result: MultiResult | undefined): unknown {
  if (!result) throw invalidResponse('a result is missing');
  if (!result.ok) throw result.error;
  return result.value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a `media.get` or `baseEntry.get` answer. */
export function asMediaEntry(value: unknown): MediaEntry {
  if (!isRecord(value) || typeof value.id !== 'string') throw invalidResponse('Kaltura did not return an entry');
  return value as MediaEntry;
}

/** Checks a `media.list` answer. */
export function asMediaPage(value: unknown): ListPage<MediaEntry> {
  return asListPage<MediaEntry>(value, 'media.list', 'entry');
}

/** Checks a `flavorAsset.list` answer. */
export function asFlavorPage(value: unknown): ListPage<FlavorAsset> {
  return asListPage<FlavorAsset>(value, 'flavorAsset.list', 'flavor');
}

/** A `*.list` answer: `objects` (each with a string `id`) and `totalCount`. */
export function asListPage<T extends { id: string }>(value: unknown, action: string, item: string): ListPage<T> {
  if (!isRecord(value) || !Array.isArray(value.objects)) throw invalidResponse(`${action} did not return a list`);
  const objects = value.objects.filter((o): o is T => isRecord(o) && typeof o.id === 'string');
  if (objects.length !== value.objects.length) throw invalidResponse(`${action} returned a malformed ${item}`);
  const totalCount = typeof value.totalCount === 'number' ? value.totalCount : objects.length;
  return { objects, totalCount };
}

/**
 * Checks a `flavorAsset.getUrl` answer for `flavorId`: an http(s) URL. `null` means that no
 * delivery profile serves the flavor's file (for instance, it is kept only on remote storage).
 */
export function asDownloadUrl(value: unknown, flavorId: string): string {
  if (value === null) {
    throw new KalturaError(
      FailureCode.NO_DOWNLOAD_URL,
      `Kaltura has no download URL for flavor ${flavorId}: no delivery profile serves its file (for example, it is kept only on remote storage); choose another flavor, or ask your Kaltura administrator to enable downloads for it`,
    );
  }
  if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value)) {
    throw invalidResponse('flavorAsset.getUrl did not return a URL');
  }
  return value;
}

/** Pages fetched at most: 20 × 500 items is far past any real entry or page of entries. */
const MAX_PAGES = 20;

/**
 * Every item of a list, given its first page (the original looked only at Kaltura's default
 * first page of 30): fetches the pages after it, if any, 500 at a time, with `pageOf`.
 */
export async function completeList<T>(
  door: KalturaDoor,
  firstPage: ListPage<T>,
  pageOf: (pageIndex: number) => { request: KalturaRequest; check: (value: unknown) => ListPage<T> },
): Promise<T[]> {
  const items = [...firstPage.objects];
  let last = firstPage;
  for (let page = 2; page <= MAX_PAGES && !isLastPage(last, items.length); page += 1) {
    const { request, check } = pageOf(page);
    last = check(await door.call(request));
    items.push(...last.objects);
  }
  return items;
}

/** Every flavor matching `filter`, given its first page. */
export function completeFlavorList(
  door: KalturaDoor,
  filter: FlavorFilter,
  firstPage: ListPage<FlavorAsset>,
): Promise<FlavorAsset[]> {
  return completeList(door, firstPage, (page) => ({ request: flavorListRequest(filter, page), check: asFlavorPage }));
}

function isLastPage(page: ListPage<unknown>, collected: number): boolean {
  return page.objects.length < MAX_PAGE_SIZE || collected >= page.totalCount;
}
