/**
 * A Kaltura answered in-process, for the tools' own tests (src/tools/*.test.ts): a `KalturaDoor`
 * over a few entries the test states. Each request is built with kaltura-client's real services,
 * so it carries exactly the parameters that would go on the wire; a multirequest's
 * `{N:result:…}` references are resolved as Kaltura resolves them (test/sandbox/wire.ts); each
 * action answers the way Kaltura does (the defaults below, a small subset of what the sandbox
 * does over HTTP), unless the test replaces it. Every round trip is recorded.
 *
 * This is the fast check of a tool's rules, not the proof: the end-to-end tests run the built
 * server against the sandbox over real HTTP.
 */
import type { RequestBuilder } from 'kaltura-client/KalturaClientBase.js';
import type { KalturaDoor, MultiResult } from '../../src/kaltura/client-manager.js';
import type { KalturaRequest } from '../../src/kaltura/connection.js';
import { asKalturaError, KalturaDied, KalturaError } from '../../src/kaltura/errors.js';
import { resolveReferences, type Json } from '../sandbox/wire.js';

type Services = typeof import('kaltura-client/KalturaServices.js');
const servicesModule = await import('kaltura-client/KalturaServices.js');
const services = ((servicesModule as unknown as { default?: Services }).default ?? servicesModule) as Services;

type Params = Record<string, unknown>;

/** A flavor (rendition) as a test states it; Kaltura's defaults fill the rest. */
export interface FakeFlavor {
  id: string;
  /** 2 READY (the default), 0 QUEUED, 1 CONVERTING, 4 NOT_APPLICABLE, -1 ERROR… */
  status?: number;
  isOriginal?: boolean;
  width?: number;
  height?: number;
  /** kbps */
  bitrate?: number;
  fileExt?: string;
  /** KB, as Kaltura counts it. */
  size?: number;
  sizeInBytes?: number;
  flavorParamsId?: number;
  /** Only Kaltura knows it; `getUrl` answers null (the file is not served). */
  notServed?: boolean;
}

/** An entry as a test states it: its fields as Kaltura names them, and its flavors. */
export interface FakeEntry {
  id: string;
  name?: string;
  /** 1 media clip (the default), 10 document, 6 data. */
  type?: number;
  /** 1 video (the default for media clips), 2 image, 5 audio. */
  mediaType?: number;
  flavors?: FakeFlavor[];
  [field: string]: unknown;
}

/** One request as Kaltura received it. */
export interface FakeRequest {
  /** `service.action` as kaltura-client names them, e.g. `flavorasset.geturl`. */
  action: string;
  params: Params;
}

/** What an action does with a request: its answer, or a thrown {@link KalturaError}. */
export type FakeAction = (params: Params) => unknown;

/** Kaltura's own error for one request (a KalturaAPIException), read as the real door reads one. */
export const kalturaException = (code: string, message: string): KalturaError =>
  asKalturaError({ objectType: 'KalturaAPIException', code, message }, { add: () => undefined, redact: (t) => t })!;

/** A Kaltura of `entries`, with `actions` replacing (or adding) the answers of some `service.action`s. */
export function fakeKaltura(
  entries: FakeEntry[],
  options: {
    actions?: Record<string, FakeAction>;
    legacyReferences?: boolean;
    /** Where flavorAsset.getUrl's URLs point (a test's own file server), instead of https://cdn.example.com. */
    filesAt?: string;
  } = {},
) {
  const roundTrips: FakeRequest[][] = [];
  const actions = new Map<string, FakeAction>(Object.entries(defaultActions(entries, options.filesAt)));
  for (const [name, action] of Object.entries(options.actions ?? {})) actions.set(name.toLowerCase(), action);

  /** Builds a request with the real services and answers it; a KalturaError is the request's failure. */
  const answer = (build: KalturaRequest, earlier: Json[], trip: FakeRequest[]): unknown => {
    const request: RequestBuilder = build({ services });
    const { format: _format, ...raw } = request.getData() as Params;
    const params = resolveReferences(raw, earlier, options.legacyReferences) as Params;
    const name = `${request.service}.${request.action}`.toLowerCase();
    trip.push({ action: name, params });
    const action = actions.get(name);
    if (!action) throw kalturaException('SERVICE_DOES_NOT_EXISTS', `The fake Kaltura has no ${name}`);
    return action(params);
  };

  const door: KalturaDoor = {
    async call(build) {
      const trip: FakeRequest[] = [];
      roundTrips.push(trip);
      return answer(build, [], trip);
    },
    async multi(builds) {
      const trip: FakeRequest[] = [];
      roundTrips.push(trip);
      const earlier: Json[] = [];
      return builds.map((build): MultiResult => {
        try {
          const value = answer(build, earlier, trip);
          earlier.push(value as Json);
          return { ok: true, value };
        } catch (error) {
          // A "die" loses the whole answer, every slot with it.
          if (error instanceof KalturaDied || !(error instanceof KalturaError)) throw error;
          earlier.push({ objectType: 'KalturaAPIException', code: error.code, message: error.message });
          return { ok: false, error };
        }
      });
    },
  };
  return {
    door,
    /** Every round trip so far (a multirequest is one), each the requests it carried. */
    roundTrips,
    /** The `service.action` of every request so far, in order. */
    actions: () => roundTrips.flat().map((r) => r.action),
  };
}

const READY = 2;
const DEFAULT_PAGE_SIZE = 30;

