/**
 * The sandbox's categories and caption assets, as Kaltura's server keeps them
 * (docs/kaltura-wire.md, "Categories" and "Caption assets"):
 * - `category.get`, with CATEGORY_NOT_FOUND;
 * - the entry filter `categoryAncestorIdIn`: entries in a category itself or anywhere below it
 *   (an unknown id matches nothing, without an error);
 * - `caption_captionasset.list` (entryIdEqual or entryIdIn is mandatory; every status but
 *   deleted is listed) and `getUrl` (CAPTION_ASSET_IS_NOT_READY with its "N/A" argument for a
 *   caption still queued), whose serve URLs answer with the caption's text;
 * - the caption's `format` as the string its type enum holds, its `size` in bytes.
 */
import { CATEGORIES, type FixtureCaption, type FixtureCategory, type FixtureEntry } from './fixtures.js';
import { ApiError, filterEntryIds, kalturaObject, type Json, type Params } from './wire.js';

/** The file extension Kaltura gives a caption of each format ("1" SRT, "2" DFXP, "3" WEBVTT). */
export const CAPTION_EXTENSIONS: Record<FixtureCaption['format'], string> = { '1': 'srt', '2': 'dfxp', '3': 'vtt' };

const category = (id: number) => CATEGORIES.find((c) => c.id === id);

/** The ids from the root down to `id`: Kaltura's `fullIds`. */
export function categoryPath(id: number): number[] {
  const path: number[] = [];
  for (let c = category(id); c; c = c.parentId ? category(c.parentId) : undefined) path.unshift(c.id);
  return path;
}

/** Whether `entry` is in one of `ancestorIds` itself or in a category below one (`categoryAncestorIdIn`). */
export function inCategoryTree(entry: FixtureEntry, ancestorIds: number[]): boolean {
  return (entry.categoryIds ?? [101]).some((id) => categoryPath(id).some((p) => ancestorIds.includes(p)));
}

/** The `categories` and `categoriesIds` fields of an entry: full names and ids, comma-separated. */
export function categoryFields(entry: FixtureEntry): { categories: string; categoriesIds: string } {
  const ids = entry.categoryIds ?? [101];
  const fullName = (id: number) =>
    categoryPath(id)
      .map((p) => category(p)!.name)
      .join('>');
  return { categories: ids.map(fullName).join(','), categoriesIds: ids.join(',') };
}

function categoryJson(c: FixtureCategory, entries: FixtureEntry[]): Json {
  const path = categoryPath(c.id);
  const direct = entries.filter((e) => (e.categoryIds ?? [101]).includes(c.id)).length;
  const below = entries.filter((e) => inCategoryTree(e, [c.id])).length;
  return kalturaObject('KalturaCategory', {
    id: c.id,
    parentId: c.parentId,
    depth: path.length - 1,
    partnerId: c.partnerId,
    name: c.name,
    fullName: path.map((p) => category(p)!.name).join('>'),
    fullIds: path.join('>'),
    entriesCount: below,
    directEntriesCount: direct,
    createdAt: 1717000000,
    updatedAt: 1717000000,
    appearInList: 1,
    privacy: 1,
    inheritanceType: 2,
    userJoinPolicy: 3,
    defaultPermissionLevel: 3,
    contributionPolicy: 1,
    status: 2,
    directSubCategoriesCount: CATEGORIES.filter((x) => x.parentId === c.id).length,
  });
}

/** The text of a caption's file: a few cues in its own format, deterministic per caption. */
export function captionText(caption: FixtureCaption): string {
  const lines = [`Hello from ${caption.id}`, `(${caption.label})`, 'The end.'];
  if (caption.format === '3') {
    return `WEBVTT\n\n${lines.map((l, i) => `00:00:0${i}.000 --> 00:00:0${i + 1}.000\n${l}\n`).join('\n')}`;
  }
  if (caption.format === '2') {
    const body = lines.map((l, i) => `<p begin="0${i}.000s" end="0${i + 1}.000s">${l}</p>`).join('');
    return `<?xml version="1.0" encoding="utf-8"?><tt xmlns="http://www.w3.org/ns/ttml" xml:lang="${caption.languageCode}"><body><div>${body}</div></body></tt>`;
  }
  return lines.map((l, i) => `${i + 1}\n00:00:0${i},000 --> 00:00:0${i + 1},000\n${l}\n`).join('\n');
}

/** What the library actions need of the rest of the sandbox. */
export interface LibraryDeps {
  baseUrl(): string;
  /** The partner's entries (all of them: entries of other partners never show). */
  entriesOf(partnerId: number): FixtureEntry[];
}

