/**
 * The sandbox's App Tokens (`appToken.add/get/list/delete/startSession`) and widget sessions
 * (`session.startWidgetSession`), with the real server's rules (docs/app-tokens.md): tokens are
 * partner-scoped and deleted ones are invisible; only ADMIN sessions manage them; startSession
 * checks, in order, the token, its status, the hash over the exact KS of the request, its
 * expiry; the token's type, user and privileges win over the caller's; deleting a token ends every
 * session started from it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { signKsV2 } from '../../src/kaltura/ks.js';
import type { ParsedKs } from './ks.js';
import { PARTNERS } from './fixtures.js';
import { errors, kalturaObject, type Json, type Params } from './wire.js';

/** KalturaAppTokenStatus. */
export const AppTokenStatus = { DISABLED: 1, ACTIVE: 2, DELETED: 3 } as const;

/** One App Token as the sandbox keeps it. */
export interface SandboxAppToken {
  id: string;
  /** The value: 32 hex characters. */
  token: string;
  partnerId: number;
  createdAt: number;
  updatedAt: number;
  status: number;
  /** Absolute unix time; none means the token does not expire. */
  expiry?: number;
  sessionType?: number;
  sessionUserId?: string;
  /** Seconds. */
  sessionDuration: number;
  sessionPrivileges?: string;
  hashType: string;
  description?: string;
}

/** What the App Token actions read and change of the running sandbox. */
export interface AppTokenState {
  /** Kaltura's clock, unix seconds. */
  now(): number;
  tokens: Map<string, SandboxAppToken>;
  /** Every KS the sandbox issued, with the action that issued it. */
  issued: Map<string, string>;
  /** Every KS presented or issued so far (what `revokeSessions` ends). */
  seen: Set<string>;
}

