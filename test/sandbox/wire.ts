/**
 * The sandbox's api_v3 wire format (docs/kaltura-wire.md): API errors, the "die" answer, JSON and
 * XML serialisation, and multirequest result references.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Params = Record<string, unknown>;

/** A KalturaAPIException: its code, message and args. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly args: Record<string, string> | [] = [],
  ) {
    super(message);
  }
}

/**
 * A `KExternalErrors::dieError`: the whole HTTP answer becomes an empty 200 body with
 * `X-Kaltura: error-<code>` and `X-Kaltura-App: exiting on error <code> - <reason>`.
 */
export class Die extends Error {
  constructor(
    readonly code: number | string,
    readonly reason: string,
  ) {
    super(reason);
  }

  /** The headers Kaltura sends (an unknown format's word code gets a space after `error-`). */
  headers(): Record<string, string> {
    const marker = typeof this.code === 'number' ? `error-${this.code}` : `error- ${this.code}`;
    return { 'X-Kaltura': marker, 'X-Kaltura-App': `exiting on error ${this.code} - ${this.reason}` };
  }
}

/** Kaltura's error catalogue, the templates as the real server words them. */
export const errors = {
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
  partnerBlocked: () =>
    new ApiError(
      'SERVICE_FORBIDDEN_CONTENT_BLOCKED',
      'The access to this service is forbidden since the specified partner is blocked',
    ),
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
  internal: () => new ApiError('INTERNAL_SERVERL_ERROR', 'Internal server error occurred'),
  invalidEnum: (value: string, param: string, type: string) =>
    new ApiError(
      'INVALID_ENUM_VALUE',
      `Invalid enumeration value "${value}" for parameter "${param}", expecting enumeration type "${type}"`,
      { ENUM_VAL: value, PARAM_NAME: param, ENUM_TYPE: type },
    ),
  invalidFieldValue: (field: string) =>
    new ApiError('INVALID_FIELD_VALUE', `value in field [${field}] is not valid`, { FIELD_NAME: field }),
  appTokenNotFound: (id: string) =>
    new ApiError('APP_TOKEN_ID_NOT_FOUND', `Application token id "${id}" not found`, { ID: id }),
  appTokenNotActive: (id: string) =>
    new ApiError('APP_TOKEN_NOT_ACTIVE', `Application token id "${id}" not active`, { ID: id }),
  appTokenExpired: (id: string) =>
    new ApiError('APP_TOKEN_EXPIRED', `Application token id "${id}" expired`, { ID: id }),
  invalidAppTokenHash: () => new ApiError('INVALID_APP_TOKEN_HASH', 'Invalid application token hash'),
  invalidWidgetId: (id: string) => new ApiError('INVALID_WIDGET_ID', `Unknown widget [${id}]`, { WIDGET_ID: id }),
};

/** Kaltura omits null properties and appends `objectType` last. */
export function kalturaObject(objectType: string, fields: Record<string, unknown>): Json {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined) out[key] = value as Json;
  }
  out.objectType = objectType;
  return out;
}

export function errorObject(error: ApiError): Json {
  return { code: error.code, message: error.message, objectType: 'KalturaAPIException', args: error.args as Json };
}

/** JSON as PHP's json_encode writes it: slashes escaped (parsers must not care). */
export function toJson(value: Json): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xmlValue(value: Json): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<item>${xmlValue(item)}</item>`).join('');
  if (typeof value === 'object') {
    const error = value.objectType === 'KalturaAPIException';
    const inner = Object.entries(value)
      .map(([key, v]) => `<${key}>${xmlValue(v)}</${key}>`)
      .join('');
    return error ? `<error>${inner}</error>` : inner;
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  return escapeXml(String(value));
}

/** Kaltura's XML format, what a request without `format` gets. */
export function toXml(value: Json): string {
  return `<?xml version="1.0" encoding="utf-8"?><xml><result>${xmlValue(value)}</result><executionTime>0.001</executionTime></xml>`;
}

/**
 * Replaces `{N:result[:path]}` tokens in string values with the N-th (1-based) earlier result,
 * as Kaltura's front controller does; a path that leads nowhere, or a failed request, gives "".
 * `_all` joins a field across a list (skipping items without it) — unless the server is older
 * than October 2018 (`legacy`), where it resolves to "".
 */
export function resolveReferences(value: unknown, results: Json[], legacy = false): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{([0-9]+):result(?::([^}]*))?\}/g, (_, n: string, path: string | undefined) => {
      const found = walk(results[Number(n) - 1], path ? path.split(':') : [], legacy);
      return typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean' ? String(found) : '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, results, legacy));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, results, legacy)]));
  }
  return value;
}

function walk(target: unknown, path: string[], legacy: boolean): unknown {
  if (target && typeof target === 'object' && (target as Params).objectType === 'KalturaAPIException') return undefined;
  let current: unknown = target;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i]!;
    if (segment === '_all' && Array.isArray(current)) {
      if (legacy) return undefined;
      const rest = path.slice(i + 1);
      const values = current.map((item) => walk(item, rest, legacy));
      return values
        .filter((v) => typeof v === 'string' || typeof v === 'number')
        .map((v) => `${String(v)},`)
        .join('');
    }
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * The entry ids an asset filter names: `entryIdEqual` if set, else `entryIdIn` (comma-separated),
 * at most `limit` of them; undefined when neither is set (the server then answers
 * PROPERTY_VALUE_CANNOT_BE_NULL).
 */
export function filterEntryIds(filter: Params, limit: number): string[] | undefined {
  const text =
    typeof filter.entryIdEqual === 'string' && filter.entryIdEqual !== ''
      ? filter.entryIdEqual
      : typeof filter.entryIdIn === 'string' && filter.entryIdIn !== ''
        ? filter.entryIdIn
        : undefined;
  return text === undefined ? undefined : text.split(',').filter(Boolean).slice(0, limit);
}
