/**
 * Configuration from the environment, read the original's way: lazily, at the first tool call,
 * so the server starts and lists its tools without credentials.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SessionType } from './kaltura/ks.js';

/** How the server obtains its session key. */
export type SessionMode = 'local' | 'remote';

/** Everything the Kaltura door needs. */
export interface KalturaConfig {
  serviceUrl: string;
  partnerId: number;
  adminSecret: string;
  userId: string;
  /** Session lifetime, seconds. */
  sessionExpiry: number;
  sessionType: number;
  sessionPrivileges: string;
  /** `local`: sign the KS here (the secret stays on this machine); `remote`: `session.start`. */
  sessionMode: SessionMode;
  /** Deadline for one HTTP request to Kaltura, milliseconds. */
  requestTimeoutMs: number;
  debug: boolean;
}

/** A configuration problem; its message names the variable to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULTS = {
  serviceUrl: 'https://www.kaltura.com',
  userId: '',
  sessionExpiry: 86400,
  sessionPrivileges: 'disableentitlement',
  sessionMode: 'local' as SessionMode,
  requestTimeoutMs: 30000,
};

type Env = Record<string, string | undefined>;

/** Reads and checks the configuration; throws {@link ConfigError} with the original's messages. */
export function readConfig(env: Env): KalturaConfig {
  const adminSecret = env.KALTURA_ADMIN_SECRET ?? '';
  const partnerText = env.KALTURA_PARTNER_ID?.trim() ?? '';
  // The original checks the secret first, then the partner.
  if (!adminSecret) throw new ConfigError('KALTURA_ADMIN_SECRET environment variable is required');
  if (!partnerText || partnerText === '0') {
    throw new ConfigError('KALTURA_PARTNER_ID environment variable is required');
  }
  const partnerId = parseWholeNumber(partnerText, 'KALTURA_PARTNER_ID');

  const mode = (env.KALTURA_SESSION_MODE ?? DEFAULTS.sessionMode).trim().toLowerCase();
  if (mode !== 'local' && mode !== 'remote') {
    throw new ConfigError(`KALTURA_SESSION_MODE must be "local" or "remote", not "${mode}"`);
  }
  return {
    serviceUrl: readServiceUrl(env.KALTURA_SERVICE_URL),
    partnerId,
    adminSecret,
    userId: env.KALTURA_USER_ID ?? DEFAULTS.userId,
    sessionExpiry: optionalWholeNumber(env, 'KALTURA_SESSION_EXPIRY', DEFAULTS.sessionExpiry),
    sessionType: SessionType.ADMIN,
    sessionPrivileges: DEFAULTS.sessionPrivileges,
    sessionMode: mode,
    requestTimeoutMs: optionalWholeNumber(env, 'KALTURA_REQUEST_TIMEOUT_MS', DEFAULTS.requestTimeoutMs),
    debug: isDebug(env),
  };
}

/** `KALTURA_DEBUG=true` turns on debug logging, as in the original. */
export function isDebug(env: Env): boolean {
  return env.KALTURA_DEBUG?.trim().toLowerCase() === 'true';
}

/**
 * The server's own directory: the package root, found from the script Node was started with
 * (`dist/index.js`, or `src/index.ts` in development), through any `bin` symlink.
 */
export function serverDirectory(entryScript: string | undefined): string | undefined {
  if (!entryScript) return undefined;
  try {
    return dirname(dirname(realpathSync(entryScript)));
  } catch {
    return undefined;
  }
}

function readServiceUrl(value: string | undefined): string {
  const text = (value?.trim() || DEFAULTS.serviceUrl).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('KALTURA_SERVICE_URL must be an http(s) URL such as https://www.kaltura.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('KALTURA_SERVICE_URL must be an http(s) URL such as https://www.kaltura.com');
  }
  return text;
}

function optionalWholeNumber(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim();
  return text ? parseWholeNumber(text, name) : fallback;
}

function parseWholeNumber(text: string, name: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new ConfigError(`${name} must be a positive whole number`);
  }
  return Number(text);
}

/**
 * Parses a `.env` file: `KEY=value` lines, `#` comments, optional `export `, single or double
 * quotes. Pure.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rawValue] = match as unknown as [string, string, string];
    let value = rawValue;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[key] = value;
  }
  return out;
}

/**
 * Loads the first `.env` found in `directories` (the server's own directory, then the working
 * directory) into `env`. Real environment variables win. Returns the file used, if any.
 */
export function loadDotEnv(env: Env, directories: string[]): string | undefined {
  for (const dir of directories) {
    const file = join(dir, '.env');
    if (!existsSync(file)) continue;
    for (const [key, value] of Object.entries(parseDotEnv(readFileSync(file, 'utf8')))) {
      if (env[key] === undefined) env[key] = value;
    }
    return file;
  }
  return undefined;
}
