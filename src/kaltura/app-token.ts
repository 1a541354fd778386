/**
 * Kaltura App Tokens, the pure parts: the hash Kaltura checks in `appToken.startSession`, the
 * hash types and the order to try them in, and which of the settings asked for a session the
 * token overrode. Kaltura's rules are described in docs/app-tokens.md.
 */
import { createHash } from 'node:crypto';

/**
 * KalturaAppTokenHashType, in the order this server tries them: SHA256 first (what
 * `kaltura-mcp app-token create` makes), then SHA1 (Kaltura's default when a token is added
 * without one), then the rest.
 */
export const APP_TOKEN_HASH_TYPES = ['SHA256', 'SHA1', 'SHA512', 'MD5'] as const;
export type AppTokenHashType = (typeof APP_TOKEN_HASH_TYPES)[number];

/** The hash type `app-token create` gives its tokens, and the one assumed when none is configured. */
export const DEFAULT_APP_TOKEN_HASH_TYPE: AppTokenHashType = 'SHA256';

/** Node's name for each hash type. */
const NODE_HASH: Record<AppTokenHashType, string> = { SHA256: 'sha256', SHA1: 'sha1', SHA512: 'sha512', MD5: 'md5' };

/** What the server asks `appToken.startSession` for: only the settings the user set. */
export interface SessionAsk {
  userId?: string;
  /** KalturaSessionType: 0 USER, 2 ADMIN. */
  type?: number;
  /** Seconds. */
  expiry?: number;
  /** Comma-separated privileges. */
  privileges?: string;
}

/** The server's App Token: its id, its value (a secret), its hash type, and what to ask of it. */
export interface AppTokenConfig {
  id: string;
  /** The token's value: 32 hex characters on Kaltura. Never sent anywhere; only its hash is. */
  token: string;
  hashType: AppTokenHashType;
  ask: SessionAsk;
}

/**
 * The `tokenHash` of `appToken.startSession`: lowercase hex of `hashType(ks + token)`, where `ks`
 * is the exact KS string the request carries (the widget session's). Kaltura compares it with
 * `!==`, so upper-case hex is refused.
 */
export function appTokenHash(hashType: AppTokenHashType, ks: string, token: string): string {
  return createHash(NODE_HASH[hashType])
    .update(ks + token, 'utf8')
    .digest('hex');
}

/** `first`, then every other hash type once. */
export function hashTypesToTry(first: AppTokenHashType): AppTokenHashType[] {
  return [first, ...APP_TOKEN_HASH_TYPES.filter((type) => type !== first)];
}

/** A hash type as a user may write it (`sha256`, ` SHA1 `); undefined when it is none of them. */
export function parseHashType(text: string): AppTokenHashType | undefined {
  const upper = text.trim().toUpperCase();
  return APP_TOKEN_HASH_TYPES.find((type) => type === upper);
}

/** KalturaSessionInfo, the answer of `appToken.startSession`, as far as this server reads it. */
export interface GrantedSession {
  ks: string;
  sessionType?: number;
  userId?: string;
  /** Comma-separated privileges, `sessionid:<id>,apptoken:<id>` first. */
  privileges?: string;
  /** The session's lifetime, seconds (from its absolute expiry). */
  lifetime: number;
}

/** Sessions a little shorter than asked are not "capped": the two clocks tick apart by a second or two. */
const EXPIRY_TOLERANCE_SECONDS = 5;

/**
 * The settings the user asked for that the session did not get, each as the variable and what
 * the token gave instead; empty when the token let every one through. Kaltura overrides them
 * silently (the token's session type and user win; privileges it reserves, or that the token does
 * not give as `*`, are dropped; the session never outlives the token's duration).
 */
export function ignoredSettings(ask: SessionAsk, granted: GrantedSession): string[] {
  const ignored: string[] = [];
  if (ask.type !== undefined && granted.sessionType !== undefined && granted.sessionType !== ask.type) {
    ignored.push(`KALTURA_SESSION_TYPE (the token gives ${granted.sessionType === 2 ? 'ADMIN' : 'USER'} sessions)`);
  }
  if (ask.userId !== undefined && String(granted.userId ?? '') !== ask.userId) {
    ignored.push(`KALTURA_USER_ID (the token's sessions are for user "${String(granted.userId ?? '')}")`);
  }
  if (ask.privileges !== undefined) {
    const have = privilegeMap(granted.privileges ?? '');
    const dropped = ask.privileges
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p && !isGranted(p, have));
    if (dropped.length > 0) {
      ignored.push(
        `KALTURA_SESSION_PRIVILEGES ${dropped.join(',')} (the token does not give ${dropped.length === 1 ? 'it' : 'them'}; it gives ${granted.privileges ?? 'none'})`,
      );
    }
  }
  if (ask.expiry !== undefined && granted.lifetime < ask.expiry - EXPIRY_TOLERANCE_SECONDS) {
    ignored.push(`KALTURA_SESSION_EXPIRY (the token's sessions last ${granted.lifetime} s at most)`);
  }
  return ignored;
}

/** Privileges by name, their values split on `/` (Kaltura's delimiter for several values). */
function privilegeMap(privileges: string): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const raw of privileges.split(',')) {
    const privilege = raw.trim();
    if (!privilege) continue;
    const [name, value] = splitPrivilege(privilege);
    const values = map.get(name) ?? new Set<string>();
    for (const v of value.split('/')) if (v) values.add(v);
    map.set(name, values);
  }
  return map;
}

function isGranted(privilege: string, have: Map<string, Set<string>>): boolean {
  const [name, value] = splitPrivilege(privilege);
  const values = have.get(name);
  if (!values) return false;
  return value.split('/').every((v) => !v || values.has(v));
}

function splitPrivilege(privilege: string): [string, string] {
  const colon = privilege.indexOf(':');
  return colon === -1 ? [privilege, ''] : [privilege.slice(0, colon), privilege.slice(colon + 1)];
}
