/**
 * The Kaltura requests the tools make, built with kaltura-client's generated services, and the
 * shape checks for their answers. Filters and pagers are plain objects carrying `objectType`:
 * they serialise exactly as kaltura-client's model classes do, without loading its model file.
 */
import type { FlavorAsset } from '../flavors.js';
import type { KalturaCall } from './client-manager.js';
import { invalidResponse } from './errors.js';

/** Kaltura's largest page: `pageSize` is clamped to 500 server-side. */
export const MAX_PAGE_SIZE = 500;

/** `media.get(entryId)`. */
export const getMediaEntry =
  (entryId: string): KalturaCall =>
  ({ services }) =>
    services.media.get(entryId);

/** Filter for `media.list`. */
export interface MediaFilter {
  freeText?: string;
  mediaTypeEqual?: number;
}

/** `media.list(filter, pager)`. */
export const listMediaEntries =
  (filter: MediaFilter, pageIndex: number, pageSize: number): KalturaCall =>
  ({ services }) =>
    services.media.listAction(
      { objectType: 'KalturaMediaEntryFilter', ...filter },
      { objectType: 'KalturaFilterPager', pageSize, pageIndex },
    );

/** Filter for `flavorAsset.list`: the entry (or a `{N:result:...}` reference) plus extra conditions. */
export interface FlavorFilter {
  entryIdEqual?: string;
  entryIdIn?: string;
  statusEqual?: number;
  /** Comma-separated statuses, e.g. `2,9`. */
  statusIn?: string;
  flavorParamsIdEqual?: number;
}

/** `flavorAsset.list(filter, pager)`, one page of up to 500 flavors. */
export const listFlavorAssets =
  (filter: FlavorFilter, pageIndex = 1, pageSize = MAX_PAGE_SIZE): KalturaCall =>
  ({ services }) =>
    services.flavorAsset.listAction(
      { objectType: 'KalturaFlavorAssetFilter', ...filter },
      { objectType: 'KalturaFilterPager', pageSize, pageIndex },
    );

/** `flavorAsset.getUrl(id)`; `fileName` names the downloaded file. */
export const getFlavorUrl =
  (flavorId: string, fileName?: string): KalturaCall =>
  ({ services }) =>
    services.flavorAsset.getUrl(
      flavorId,
      null,
      false,
      fileName ? { objectType: 'KalturaFlavorAssetUrlOptions', fileName } : null,
    );

/** The entry fields get_download_url reads. */
export interface MediaEntry {
  id: string;
  name?: string;
  [field: string]: unknown;
}

/** One page of `media.list`. */
export interface MediaPage {
  objects: MediaEntry[];
  totalCount: number;
}

/** One page of `flavorAsset.list`. */
export interface FlavorPage {
  objects: FlavorAsset[];
  totalCount: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a `media.get` answer. */
export function asMediaEntry(value: unknown): MediaEntry {
  if (!isRecord(value) || typeof value.id !== 'string') throw invalidResponse('media.get did not return an entry');
  return value as MediaEntry;
}

/** Checks a `media.list` answer. */
export function asMediaPage(value: unknown): MediaPage {
  return asListPage<MediaEntry>(value, 'media.list', 'entry');
}

/** Checks a `flavorAsset.list` answer. */
export function asFlavorPage(value: unknown): FlavorPage {
  return asListPage<FlavorAsset>(value, 'flavorAsset.list', 'flavor');
}

/** A `*.list` answer: `objects` (each with a string `id`) and `totalCount`. */
function asListPage<T extends { id: string }>(
  value: unknown,
  action: string,
  item: string,
): { objects: T[]; totalCount: number } {
  if (!isRecord(value) || !Array.isArray(value.objects)) throw invalidResponse(`${action} did not return a list`);
  const objects = value.objects.filter((o): o is T => isRecord(o) && typeof o.id === 'string');
  if (objects.length !== value.objects.length) throw invalidResponse(`${action} returned a malformed ${item}`);
  const totalCount = typeof value.totalCount === 'number' ? value.totalCount : objects.length;
  return { objects, totalCount };
}

/** Checks a `flavorAsset.getUrl` answer: an http(s) URL. */
export function asDownloadUrl(value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value)) {
    throw invalidResponse('flavorAsset.getUrl did not return a URL');
  }
  return value;
}
