/**
 * The sandbox Kaltura: a real HTTP server on 127.0.0.1 speaking api_v3's wire format
 * (docs/kaltura-wire.md) for the calls this project makes, with a request log and fault injection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { signKsV2 } from '../../src/kaltura/ks.js';
import { checkKs } from './ks.js';
import {
  ENTRIES,
  ENTRY_BY_ID,
  SANDBOX_ADMIN_SECRET,
  SANDBOX_PARTNER_ID,
  type FixtureEntry,
  type FixtureFlavor,
} from './fixtures.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Params = Record<string, unknown>;

/** One sub-request as the sandbox saw it. */
export interface LoggedCall {
  service: string;
  action: string;
  params: Params;
}

/** One HTTP request as the sandbox saw it. */
export interface LoggedRequest {
  path: string;
  /** The raw body, for "nothing secret on the wire" checks. */
  body: string;
  multirequest: boolean;
  calls: LoggedCall[];
}

/** Ways to misbehave, as a real Kaltura or a proxy in front of it can. */
export type FaultKind =
  | 'http500'
  | 'http503'
  | 'html'
  | 'empty'
  | 'truncated'
  | 'reset'
  | 'hang'
  | 'garbage-json'
  /** Kaltura's INTERNAL_SERVERL_ERROR for the calls named by `action`, inside an otherwise normal answer. */
  | 'internal-error';

export interface Fault {
  kind: FaultKind;
  /** How many requests it affects; Infinity by default. */
  times?: number;
  /** How many requests to answer normally first; 0 by default. */
  skip?: number;
  /** For `internal-error`: the call it hits, as `service.action` in lower case (e.g. `flavorasset.geturl`). */
  action?: string;
}

export interface SandboxOptions {
  /** Delay before every answer, to model a network round trip. */
  latencyMs?: number;
  port?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL to use as KALTURA_SERVICE_URL. */
  url: string;
  readonly log: LoggedRequest[];
  /** Every sub-request, flattened, as `service.action`. */
  actions(): string[];
  clearLog(): void;
  /** Injects a fault into the next requests (all of them unless `times` is set). */
  setFault(fault: Fault | undefined): void;
  /** Makes every KS issued so far invalid (as `session.end` or a secret rotation would). */
  revokeSessions(): void;
  setLatency(ms: number): void;
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections(): number;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly args: Record<string, string> | [] = [],
  ) {
    super(message);
  }
}

const errors = {
  entryNotFound: (id: string) => new ApiError('ENTRY_ID_NOT_FOUND', `Entry id "${id}" not found`, { ENTRY_ID: id }),
  flavorNotFound: (id: string) =>
    new ApiError('FLAVOR_ASSET_ID_NOT_FOUND', `Flavor asset id "${id}" not found`, { ID: id }),
  notReady: () => new ApiError('FLAVOR_ASSET_IS_NOT_READY', 'The flavor asset is not ready'),
  invalidKs: (ksid: string) =>
    new ApiError('INVALID_KS', `Invalid KS "${ksid}", Error "-1,INVALID_STR"`, {
      KSID: ksid,
      ERR_CODE: '-1',
      ERR_DESC: 'INVALID_STR',
    }),
  forbidden: (service: string, action: string) =>
    new ApiError('SERVICE_FORBIDDEN', `The access to service [${service}->${action}] is forbidden`, {
      SERVICE: `${service}->${action}`,
    }),
  startSession: (pid: string) =>
    new ApiError('START_SESSION_ERROR', `Error while starting session for partner [${pid}]`, { PID: pid }),
  missing: (name: string) =>
    new ApiError('MISSING_MANDATORY_PARAMETER', `Missing parameter "${name}"`, { PARAM_NAME: name }),
  noService: (service: string) =>
    new ApiError('SERVICE_DOES_NOT_EXISTS', `Service "${service}" does not exists`, { SRV_NAME: service }),
  noAction: (action: string, service: string) =>
    new ApiError('ACTION_DOES_NOT_EXISTS', `Action "${action}" does not exists for service "${service}"`, {
      ACTION_NAME: action,
      SERVICE_NAME: service,
    }),
  entryFilterNull: () =>
    new ApiError(
      'PROPERTY_VALIDATION_CANNOT_BE_NULL',
      'The property "KalturaFlavorAssetFilter::entryIdEqual/KalturaFlavorAssetFilter::entryIdIn" cannot be null',
      { PROP_NAME: 'KalturaFlavorAssetFilter::entryIdEqual/KalturaFlavorAssetFilter::entryIdIn' },
    ),
};