/** The answers Kaltura gives, over `entries`. */
function defaultActions(entries: FakeEntry[], filesAt = 'https://cdn.example.com'): Record<string, FakeAction> {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const flavors = entries.flatMap((e) => (e.flavors ?? []).map((f) => ({ entry: e, flavor: f })));
  const entryOf = (params: Params, mediaOnly: boolean) => {
    const id = String(params.entryId ?? '');
    const entry = byId.get(id);
    // media.get knows media clips only: a document is "not found" there.
    if (!entry || (mediaOnly && (entry.type ?? 1) !== 1)) {
      throw kalturaException('ENTRY_ID_NOT_FOUND', `Entry id "${id}" not found`);
    }
    return entryJson(entry);
  };
  return {
    'baseentry.get': (params) => entryOf(params, false),
    'media.get': (params) => entryOf(params, true),
    'media.list': (params) => {
      const filter = (params.filter ?? {}) as Params;
      const text = String(filter.freeText ?? '').toLowerCase();
      const matches = entries.filter(
        (e) =>
          (e.type ?? 1) === 1 &&
          (filter.mediaTypeEqual === undefined || (e.mediaType ?? 1) === Number(filter.mediaTypeEqual)) &&
          (!text ||
            `${e.name ?? ''} ${String(e.tags ?? '')} ${String(e.description ?? '')}`.toLowerCase().includes(text)),
      );
      return page(matches.map(entryJson), params);
    },
    'flavorasset.list': (params) => {
      const filter = (params.filter ?? {}) as Params;
      const ids = String(filter.entryIdEqual || filter.entryIdIn || '')
        .split(',')
        .filter(Boolean);
      if (ids.length === 0) {
        throw kalturaException('MUST_FILTER_ON_ENTRY_ID', 'Must filter on entry id');
      }
      let found = flavors.filter(({ entry }) => ids.includes(entry.id));
      if (typeof filter.statusIn === 'string') {
        const statuses = filter.statusIn.split(',').map(Number);
        found = found.filter(({ flavor }) => statuses.includes(flavor.status ?? READY));
      }
      if (filter.flavorParamsIdEqual !== undefined) {
        found = found.filter(({ flavor }) => paramsIdOf(flavor) === Number(filter.flavorParamsIdEqual));
      }
      if (filter.orderBy === '-size' || filter.orderBy === '+size') {
        const sign = filter.orderBy === '-size' ? -1 : 1;
        found = [...found].sort((a, b) => sign * ((a.flavor.size ?? 0) - (b.flavor.size ?? 0)));
      }
      return page(
        found.map(({ entry, flavor }) => flavorJson(entry, flavor)),
        params,
      );
    },
    'caption_captionasset.list': (params) => {
      const filter = (params.filter ?? {}) as Params;
      const ids = String(filter.entryIdEqual || filter.entryIdIn || '')
        .split(',')
        .filter(Boolean);
      const captions = entries.flatMap((e) =>
        ids.includes(e.id) ? ((e.captions as Params[] | undefined) ?? []).map((c) => ({ entryId: e.id, ...c })) : [],
      );
      return page(
        captions.map((c) => ({ objectType: 'KalturaCaptionAsset', status: READY, ...c }) as Json),
        params,
      );
    },
    'flavorasset.geturl': (params) => {
      const id = String(params.id ?? '');
      const found = flavors.find(({ flavor }) => flavor.id === id);
      if (!found) throw kalturaException('FLAVOR_ASSET_ID_NOT_FOUND', `Flavor asset id "${id}" not found`);
      const { entry, flavor } = found;
      if (![READY, 9].includes(flavor.status ?? READY)) {
        throw kalturaException('FLAVOR_ASSET_IS_NOT_READY', 'The flavor asset is not ready');
      }
      if (flavor.notServed) return null;
      const options = (params.options ?? {}) as Params;
      const name = typeof options.fileName === 'string' && options.fileName ? `/fileName/${options.fileName}` : '';
      return `${filesAt}/p/1/serveFlavor/entryId/${entry.id}/flavorId/${flavor.id}${name}/ks/TOKEN/name/a.${flavor.fileExt ?? 'mp4'}`;
    },
  };
}

/** The original's flavor params id is 0; the others get one of their own. */
function paramsIdOf(flavor: FakeFlavor): number {
  return flavor.flavorParamsId ?? (flavor.isOriginal ? 0 : 100 + (flavor.height ?? 0));
}

function entryJson(entry: FakeEntry): Json {
  const { flavors: _flavors, ...fields } = entry;
  const type = entry.type ?? 1;
  return {
    objectType: type === 10 ? 'KalturaDocumentEntry' : 'KalturaMediaEntry',
    type,
    ...(type === 1 ? { mediaType: 1 } : {}),
    name: entry.id,
    ...fields,
  } as Json;
}

function flavorJson(entry: FakeEntry, flavor: FakeFlavor): Json {
  const { notServed: _notServed, ...fields } = flavor;
  return {
    objectType: 'KalturaFlavorAsset',
    entryId: entry.id,
    status: READY,
    isOriginal: false,
    flavorParamsId: paramsIdOf(flavor),
    version: '1',
    ...fields,
  } as Json;
}

/** One page of `items`, by the request's pager (Kaltura's default page is 30). */
function page(items: Json[], params: Params): Json {
  const pager = (params.pager ?? {}) as Params;
  const size = Math.min(500, Number(pager.pageSize ?? DEFAULT_PAGE_SIZE));
  const index = Math.max(1, Number(pager.pageIndex ?? 1));
  return { objects: items.slice((index - 1) * size, index * size), totalCount: items.length };
}