/** The partner's maximum session length (`ksMaxExpiryInSeconds`), the default for a token's sessions. */
const KS_MAX_EXPIRY_SECONDS = 86400;
const HASH_TYPES: Record<string, string> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };
/** Kaltura's rule for a new user id (kuser::PUSER_ID_REGEXP). */
const USER_ID = /^[A-Za-z0-9,!#$%&'*+?^_`{|}~.@-]{1,320}$/;

/**
 * Every `PRIVILEGE_*` name of Kaltura's session class: a caller of startSession may not add one
 * of these (it may narrow one the token gives as `*`).
 */
const SERVER_PRIVILEGES = new Set([
  'edit',
  'sview',
  'list',
  'download',
  'downloadasset',
  'editplaylist',
  'sviewplaylist',
  'actionslimit',
  'setrole',
  'restrictingrole',
  'limitentry',
  'iprestrict',
  'urirestrict',
  'enableentitlement',
  'disableentitlement',
  'disableentitlementforentry',
  'disableentitlementforplaylist',
  'privacycontext',
  'enablecategorymoderation',
  'reftime',
  'sessionkey',
  'preview',
  'sessionid',
  'jobtype',
  'apptoken',
  'enablechangeaccount',
  'edituser',
  'enablecaptionmoderation',
  'editadmintags',
  'restrictexplicitliveview',
  'virtualeventid',
  'searchcontext',
  'disablesessiontypecheck',
]);

type Privileges = Map<string, string[]>;

/** `a:1/2,b,a:3` as Kaltura parses it: values split on `/`, a repeated name adding its values. */
function parsePrivileges(text: string): Privileges {
  const parsed: Privileges = new Map();
  for (const raw of text.split(',')) {
    const privilege = raw.trim();
    if (!privilege) continue;
    const colon = privilege.indexOf(':');
    const name = colon === -1 ? privilege : privilege.slice(0, colon);
    const value = colon === -1 ? '' : privilege.slice(colon + 1);
    parsed.set(name, [...(parsed.get(name) ?? []), ...(value ? value.split('/') : [])]);
  }
  return parsed;
}

function buildPrivileges(privileges: Privileges): string {
  return [...privileges].map(([name, values]) => (values.length ? `${name}:${values.join('/')}` : name)).join(',');
}

/** The invalid-session key of a token's sessions: sha1 of `<partner id>_<token id>`. */
const sessionIdHash = (partnerId: number, tokenId: string) =>
  createHash('sha1').update(`${partnerId}_${tokenId}`).digest('hex');

const adminSecretOf = (partnerId: number) => PARTNERS.find((p) => p.id === partnerId)!.adminSecret;

/** The App Token and widget-session actions over `state`. */
export function createAppTokens(state: AppTokenState) {
  /** Sessions started from tokens since deleted (by their `sessionid` hash). */
  const ended = new Set<string>();
  /** User ids the partner has (those of every token ever added), for `sessionUserIdEqual`. */
  const users = new Set<string>(['sandbox-owner']);

  const visible = (id: unknown, partnerId: number) => {
    const token = typeof id === 'string' ? state.tokens.get(id) : undefined;
    return token && token.partnerId === partnerId && token.status !== AppTokenStatus.DELETED ? token : undefined;
  };

  const tokenJson = (t: SandboxAppToken): Json =>
    kalturaObject('KalturaAppToken', {
      id: t.id,
      token: t.token,
      partnerId: t.partnerId,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      status: t.status,
      expiry: t.expiry,
      sessionType: t.sessionType,
      sessionUserId: t.sessionUserId,
      sessionDuration: t.sessionDuration,
      sessionPrivileges: t.sessionPrivileges,
      hashType: t.hashType,
      description: t.description,
    });

  /** appToken.add's checks and defaults; what the sandbox's own hook uses too. */
  const add = (partnerId: number, fields: Params): SandboxAppToken => {
    const hashType = fields.hashType === undefined || fields.hashType === null ? 'SHA1' : String(fields.hashType);
    if (!(hashType in HASH_TYPES)) throw errors.invalidEnum(hashType, 'hashType', 'KalturaAppTokenHashType');
    const sessionType =
      fields.sessionType === undefined || fields.sessionType === null ? undefined : fields.sessionType;
    if (sessionType !== undefined && sessionType !== 0 && sessionType !== 2) {
      throw errors.invalidEnum(String(sessionType), 'sessionType', 'KalturaSessionType');
    }
    const sessionUserId = typeof fields.sessionUserId === 'string' ? fields.sessionUserId : undefined;
    if (sessionUserId !== undefined && !users.has(sessionUserId)) {
      if (!USER_ID.test(sessionUserId)) throw errors.invalidFieldValue('sessionUserId');
      users.add(sessionUserId);
    }
    const now = state.now();
    const token: SandboxAppToken = {
      id: `0_${[...randomBytes(8)].map((b) => (b % 36).toString(36)).join('')}`,
      token: randomBytes(16).toString('hex'),
      partnerId,
      createdAt: now,
      updatedAt: now,
      status: AppTokenStatus.ACTIVE,
      ...(typeof fields.expiry === 'number' ? { expiry: fields.expiry } : {}),
      ...(sessionType !== undefined ? { sessionType: sessionType as number } : {}),
      ...(sessionUserId !== undefined ? { sessionUserId } : {}),
      sessionDuration: typeof fields.sessionDuration === 'number' ? fields.sessionDuration : KS_MAX_EXPIRY_SECONDS,
      ...(typeof fields.sessionPrivileges === 'string' ? { sessionPrivileges: fields.sessionPrivileges } : {}),
      hashType,
      ...(typeof fields.description === 'string' ? { description: fields.description } : {}),
    };
    state.tokens.set(token.id, token);
    return token;
  };

  const list = (params: Params, ks: ParsedKs): Json => {
    const filter = (params.filter ?? {}) as Params;
    const split = (v: unknown) => (typeof v === 'string' ? v.split(',').filter(Boolean) : undefined);
    const ids = split(filter.idIn) ?? (typeof filter.idEqual === 'string' ? [filter.idEqual] : undefined);
    const statuses =
      split(filter.statusIn)?.map(Number) ??
      (filter.statusEqual === undefined ? undefined : [Number(filter.statusEqual)]);
    const user = typeof filter.sessionUserIdEqual === 'string' ? filter.sessionUserIdEqual : undefined;
    // An unknown user: Kaltura answers at once, with no `objects`.
    if (user !== undefined && !users.has(user)) return kalturaObject('KalturaAppTokenListResponse', { totalCount: 0 });
    const matches = [...state.tokens.values()].filter(
      (t) =>
        t.partnerId === ks.partnerId &&
        t.status !== AppTokenStatus.DELETED &&
        (!ids || ids.includes(t.id)) &&
        (!statuses || statuses.includes(t.status)) &&
        (user === undefined || t.sessionUserId === user),
    );
    const pager = (params.pager ?? {}) as Params;
    const size = Math.min(500, Number(pager.pageSize ?? 30));
    const index = Math.max(1, Number(pager.pageIndex ?? 1));
    return kalturaObject('KalturaAppTokenListResponse', {
      objects: matches.slice((index - 1) * size, index * size).map(tokenJson),
      totalCount: matches.length,
    });
  };

  const startSession = (params: Params, ks: ParsedKs): Json => {
    const requestKs = String(params.ks);
    const askedType = params.type === undefined || params.type === null ? undefined : Number(params.type);
    if (askedType !== undefined && askedType !== 0 && askedType !== 2) {
      throw errors.invalidEnum(String(params.type), 'type', 'KalturaSessionType');
    }
    if (typeof params.id !== 'string' || !params.id) throw errors.missing('id');
    if (typeof params.tokenHash !== 'string') throw errors.missing('tokenHash');
    const token = visible(params.id, ks.partnerId);
    if (!token) throw errors.appTokenNotFound(params.id);
    if (token.status !== AppTokenStatus.ACTIVE) throw errors.appTokenNotActive(token.id);
    const expected = createHash(HASH_TYPES[token.hashType]!)
      .update(requestKs + token.token)
      .digest('hex');
    if (params.tokenHash !== expected) throw errors.invalidAppTokenHash();
    const now = state.now();
    let tokenExpiry = token.sessionDuration;
    if (token.expiry !== undefined) {
      tokenExpiry = Math.min(tokenExpiry, token.expiry - now);
      if (tokenExpiry < 0) throw errors.appTokenExpired(token.id);
    }
    const askedExpiry = Number(params.expiry ?? 0) || tokenExpiry;
    const expiry = Math.min(askedExpiry, tokenExpiry);
    const type = token.sessionType ?? askedType ?? 0;
    const userId = token.sessionUserId ?? (typeof params.userId === 'string' ? params.userId : undefined);
    const privileges: Privileges = new Map([
      ['sessionid', [token.id]],
      ['apptoken', [token.id]],
    ]);
    for (const [name, values] of parsePrivileges(token.sessionPrivileges ?? '')) {
      privileges.set(name, [...(privileges.get(name) ?? []), ...values]);
    }
    if (typeof params.sessionPrivileges === 'string') {
      // The caller may add what neither Kaltura nor the token reserves, or narrow a `*` of the token.
      for (const [name, values] of parsePrivileges(params.sessionPrivileges)) {
        const reserved = SERVER_PRIVILEGES.has(name) || privileges.has(name);
        if (!reserved || privileges.get(name)?.includes('*')) privileges.set(name, values);
      }
    }
    const granted = buildPrivileges(privileges);
    const session = signKsV2({
      adminSecret: adminSecretOf(ks.partnerId),
      partnerId: ks.partnerId,
      userId: userId ?? '',
      type,
      privileges: granted,
      expiresAt: now + expiry,
    });
    state.issued.set(session, 'appToken.startSession');
    state.seen.add(session);
    return kalturaObject('KalturaSessionInfo', {
      ks: session,
      sessionType: type,
      partnerId: ks.partnerId,
      userId,
      expiry: now + expiry,
      privileges: granted,
    });
  };

  /** `session.startWidgetSession`: no KS needed; every partner has the widget `_<partner id>`. */
  const startWidgetSession = (params: Params): Json => {
    const widgetId = typeof params.widgetId === 'string' ? params.widgetId : '';
    if (!widgetId) throw errors.missing('widgetId');
    const partner = PARTNERS.find((p) => `_${p.id}` === widgetId);
    if (!partner) throw errors.invalidWidgetId(widgetId);
    const expiry = Math.min(
      Number(params.expiry ?? KS_MAX_EXPIRY_SECONDS) || KS_MAX_EXPIRY_SECONDS,
      KS_MAX_EXPIRY_SECONDS,
    );
    const ks = signKsV2({
      adminSecret: partner.adminSecret,
      partnerId: partner.id,
      userId: '0',
      type: 0,
      privileges: 'view:*,widget:1',
      expiresAt: state.now() + expiry,
    });
    state.issued.set(ks, 'session.startWidgetSession');
    state.seen.add(ks);
    return kalturaObject('KalturaStartWidgetSessionResponse', { partnerId: partner.id, ks, userId: 0 });
  };

  /** One `appToken` action for a verified session `ks`. */
  const dispatch = (action: string, params: Params, ks: ParsedKs): Json => {
    // Managing tokens takes a partner administrator's session; starting one any session.
    if (action !== 'startsession' && ks.type < 2) throw errors.forbidden('apptoken', action);
    switch (action) {
      case 'add': {
        if (!params.appToken || typeof params.appToken !== 'object') throw errors.missing('appToken');
        return tokenJson(add(ks.partnerId, params.appToken as Params));
      }
      case 'get': {
        const token = visible(params.id, ks.partnerId);
        if (!token) throw errors.appTokenNotFound(String(params.id ?? ''));
        return tokenJson(token);
      }
      case 'list':
        return list(params, ks);
      case 'delete': {
        const token = visible(params.id, ks.partnerId);
        if (!token) throw errors.appTokenNotFound(String(params.id ?? ''));
        token.status = AppTokenStatus.DELETED;
        token.updatedAt = state.now();
        ended.add(sessionIdHash(token.partnerId, token.id));
        return null;
      }
      case 'startsession':
        return startSession(params, ks);
      default:
        throw errors.noAction(action, 'apptoken');
    }
  };

  /** Whether `ks` was started from a token since deleted (Kaltura then answers INVALID_KS "LOGOUT"). */
  const isEnded = (ks: ParsedKs): boolean => {
    const sessionId = ks.privileges.find((p) => p.startsWith('sessionid:'))?.slice('sessionid:'.length);
    return sessionId !== undefined && ended.has(sessionIdHash(ks.partnerId, sessionId));
  };

  return { dispatch, startWidgetSession, add, isEnded };
}