const captionFilterNull = () =>
  new ApiError(
    'PROPERTY_VALIDATION_CANNOT_BE_NULL',
    'The property "KalturaCaptionAssetFilter::entryIdEqual/KalturaCaptionAssetFilter::entryIdIn" cannot be null',
    { PROP_NAME: 'KalturaCaptionAssetFilter::entryIdEqual/KalturaCaptionAssetFilter::entryIdIn' },
  );
const captionNotFound = (id: string) =>
  new ApiError('CAPTION_ASSET_ID_NOT_FOUND', `Caption asset id "${id}" not found`, { ASSET_ID: id });

/** The category and caption actions for one partner's session. */
export function createLibrary(deps: LibraryDeps) {
  const captionOf = (partnerId: number, id: string) => {
    for (const entry of deps.entriesOf(partnerId)) {
      const caption = entry.captions?.find((c) => c.id === id);
      if (caption) return { entry, caption };
    }
    return undefined;
  };

  const captionJson = (entry: FixtureEntry, c: FixtureCaption): Json =>
    kalturaObject('KalturaCaptionAsset', {
      captionParamsId: 0,
      language: c.language,
      languageCode: c.languageCode,
      isDefault: c.isDefault,
      label: c.label,
      format: c.format,
      status: c.status,
      accuracy: 100,
      displayOnPlayer: true,
      usage: 0,
      id: c.id,
      entryId: entry.id,
      partnerId: entry.partnerId,
      version: '1',
      // Captions keep their size in bytes (flavors keep KB).
      size: c.status === 2 ? Buffer.byteLength(captionText(c)) : 0,
      tags: '',
      fileExt: CAPTION_EXTENSIONS[c.format],
      createdAt: entry.createdAt + 20,
      updatedAt: entry.createdAt + 30,
      description: '',
      sizeInBytes: c.status === 2 ? Buffer.byteLength(captionText(c)) : 0,
    });

  return {
    /** `category.get(id)`. */
    getCategory(params: Params, partnerId: number): Json {
      const id = Number(params.id);
      const found = category(id);
      if (!found || found.partnerId !== partnerId) {
        throw new ApiError('CATEGORY_NOT_FOUND', `Category id "${String(params.id)}" not found`, {
          ID: String(params.id),
        });
      }
      return categoryJson(found, deps.entriesOf(partnerId));
    },

    /** `caption_captionasset.list(filter, pager)`: the captions of the entries named, in entry order. */
    listCaptions(
      params: Params,
      partnerId: number,
      page: <T>(items: T[], params: Params) => { objects: T[]; totalCount: number },
    ): Json {
      const filter = (params.filter ?? {}) as Params;
      const ids = filterEntryIds(filter, 500);
      if (ids === undefined) throw captionFilterNull();
      const entries = deps.entriesOf(partnerId);
      let pairs = ids.flatMap((id) => {
        const entry = entries.find((e) => e.id === id);
        return entry ? (entry.captions ?? []).map((c) => ({ entry, c })) : [];
      });
      if (typeof filter.statusIn === 'string') {
        const statuses = filter.statusIn.split(',').map(Number);
        pairs = pairs.filter(({ c }) => statuses.includes(c.status));
      }
      const result = page(pairs, params);
      return kalturaObject('KalturaCaptionAssetListResponse', {
        objects: result.objects.map(({ entry, c }) => captionJson(entry, c)),
        totalCount: result.totalCount,
      });
    },

    /** `caption_captionasset.getUrl(id)`: the serve URL, for a READY caption. */
    captionUrl(params: Params, partnerId: number): Json {
      const id = typeof params.id === 'string' ? params.id : '';
      const found = captionOf(partnerId, id);
      if (!found) throw captionNotFound(id);
      // Thrown without its argument, so Kaltura words it with "N/A".
      if (found.caption.status !== 2) {
        throw new ApiError('CAPTION_ASSET_IS_NOT_READY', 'Caption asset "N/A" is not ready', { ASSET_ID: 'N/A' });
      }
      return `${deps.baseUrl()}/api_v3/index.php/service/caption_captionAsset/action/serve/captionAssetId/${id}`;
    },

    /** The caption a serve URL names, of any partner (the serve action needs no KS). */
    captionById(id: string, partners: number[]) {
      for (const partnerId of partners) {
        const found = captionOf(partnerId, id);
        if (found) return found;
      }
      return undefined;
    },
  };
}
