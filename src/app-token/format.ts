/**
 * What `kaltura-mcp app-token` prints, from Kaltura's answers. Pure. Only `create` ever prints a
 * token's value, once, on the line the configuration needs.
 */
import type { AppToken } from './requests.js';

const STATUS: Record<number, string> = { 1: 'DISABLED', 2: 'ACTIVE', 3: 'DELETED' };

/** An absolute unix time as `2027-01-31 12:00 UTC`; `never` when there is none. */
export function formatExpiry(expiry: number | undefined): string {
  if (expiry === undefined) return 'never';
  return `${new Date(expiry * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The type of the sessions a token starts; `any type` when the token leaves it to the caller. */
function sessionType(token: AppToken): string {
  return token.sessionType === 2 ? 'ADMIN' : token.sessionType === 0 ? 'USER' : 'any type';
}

/** The sessions a token starts: their type and user, as the token fixes them. */
function sessionOf(token: AppToken): string {
  return token.sessionUserId ? `${sessionType(token)} ${token.sessionUserId}` : sessionType(token);
}

/** Where the token's sessions are started, and how the user runs this program (for the commands printed). */
export interface CreatedContext {
  partnerId: number;
  /** KALTURA_SERVICE_URL, when it is not Kaltura's SaaS default: the server needs it too. */
  serviceUrl?: string;
  /** `kaltura-mcp` when installed as a command, else `node <path to dist/index.js>`. */
  invocation: string;
}

/** After `create`: what was made, the two configuration lines, and how to go on without the admin secret. */
export function createdText(
  token: AppToken & { token: string },
  { partnerId, serviceUrl, invocation }: CreatedContext,
): string {
  const keep = serviceUrl
    ? `KALTURA_PARTNER_ID=${partnerId} and KALTURA_SERVICE_URL=${serviceUrl}`
    : `KALTURA_PARTNER_ID=${partnerId}`;
  const hours = token.sessionDuration ? `, sessions of up to ${Math.round(token.sessionDuration / 360) / 10} h` : '';
  return [
    `Created App Token ${token.id} for partner ${partnerId}: ${sessionType(token)} sessions${token.sessionUserId ? ` for user ${token.sessionUserId}` : ''} with the privileges ${token.sessionPrivileges ?? '(none)'}${hours}; expires ${formatExpiry(token.expiry)}; hash ${token.hashType ?? 'SHA1'}.`,
    '',
    "Put these two lines in the server's configuration (its .env file, or the env of your MCP host):",
    '',
    `KALTURA_APP_TOKEN_ID=${token.id}`,
    `KALTURA_APP_TOKEN=${token.token}`,
    '',
    'The value is a secret: keep it like a password. Then remove KALTURA_ADMIN_SECRET from that',
    `configuration: with the two lines above and ${keep} the server needs no admin secret.`,
    `To revoke the token: ${invocation} app-token revoke ${token.id}`,
    '',
  ].join('\n');
}

/** After `list`: one row per token, never its value. */
export function listText(tokens: AppToken[], partnerId: number): string {
  if (tokens.length === 0) return `Partner ${partnerId} has no App Tokens.\n`;
  const header = ['ID', 'STATUS', 'EXPIRES', 'SESSIONS', 'PRIVILEGES', 'HASH', 'DESCRIPTION'];
  const rows = tokens.map((t) => [
    t.id,
    STATUS[t.status ?? 0] ?? String(t.status ?? '?'),
    formatExpiry(t.expiry),
    sessionOf(t),
    t.sessionPrivileges || '(none)',
    t.hashType ?? 'SHA1',
    t.description ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const count = `${tokens.length} App Token${tokens.length === 1 ? '' : 's'}`;
  return [`Partner ${partnerId}: ${count}.`, '', line(header), ...rows.map(line), ''].join('\n');
}

/** After `revoke`. */
export function revokedText(id: string, partnerId: number): string {
  return `Revoked App Token ${id} of partner ${partnerId}: sessions started from it stop working now.\n`;
}
