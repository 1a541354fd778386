/**
 * The Kaltura requests for saving a library: a category, the entries in it or below it (or
 * matching a search), and caption assets. Built with kaltura-client's generated services, from
 * plain objects carrying `objectType`, as requests.ts builds the others.
 */
import type { KalturaRequest } from './connection.js';
import { invalidResponse } from './errors.js';
import { asListPage, MAX_PAGE_SIZE } from './requests.js';
import type { CaptionAsset, ListPage, MediaEntry } from './types.js';

/** `category.get(id)`: fails with CATEGORY_NOT_FOUND for an id that is not the partner's. */
export const categoryGetRequest =
  (id: number): KalturaRequest =>
  ({ services }) =>
    services.category.get(id);

/** Filter for `baseEntry.list`, as a library selection uses it. */
export interface EntryFilter {
  /** Entries in these categories or anywhere below them (comma-separated ids). */
  categoryAncestorIdIn?: string;
  freeText?: string;
  mediaTypeEqual?: number;
  /** KalturaEntryType codes, comma-separated: media clips and documents. */
  typeIn?: string;
}

/** `baseEntry.list(filter, pager)`: entries of every type the filter names, each as its own object. */
export const baseEntryListRequest =
  (filter: EntryFilter, pageIndex: number, pageSize = MAX_PAGE_SIZE): KalturaRequest =>
  ({ services }) =>
    services.baseEntry.listAction(
      { objectType: 'KalturaBaseEntryFilter', ...filter },
      { objectType: 'KalturaFilterPager', pageSize, pageIndex },
    );

/** Checks a `baseEntry.list` or `media.list` answer. */
export function asEntryPage(value: unknown): ListPage<MediaEntry> {
  return asListPage<MediaEntry>(value, 'baseEntry.list', 'entry');
}

/** `caption_captionasset.list(filter, pager)` for the entries `entryIdIn` (comma-separated): every status but deleted. */
export const captionListRequest =
  (entryIdIn: string, pageIndex = 1, pageSize = MAX_PAGE_SIZE): KalturaRequest =>
  ({ services }) =>
    services.captionAsset.listAction(
      { objectType: 'KalturaCaptionAssetFilter', entryIdIn },
      { objectType: 'KalturaFilterPager', pageSize, pageIndex },
    );

/** Checks a `caption_captionasset.list` answer. */
export function asCaptionPage(value: unknown): ListPage<CaptionAsset> {
  return asListPage<CaptionAsset>(value, 'captionAsset.list', 'caption');
}

/** `caption_captionasset.getUrl(id)`: the URL of a READY caption's file. */
export const captionUrlRequest =
  (captionId: string): KalturaRequest =>
  ({ services }) =>
    services.captionAsset.getUrl(captionId);

/** Checks a `caption_captionasset.getUrl` answer: an http(s) URL. */
export function asCaptionUrl(value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value)) {
    throw invalidResponse('captionAsset.getUrl did not return a URL');
  }
  return value;
}
