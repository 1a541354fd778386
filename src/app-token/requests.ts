/**
 * The Kaltura requests of `kaltura-mcp app-token`, built with kaltura-client's generated services,
 * and the shape checks of their answers. Objects are plain, carrying `objectType`, as in
 * src/kaltura/requests.ts.
 */
import type { KalturaRequest } from '../kaltura/connection.js';
import { invalidResponse } from '../kaltura/errors.js';

/** A KalturaAppToken as Kaltura answers it (null fields omitted). */
export interface AppToken {
  id: string;
  /** The value: only `appToken.add`'s answer is ever printed with it. */
  token?: string;
  /** 1 DISABLED, 2 ACTIVE (deleted tokens are never listed). */
  status?: number;
  /** Absolute unix time; missing when the token does not expire. */
  expiry?: number;
  /** 0 USER, 2 ADMIN; missing when the caller of startSession chooses. */
  sessionType?: number;
  sessionUserId?: string;
  /** Seconds. */
  sessionDuration?: number;
  sessionPrivileges?: string;
  hashType?: string;
  description?: string;
}

/** What `appToken.add` is given. */
export interface NewAppToken {
  sessionType: number;
  sessionUserId: string;
  sessionPrivileges: string;
  hashType: string;
  description: string;
  /** Absolute unix time. */
  expiry?: number;
}

/** `appToken.add(appToken)`. */
export const addAppTokenRequest =
  (token: NewAppToken): KalturaRequest =>
  ({ services }) =>
    services.appToken.add({ objectType: 'KalturaAppToken', ...token });

/** `appToken.list(filter, pager)`: one page of up to 500 tokens. */
export const listAppTokensRequest =
  (pageIndex: number, pageSize = 500): KalturaRequest =>
  ({ services }) =>
    services.appToken.listAction(
      { objectType: 'KalturaAppTokenFilter' },
      { objectType: 'KalturaFilterPager', pageSize, pageIndex },
    );

/** `appToken.delete(id)`. */
export const deleteAppTokenRequest =
  (id: string): KalturaRequest =>
  ({ services }) =>
    services.appToken.deleteAction(id);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an `appToken.add` answer: a token with its id and its value. */
export function asNewAppToken(value: unknown): AppToken & { token: string } {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.token !== 'string' || !value.token) {
    throw invalidResponse('appToken.add did not return a token');
  }
  return value as unknown as AppToken & { token: string };
}

/** Checks an `appToken.list` answer; Kaltura leaves `objects` out when nothing matches. */
export function asAppTokenPage(value: unknown): { objects: AppToken[]; totalCount: number } {
  if (!isRecord(value)) throw invalidResponse('appToken.list did not return a list');
  const objects = value.objects ?? [];
  if (!Array.isArray(objects) || !objects.every((o) => isRecord(o) && typeof o.id === 'string')) {
    throw invalidResponse('appToken.list returned a malformed token');
  }
  const totalCount = typeof value.totalCount === 'number' ? value.totalCount : objects.length;
  return { objects: objects as AppToken[], totalCount };
}