/** Kaltura omits null properties and appends `objectType` last. */
function kalturaObject(objectType: string, fields: Record<string, unknown>): Json {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(fields))
    if (value !== null && value !== undefined) out[key] = value as Json;
  out.objectType = objectType;
  return out;
}

function errorObject(error: ApiError): Json {
  return { code: error.code, message: error.message, objectType: 'KalturaAPIException', args: error.args as Json };
}

const now = () => Math.floor(Date.now() / 1000);

/** Kaltura's file-name rule: anything outside `[A-Za-z0-9-._~!$()*+,;=:@]` becomes `_`. */
function safeFileName(name: string): string {
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

/** Starts the sandbox on 127.0.0.1 (a free port unless one is given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log: LoggedRequest[] = [];
  let fault: (Fault & { left: number; toSkip: number }) | undefined;
  let latencyMs = options.latencyMs ?? 0;
  /** Every KS presented or issued so far, and those revoked. */
  const seen = new Set<string>();
  const revoked = new Set<string>();
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const entryJson = (e: FixtureEntry): Json => {
    const sp = `${SANDBOX_PARTNER_ID}00`;
    return kalturaObject('KalturaMediaEntry', {
      mediaType: e.mediaType,
      sourceType: '1',
      dataUrl: `${baseUrl}/p/${SANDBOX_PARTNER_ID}/sp/${sp}/playManifest/entryId/${e.id}/format/url/protocol/http`,
      flavorParamsIds: e.flavors.map((f) => f.flavorParamsId).join(','),
      plays: e.plays,
      views: e.views,
      width: e.flavors[0]?.width ?? 0,
      height: e.flavors[0]?.height ?? 0,
      duration: e.duration,
      msDuration: e.duration * 1000,
      id: e.id,
      name: e.name,
      description: e.description,
      partnerId: SANDBOX_PARTNER_ID,
      userId: 'sandbox-owner',
      tags: e.tags,
      categories: 'Sandbox',
      categoriesIds: '101',
      status: 2,
      type: 1,
      createdAt: e.createdAt,
      updatedAt: e.createdAt + 500,
      downloadUrl: `${baseUrl}/p/${SANDBOX_PARTNER_ID}/sp/${sp}/playManifest/entryId/${e.id}/format/download/protocol/http/flavorParamIds/0`,
      thumbnailUrl: e.noThumbnail
        ? undefined
        : `${baseUrl}/p/${SANDBOX_PARTNER_ID}/sp/${sp}/thumbnail/entry_id/${e.id}/version/100002`,
      version: 0,
      objectType: undefined,
    });
  };

  const flavorJson = (e: FixtureEntry, f: FixtureFlavor): Json =>
    kalturaObject('KalturaFlavorAsset', {
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
      partnerId: SANDBOX_PARTNER_ID,
      version: '1',
      size: f.size,
      tags: f.tags,
      fileExt: f.fileExt,
      createdAt: e.createdAt + 10,
      updatedAt: e.createdAt + 90,
      description: '',
      sizeInBytes: f.size ? f.size * 1024 : 0,
    });

  const findFlavor = (id: string) => {
    for (const e of ENTRIES) {
      const f = e.flavors.find((x) => x.id === id);
      if (f) return { entry: e, flavor: f };
    }
    return undefined;
  };

  /** A time-limited URL token, as a delivery profile's KS tokenizer adds one. */
  const urlToken = (entryId: string) =>
    signKsV2({
      adminSecret: SANDBOX_ADMIN_SECRET,
      partnerId: SANDBOX_PARTNER_ID,
      userId: '',
      type: 0,
      privileges: `disableentitlementforentry:${entryId},sview:${entryId}`,
      expiresAt: now() + 600,
    });

  const requireKs = (service: string, action: string, params: Params) => {
    const ks = typeof params.ks === 'string' ? params.ks : '';
    if (!ks) throw errors.forbidden(service, action);
    const check = checkKs(ks, SANDBOX_ADMIN_SECRET, now());
    if (!check.ok) throw errors.invalidKs(check.reason === 'EXPIRED' ? 'EXPIRED' : ks);
    if (check.ks.partnerId !== SANDBOX_PARTNER_ID) throw errors.invalidKs(ks);
    if (revoked.has(ks)) throw errors.invalidKs('LOGOUT');
    seen.add(ks);
  };

  const dispatch = (service: string, action: string, params: Params): Json => {
    const key = `${service}.${action}`;
    if (key === 'session.start') {
      const secret = String(params.secret ?? '');
      const pid = String(params.partnerId ?? '');
      if (secret !== SANDBOX_ADMIN_SECRET || pid !== String(SANDBOX_PARTNER_ID)) throw errors.startSession(pid || '0');
      const ks = signKsV2({
        adminSecret: SANDBOX_ADMIN_SECRET,
        partnerId: SANDBOX_PARTNER_ID,
        userId: String(params.userId ?? ''),
        type: Number(params.type ?? 0),
        privileges: String(params.privileges ?? ''),
        expiresAt: now() + Math.min(Number(params.expiry ?? 86400), 86400),
      });
      seen.add(ks);
      return ks;
    }
    if (!['media', 'flavorasset'].includes(service)) {
      if (service !== 'session') throw errors.noService(service);
    }
    requireKs(service, action, params);
    switch (key) {
      case 'media.get': {
        const id = params.entryId;
        if (typeof id !== 'string' || id === '') throw errors.missing('entryId');
        const e = ENTRY_BY_ID.get(id);
        if (!e) throw errors.entryNotFound(id);
        return entryJson(e);
      }
      case 'media.list': {
        const filter = (params.filter ?? {}) as Params;
        const text = typeof filter.freeText === 'string' ? filter.freeText.toLowerCase() : '';
        const type = filter.mediaTypeEqual === undefined ? undefined : Number(filter.mediaTypeEqual);
        const matches = ENTRIES.filter(
          (e) =>
            (!text || `${e.name} ${e.description} ${e.tags}`.toLowerCase().includes(text)) &&
            (type === undefined || e.mediaType === type),
        );
        const result = page(matches, params);
        return kalturaObject('KalturaMediaListResponse', {
          objects: result.objects.map(entryJson),
          totalCount: result.totalCount,
        });
      }
      case 'flavorasset.list': {
        const filter = (params.filter ?? {}) as Params;
        const idsText =
          typeof filter.entryIdEqual === 'string' && filter.entryIdEqual !== ''
            ? filter.entryIdEqual
            : typeof filter.entryIdIn === 'string' && filter.entryIdIn !== ''
              ? filter.entryIdIn
              : undefined;
        if (idsText === undefined) throw errors.entryFilterNull();
        const ids = idsText.split(',').filter(Boolean);
        let pairs = ids.flatMap((id) => {
          const e = ENTRY_BY_ID.get(id);
          return e ? e.flavors.map((f) => ({ e, f })) : [];
        });
        if (filter.statusEqual !== undefined) pairs = pairs.filter(({ f }) => f.status === Number(filter.statusEqual));
        if (typeof filter.statusIn === 'string') {
          const statuses = filter.statusIn.split(',').map(Number);
          pairs = pairs.filter(({ f }) => statuses.includes(f.status));
        }
        if (filter.flavorParamsIdEqual !== undefined) {
          pairs = pairs.filter(({ f }) => f.flavorParamsId === Number(filter.flavorParamsIdEqual));
        }
        if (typeof filter.idEqual === 'string') pairs = pairs.filter(({ f }) => f.id === filter.idEqual);
        const result = page(pairs, params);
        return kalturaObject('KalturaFlavorAssetListResponse', {
          objects: result.objects.map(({ e, f }) => flavorJson(e, f)),
          totalCount: result.totalCount,
        });
      }
      case 'flavorasset.geturl': {
        const id = params.id;
        if (typeof id !== 'string' || id === '') throw errors.flavorNotFound(String(id ?? ''));
        const found = findFlavor(id);
        if (!found) throw errors.flavorNotFound(id);
        const { entry: e, flavor: f } = found;
        if (f.status !== 2 && f.status !== 9) throw errors.notReady();
        const options = (params.options ?? {}) as Params;
        const ext = f.fileExt ?? 'mp4';
        const fileName =
          typeof options.fileName === 'string' && options.fileName
            ? safeFileName(options.fileName)
            : `${safeFileName(`${e.name} (${f.paramsName})`)}.${ext}`;
        const sp = `${SANDBOX_PARTNER_ID}00`;
        return (
          `${baseUrl}/p/${SANDBOX_PARTNER_ID}/sp/${sp}/serveFlavor/entryId/${e.id}/v/1/flavorId/${f.id}` +
          `/fileName/${fileName}/ks/${urlToken(e.id)}/name/a.${ext}`
        );
      }
      default:
        throw errors.noAction(action, service);
    }
  };

  const answerOne = (service: string, action: string, params: Params): Json => {
    if (fault?.kind === 'internal-error' && fault.action === `${service}.${action}` && fault.left > 0) {
      fault.left -= 1;
      return errorObject(new ApiError('INTERNAL_SERVERL_ERROR', 'Internal server error occurred'));
    }
    try {
      return dispatch(service, action, params);
    } catch (error) {
      if (error instanceof ApiError) return errorObject(error);
      return errorObject(new ApiError('INTERNAL_SERVERL_ERROR', 'Internal server error occurred'));
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = /^\/api_v3\/service\/([^/]+)(?:\/action\/([^/]+))?/i.exec(path);
    let params: Params = {};
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    if (contentType === 'application/json' && body.trim().startsWith('{')) {
      try {
        params = JSON.parse(body) as Params;
      } catch {
        params = {};
      }
    }
    const entry: LoggedRequest = { path, body, multirequest: false, calls: [] };
    log.push(entry);

    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));

    if (fault?.kind === 'internal-error') {
      // applied per call, in answerOne
    } else if (fault && fault.toSkip > 0) {
      fault.toSkip -= 1;
    } else if (fault && fault.left > 0) {
      fault.left -= 1;
      const kind = fault.kind;
      if (fault.left === 0) fault = undefined;
      switch (kind) {
        case 'http500':
        case 'http503':
          res.writeHead(kind === 'http500' ? 500 : 503, { 'Content-Type': 'text/html' });
          res.end('<html><body><h1>Service unavailable</h1></body></html>');
          return;
        case 'html':
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<!DOCTYPE html><html><body>Please log in to the proxy</body></html>');
          return;
        case 'empty':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('');
          return;
        case 'truncated':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"objects":[{"id":"1_demof001","entr');
          return;
        case 'garbage-json':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"unexpected":true}');
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang':
          return; // never answer; the client's deadline must fire
      }
    }

    if (!match) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const service = match[1]!.toLowerCase();
    let answer: Json;
    if (service === 'multirequest') {
      entry.multirequest = true;
      answer = runMultirequest(params, entry);
    } else {
      const action = (match[2] ?? String(params.action ?? '')).toLowerCase();
      entry.calls.push({ service, action, params });
      answer = answerOne(service, action, params);
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // PHP's json_encode escapes slashes; parsers must not care.
    res.end(JSON.stringify(answer).replace(/\//g, '\\/'));
  };

  const runMultirequest = (params: Params, entry: LoggedRequest): Json => {
    const keys = Object.keys(params)
      .filter((k) => /^[0-9]+$/.test(k))
      .map(Number)
      .sort((a, b) => a - b);
    const results: Json[] = [];
    const common = { ks: params.ks };
    const first = Math.min(keys[0] ?? 1, 1);
    for (let key = first; ; key += 1) {
      const sub = params[String(key)] as Params | undefined;
      if (!sub || typeof sub.service !== 'string' || typeof sub.action !== 'string') break;
      const resolved = resolveReferences({ ...common, ...sub }, results) as Params;
      const service = String(resolved.service).toLowerCase();
      const action = String(resolved.action).toLowerCase();
      entry.calls.push({ service, action, params: resolved });
      results.push(answerOne(service, action, resolved));
    }
    return results;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
  let connectionCount = 0;
  server.on('connection', (socket) => {
    connectionCount += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    log,
    actions: () => log.flatMap((r) => r.calls.map((c) => `${c.service}.${c.action}`)),
    clearLog: () => {
      log.length = 0;
    },
    setFault: (f) => {
      fault = f ? { ...f, left: f.times ?? Number.POSITIVE_INFINITY, toSkip: f.skip ?? 0 } : undefined;
    },
    revokeSessions: () => {
      for (const ks of seen) revoked.add(ks);
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    connections: () => connectionCount,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Replaces `{N:result[:path]}` tokens in string values with the N-th (1-based) earlier result,
 * as Kaltura's front controller does; a missing path or a failed request gives "".
 */
export function resolveReferences(value: unknown, results: Json[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{([0-9]+):result(?::([^}]*))?\}/g, (_, n: string, path: string | undefined) => {
      const target = results[Number(n) - 1];
      const found = walk(target, path ? path.split(':') : []);
      return typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean' ? String(found) : '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, results));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, results)]));
  }
  return value;
}

function walk(target: unknown, path: string[]): unknown {
  if (target && typeof target === 'object' && (target as Params).objectType === 'KalturaAPIException') return undefined;
  let current: unknown = target;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i]!;
    if (segment === '_all' && Array.isArray(current)) {
      const rest = path.slice(i + 1);
      return current.map((item) => `${String(walk(item, rest) ?? '')},`).join('');
    }
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
