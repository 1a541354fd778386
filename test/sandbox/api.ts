/**
 * The sandbox's api_v3 actions (media.get, media.list, flavorAsset.list, flavorAsset.getUrl,
 * session.start, and the App Token and widget-session actions of app-tokens.ts) over the
 * fixtures, with Kaltura's checks: KS signature, expiry on Kaltura's clock, revocation, partner
 * isolation, list defaults and what a USER session may list, access control, remote-only files.
 */
import { signKsV2 } from '../../src/kaltura/ks.js';
import { createAppTokens, type SandboxAppToken } from './app-tokens.js';
import { checkKs, ksPartnerId, type ParsedKs } from './ks.js';
import { categoryFields, createLibrary, inCategoryTree } from './library.js';
import {
  ENTRY_BY_ID,
  fileLength,
  listedByDefault,
  PARTNERS,
  type FixtureEntry,
  type FixtureFlavor,
} from './fixtures.js';
import { Die, errors, filterEntryIds, kalturaObject, type Json, type Params } from './wire.js';

/** What the actions read of the running sandbox. */
export interface ApiState {
  baseUrl(): string;
  /** Kaltura's clock, unix seconds (the host's, moved by the configured skew). */
  now(): number;
  /** Entries added for one run (the bench's big file), on top of the fixtures. */
  extraEntries: FixtureEntry[];
  /** Every KS presented or issued so far, and those revoked. */
  seen: Set<string>;
  revoked: Set<string>;
  /** Every KS the sandbox issued, with the action that issued it. */
  issued: Map<string, string>;
  /** App Tokens by id, of every partner. */
  tokens: Map<string, SandboxAppToken>;
  /** Flavors whose file was replaced since the sandbox started: their new version, time and length. */
  replaced: Map<string, Replacement>;
}

/** A flavor's file as replaced (a new upload of the same rendition). */
export interface Replacement {
  version: number;
  updatedAt: number;
  bytes?: number;
}

/** A flavor as it is now: the fixture, with any replacement of its file applied. */
export function current(flavor: FixtureFlavor, replaced: Map<string, Replacement>): FixtureFlavor {
  const change = replaced.get(flavor.id);
  return change ? { ...flavor, ...change, size: change.bytes ? kbOf(change.bytes) : flavor.size } : flavor;
}

/** Kaltura's `size` of a file of `bytes`: trunc(round(bytes / 1024, 2)). */
export function kbOf(bytes: number): number {
  return Math.trunc(Math.round((bytes / 1024) * 100) / 100);
}

const MEDIA_LIST_MAX_IDS = 150;
const MAX_IN_VALUES = 500;

/** Kaltura's file-name rule (kString::keepOnlyValidUrlChars): anything else becomes `_`. */
export function keepOnlyValidUrlChars(name: string): string {
  return name.replace(/[^A-Za-z0-9\-._~!$()*+,;=:@]/g, '_');
}

function pager(params: Params): { pageSize: number; pageIndex: number } {
  const p = (params.pager ?? {}) as Params;
  const size = Number(p.pageSize ?? 30);
  const index = Number(p.pageIndex ?? 1);
  return {
    pageSize: Math.max(0, Math.min(500, Number.isFinite(size) ? size : 30)),
    pageIndex: Math.max(1, Number.isFinite(index) ? Math.floor(index) : 1),
  };
}

function page<T>(items: T[], params: Params): { objects: T[]; totalCount: number } {
  const { pageSize, pageIndex } = pager(params);
  const start = (pageIndex - 1) * pageSize;
  return { objects: items.slice(start, start + pageSize), totalCount: items.length };
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}_]+\*?/gu) ?? [];

/**
 * freeText as Kaltura's search engine reads it: whole words of the name, tags, description and
 * id; every word of a term must match (`abc*` matches a prefix of 3 letters or more); terms
 * separated by commas are alternatives.
 */
function matchesFreeText(entry: FixtureEntry, text: string): boolean {
  const have = new Set(words(`${entry.name} ${entry.tags.replace(/,/g, ' ')} ${entry.description} ${entry.id}`));
  const matchesWord = (word: string) =>
    word.endsWith('*') && word.length > 3
      ? [...have].some((w) => w.startsWith(word.slice(0, -1)))
      : have.has(word.replace(/\*$/, ''));
  return text.split(',').some((term) => {
    const wanted = words(term);
    return wanted.length > 0 && wanted.every(matchesWord);
  });
}

/** The api_v3 actions over the fixtures and `state`. */
export function createApi(state: ApiState) {
  const appTokens = createAppTokens(state);
  const allEntries = () => [...ENTRY_BY_ID.values(), ...state.extraEntries];
  const entryById = (id: string) => ENTRY_BY_ID.get(id) ?? state.extraEntries.find((e) => e.id === id);
  /** The entry, if the session's partner owns it. */
  const library = createLibrary({
    baseUrl: state.baseUrl,
    entriesOf: (partnerId) => allEntries().filter((e) => e.partnerId === partnerId),
  });
  const visibleEntry = (id: string, ks: ParsedKs) => {
    const e = entryById(id);
    return e && e.partnerId === ks.partnerId ? e : undefined;
  };

  const entryJson = (e: FixtureEntry): Json => {
    const base = `${state.baseUrl()}/p/${e.partnerId}/sp/${e.partnerId}00`;
    // Every entry type but video and audio is downloaded at its raw URL, naming its data version.
    const rawVersion = e.data?.version ?? (e.type === 10 ? '100000' : '0');
    const raw = `${base}/raw/entry_id/${e.id}/version/${rawVersion}`;
    const common = {
      id: e.id,
      name: e.name,
      description: e.description,
      partnerId: e.partnerId,
      userId: e.ownerId,
      tags: e.tags,
      ...categoryFields(e),
      status: e.status,
      moderationStatus: e.moderationStatus,
      type: e.type,
      createdAt: e.createdAt,
      updatedAt: e.createdAt + 500,
      thumbnailUrl: e.noThumbnail ? undefined : `${base}/thumbnail/entry_id/${e.id}/version/100002`,
      accessControlId: e.restricted ? 7001 : 7000,
    };
    if (e.type === 10) {
      // A KalturaDocumentEntry: the base fields, its document type, no media fields.
      return kalturaObject('KalturaDocumentEntry', {
        documentType: e.documentType ?? 11,
        assetParamsIds: e.flavors.map((f) => f.flavorParamsId).join(','),
        ...common,
        downloadUrl: raw,
        version: rawVersion,
      });
    }
    const video = e.mediaType === 1 || e.mediaType === 5;
    return kalturaObject('KalturaMediaEntry', {
      mediaType: e.mediaType,
      sourceType: '1',
      dataUrl: video
        ? `${base}/playManifest/entryId/${e.id}/format/url/protocol/http`
        : `${base}/thumbnail/entry_id/${e.id}/def_height/480/def_width/640/version/${rawVersion}/type/1`,
      flavorParamsIds: e.flavors.map((f) => f.flavorParamsId).join(','),
      plays: e.plays,
      views: e.views,
      width: e.width ?? e.flavors[0]?.width ?? 0,
      height: e.height ?? e.flavors[0]?.height ?? 0,
      duration: e.duration,
      msDuration: e.duration * 1000,
      ...common,
      downloadUrl: video ? `${base}/playManifest/entryId/${e.id}/format/download/protocol/http/flavorParamIds/0` : raw,
      // Entries with data name its version (a string); the others answer the number 0.
      version: e.data ? e.data.version : 0,
    });
  };

  const flavorJson = (e: FixtureEntry, fixture: FixtureFlavor): Json => {
    const f = current(fixture, state.replaced);
    const bytes = fileLength(f);
    return kalturaObject('KalturaFlavorAsset', {
      flavorParamsId: f.flavorParamsId,
      width: f.width,
      height: f.height,
      bitrate: f.bitrate,
      frameRate: 29.97,
      isOriginal: f.isOriginal,
      isWeb: f.tags.includes('web'),
      containerFormat: 'isom',
      videoCodecId: e.mediaType === 5 ? '' : 'avc1',
      status: f.status,
      language: 'Undefined',
      isDefault: false,
      id: f.id,
      entryId: e.id,
      partnerId: e.partnerId,
      // A string on the wire, as Kaltura's asset version is.
      version: String(f.version),
      size: f.size,
      tags: f.tags,
      fileExt: f.fileExt,
      createdAt: e.createdAt + 10,
      updatedAt: f.updatedAt,
      description: '',
      // Older assets never had it recorded: 0.
      sizeInBytes: f.legacySize || bytes === undefined ? 0 : bytes,
    });
  };

  /** A time-limited URL token, as a delivery profile's KS tokenizer adds one. */
  const urlToken = (e: FixtureEntry) =>
    signKsV2({
      adminSecret: partnerOf(e.partnerId)!.adminSecret,
      partnerId: e.partnerId,
      userId: '',
      type: 0,
      privileges: `disableentitlementforentry:${e.id},sview:${e.id}`,
      expiresAt: state.now() + 600,
    });

  /** The session of a request: verified with its partner's admin secret, on Kaltura's clock. */
  const requireKs = (service: string, action: string, params: Params): ParsedKs => {
    const ks = typeof params.ks === 'string' ? params.ks : '';
    if (!ks) throw errors.forbidden(service, action);
    const partner = partnerOf(ksPartnerId(ks));
    if (!partner) throw errors.invalidKs(ks);
    const check = checkKs(ks, partner.adminSecret, state.now());
    if (!check.ok) throw errors.invalidKs(check.reason === 'EXPIRED' ? 'EXPIRED' : ks);
    if (state.revoked.has(ks) || appTokens.isEnded(check.ks)) throw errors.invalidKs('LOGOUT');
    state.seen.add(ks);
    return check.ks;
  };

  const startSession = (params: Params): string => {
    const partner = partnerOf(Number(params.partnerId));
    if (!partner) throw errors.partnerBlocked();
    const secret = String(params.secret ?? '');
    const type = Number(params.type ?? 0);
    const accepted = type >= 2 ? [partner.adminSecret] : [partner.adminSecret, partner.userSecret];
    if (!accepted.includes(secret)) throw errors.startSession(String(partner.id));
    const ks = signKsV2({
      adminSecret: partner.adminSecret,
      partnerId: partner.id,
      userId: String(params.userId ?? ''),
      type,
      privileges: String(params.privileges ?? ''),
      expiresAt: state.now() + Math.min(Number(params.expiry ?? 86400), 86400),
    });
    state.seen.add(ks);
    state.issued.set(ks, 'session.start');
    return ks;
  };

  /**
   * `media.list` (media clips only) and `baseEntry.list` (every type, or `typeIn`), with the
   * filters this project sends: freeText, mediaTypeEqual, statusIn, idIn, categoryAncestorIdIn.
   */
  const listEntries = (params: Params, ks: ParsedKs, service: 'media' | 'baseentry'): Json => {
    const filter = (params.filter ?? {}) as Params;
    const text = typeof filter.freeText === 'string' ? filter.freeText : '';
    const types =
      service === 'media'
        ? [1]
        : typeof filter.typeIn === 'string' && filter.typeIn !== ''
          ? filter.typeIn.split(',').map(Number)
          : undefined;
    // An empty filter leaves the listing unfiltered; unknown ids match nothing.
    const ancestors =
      typeof filter.categoryAncestorIdIn === 'string' && filter.categoryAncestorIdIn !== ''
        ? filter.categoryAncestorIdIn.split(',').filter(Boolean).map(Number)
        : undefined;
    const type = filter.mediaTypeEqual === undefined ? undefined : Number(filter.mediaTypeEqual);
    const statuses = typeof filter.statusIn === 'string' ? filter.statusIn.split(',').map(Number) : undefined;
    const ids =
      typeof filter.idIn === 'string' ? filter.idIn.split(',').filter(Boolean).slice(0, MEDIA_LIST_MAX_IDS) : undefined;
    // A session that is not ADMIN and lacks `list:*` lists only its own user's entries.
    const ownOnly = ks.type < 2 && !mayListAll(ks);
    const matches = allEntries().filter(
      (e) =>
        e.partnerId === ks.partnerId &&
        // KalturaMediaEntryFilter lists media clips only: never documents.
        (!types || types.includes(e.type)) &&
        (!ancestors || inCategoryTree(e, ancestors)) &&
        (!ownOnly || e.ownerId === ks.userId) &&
        // Without a status filter Kaltura lists READY, moderation-approved entries only.
        (statuses ? statuses.includes(e.status) : listedByDefault(e)) &&
        (!ids || ids.includes(e.id)) &&
        (!text || matchesFreeText(e, text)) &&
        (type === undefined || e.mediaType === type),
    );
    const result = page(matches, params);
    return kalturaObject(service === 'media' ? 'KalturaMediaListResponse' : 'KalturaBaseEntryListResponse', {
      objects: result.objects.map(entryJson),
      totalCount: result.totalCount,
    });
  };

  const listFlavors = (params: Params, ks: ParsedKs): Json => {
    const filter = (params.filter ?? {}) as Params;
    const ids = filterEntryIds(filter, MAX_IN_VALUES);
    if (ids === undefined) throw errors.entryFilterNull();
    let pairs = ids.flatMap((id) => {
      const e = visibleEntry(id, ks);
      return e ? e.flavors.map((f) => ({ e, f })) : [];
    });
    if (typeof filter.statusIn === 'string') {
      const statuses = filter.statusIn.split(',').map(Number);
      pairs = pairs.filter(({ f }) => statuses.includes(f.status));
    }
    if (filter.flavorParamsIdEqual !== undefined) {
      pairs = pairs.filter(({ f }) => f.flavorParamsId === Number(filter.flavorParamsIdEqual));
    }
    if (filter.orderBy === '-size' || filter.orderBy === '+size') {
      const sign = filter.orderBy === '-size' ? -1 : 1;
      pairs = [...pairs].sort((a, b) => sign * ((a.f.size ?? 0) - (b.f.size ?? 0)));
    }
    const result = page(pairs, params);
    return kalturaObject('KalturaFlavorAssetListResponse', {
      objects: result.objects.map(({ e, f }) => flavorJson(e, f)),
      totalCount: result.totalCount,
    });
  };

  const flavorUrl = (params: Params, ks: ParsedKs): Json => {
    const id = typeof params.id === 'string' ? params.id : '';
    const found = findFlavor(id);
    if (!found || found.entry.partnerId !== ks.partnerId) throw errors.flavorNotFound(id);
    const { entry: e, flavor: f } = found;
    if (f.status !== 2 && f.status !== 9) throw errors.notReady();
    // Access control (download context): ADMIN sessions and download:* / download:<entry> pass
    // (several values of one privilege are joined with `/`).
    const downloads = ks.privileges.filter((p) => p.startsWith('download:')).flatMap((p) => p.slice(9).split('/'));
    const mayDownload = ks.type >= 2 || downloads.includes('*') || downloads.includes(e.id);
    if (e.restricted && !mayDownload) throw new Die(3, 'entry restricted due to access-control');
    // No delivery profile serves a file kept only on remote storage.
    if (f.remoteOnly) return null;
    const ext = f.fileExt ?? 'mp4';
    const base = `${state.baseUrl()}/p/${e.partnerId}/sp/${e.partnerId}00`;
    // Entries other than media clips (documents) take the legacy download path.
    if (e.type !== 1) return `${base}/download/entry_id/${e.id}/flavor/${f.id}`;
    const options = (params.options ?? {}) as Params;
    // options.fileName goes into the URL exactly as given; only the default name is cleaned.
    const fileName =
      typeof options.fileName === 'string' && options.fileName
        ? options.fileName
        : `${keepOnlyValidUrlChars(`${e.name} (${f.paramsName})`)}.${ext}`;
    return (
      `${base}/serveFlavor/entryId/${e.id}/v/${f.version}/flavorId/${f.id}` +
      `/fileName/${fileName}/ks/${urlToken(e)}/name/a.${ext}`
    );
  };

  const findFlavor = (id: string) => {
    for (const entry of allEntries()) {
      const flavor = entry.flavors.find((x) => x.id === id);
      if (flavor) return { entry, flavor: current(flavor, state.replaced) };
    }
    return undefined;
  };

  /** Runs one action; throws an ApiError (its slot's answer) or a Die (the whole HTTP answer's). */
  const dispatch = (service: string, action: string, params: Params): Json => {
    if (service === 'session' && action === 'start') return startSession(params);
    if (service === 'session' && action === 'startwidgetsession') return appTokens.startWidgetSession(params);
    const known = ['media', 'baseentry', 'flavorasset', 'session', 'apptoken', 'category', 'caption_captionasset'];
    if (!known.includes(service)) throw errors.noService(service);
    const ks = requireKs(service, action, params);
    if (service === 'apptoken') return appTokens.dispatch(action, params, ks);
    switch (`${service}.${action}`) {
      case 'media.get':
      case 'baseentry.get': {
        const id = params.entryId;
        if (typeof id !== 'string' || id === '') throw errors.missing('entryId');
        const e = visibleEntry(id, ks);
        // media.get knows media clips only: a document is "not found" there, as on the real server.
        if (!e || (service === 'media' && e.type !== 1)) throw errors.entryNotFound(id);
        return entryJson(e);
      }
      case 'media.list':
      case 'baseentry.list':
        return listEntries(params, ks, service as 'media' | 'baseentry');
      case 'category.get':
        return library.getCategory(params, ks.partnerId);
      case 'caption_captionasset.list':
        return library.listCaptions(params, ks.partnerId, page);
      case 'caption_captionasset.geturl':
        return library.captionUrl(params, ks.partnerId);
      case 'flavorasset.list':
        return listFlavors(params, ks);
      case 'flavorasset.geturl':
        return flavorUrl(params, ks);
      default:
        throw errors.noAction(action, service);
    }
  };

  /** The caption a serve URL names (the serve action needs no KS, so any partner's). */
  const captionById = (id: string) =>
    library.captionById(
      id,
      PARTNERS.map((p) => p.id),
    );

  return { dispatch, findFlavor, entryById, captionById, addAppToken: appTokens.add };
}

/** `list:*` (or every privilege, `*`): Kaltura lets the session list every entry, not only its user's. */
function mayListAll(ks: ParsedKs): boolean {
  return ks.privileges.some(
    (p) => p === '*' || p === 'all:*' || (p.startsWith('list:') && p.slice(5).split('/').includes('*')),
  );
}

/** A partner of the sandbox, by id. */
export function partnerOf(id: number | undefined) {
  return PARTNERS.find((p) => p.id === id);
}
