/**
 * Configuration from the environment, read the original's way: lazily, at the first tool call,
 * so the server starts and lists its tools without credentials. Pure.
 */
import { DEFAULT_APP_TOKEN_HASH_TYPE, parseHashType, type AppTokenConfig, type SessionAsk } from './app-token.js';
import { ksPartnerId, looksLikeKs } from './ks.js';
import { SessionType } from './types.js';

/** Where Kaltura is and how long to wait for it: all that talking to it needs. */
export interface ConnectionConfig {
  serviceUrl: string;
  /** Deadline for one HTTP request to Kaltura, milliseconds. */
  requestTimeoutMs: number;
}

/** How the server obtains its session key. */
type SessionMode = 'local' | 'remote';

/** The server's own session: from an App Token, the admin secret, or a ready-made key. */
export interface SessionConfig {
  partnerId: number;
  /** Empty when an App Token or a ready-made session key is used instead. */
  adminSecret: string;
  /** A ready-made session key to use as is: no secret on the machine, no renewal. */
  providedKs?: string;
  /** An App Token to start sessions with (`KALTURA_APP_TOKEN_ID`, `KALTURA_APP_TOKEN`): no admin secret needed. */
  appToken?: AppTokenConfig;
  userId: string;
  /** Session lifetime, seconds. */
  sessionExpiry: number;
  sessionType: number;
  sessionPrivileges: string;
  /** `local`: sign the KS here (the secret stays on this machine); `remote`: `session.start`. */
  sessionMode: SessionMode;
}

/** Everything the server's own Kaltura session needs. */
export type KalturaConfig = ConnectionConfig & SessionConfig;

/** A configuration problem; its message names the variable to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** How long a request to Kaltura may take, by default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30000;

/** Kaltura's SaaS API, the service URL when KALTURA_SERVICE_URL names none. */
export const DEFAULT_SERVICE_URL = 'https://www.kaltura.com';

const DEFAULTS = {
  serviceUrl: DEFAULT_SERVICE_URL,
  userId: '',
  sessionExpiry: 86400,
  sessionPrivileges: 'disableentitlement',
  sessionMode: 'local' as SessionMode,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
};

type Env = Record<string, string | undefined>;

/** Reads and checks the whole configuration; throws {@link ConfigError} with the original's messages. */
export function readConfig(env: Env): KalturaConfig {
  const unquoted = withoutQuotes(env);
  return { ...readSessionConfig(unquoted), ...readConnectionConfig(unquoted) };
}

/** Settings whose values never hold a quote: ids, keys, secrets and the service URL. */
const NEVER_QUOTED = [
  'KALTURA_PARTNER_ID',
  'KALTURA_ADMIN_SECRET',
  'KALTURA_APP_TOKEN_ID',
  'KALTURA_APP_TOKEN',
  'KALTURA_KS',
  'KALTURA_SERVICE_URL',
] as const;

/**
 * `env` with a pair of quotes around one of {@link NEVER_QUOTED} taken off: a value copied
 * with its quotes into a host's JSON (`"\"0_abcd1234\""`) means the value inside, since none of
 * these can hold a quote. Pure.
 */
export function withoutQuotes(env: Env): Env {
  const out = { ...env };
  for (const name of NEVER_QUOTED) {
    const match = /^\s*(["'])(.*)\1\s*$/s.exec(env[name] ?? '');
    if (match) out[name] = match[2];
  }
  return out;
}

/**
 * What the server says at start-up about a configuration that works but is likely not what was
 * meant, one sentence each: a KS sent in clear text to another machine. Pure.
 */
export function configWarnings(env: Env): string[] {
  const text = withoutQuotes(env).KALTURA_SERVICE_URL?.trim();
  if (!text) return [];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [];
  }
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return [];
  return [
    `KALTURA_SERVICE_URL is http://, so every session key (KS) crosses the network to ${url.host} in clear text, where anyone on the path can read and reuse it: use https://${url.host}${url.pathname === '/' ? '' : url.pathname} unless this network is yours alone`,
  ];
}

/** The service URL and the request deadline. */
export function readConnectionConfig(rawEnv: Env): ConnectionConfig {
  const env = withoutQuotes(rawEnv);
  return {
    serviceUrl: readServiceUrl(env.KALTURA_SERVICE_URL),
    requestTimeoutMs: optionalWholeNumber(env, 'KALTURA_REQUEST_TIMEOUT_MS', DEFAULTS.requestTimeoutMs),
  };
}

/** Where the server's own session comes from. */
type CredentialKind = 'app token' | 'KALTURA_KS' | 'admin secret' | 'none';

/** The credential in use, and the variables set beside it that are therefore ignored. */
export interface CredentialChoice {
  kind: CredentialKind;
  /** The App Token's id (not a secret), when one is in use. */
  appTokenId?: string;
  /** Variables holding a credential that is set but not used. */
  ignored: string[];
}

const isSet = (value: string | undefined): boolean => Boolean(value?.trim());

/**
 * Which credential the server uses, by name only (no value is read beyond "set or not"): an App
 * Token wins over a ready-made KS, which wins over the admin secret. An App Token renews its
 * sessions and holds no power beyond what its creator gave it; a KS cannot be renewed.
 */
export function chooseCredential(env: Env): CredentialChoice {
  const secret = isSet(env.KALTURA_ADMIN_SECRET);
  const ks = isSet(env.KALTURA_KS);
  if (isSet(env.KALTURA_APP_TOKEN_ID) || isSet(env.KALTURA_APP_TOKEN)) {
    const ignored = [...(secret ? ['KALTURA_ADMIN_SECRET'] : []), ...(ks ? ['KALTURA_KS'] : [])];
    const id = env.KALTURA_APP_TOKEN_ID?.trim();
    return { kind: 'app token', ...(id ? { appTokenId: id } : {}), ignored };
  }
  if (ks) return { kind: 'KALTURA_KS', ignored: secret ? ['KALTURA_ADMIN_SECRET'] : [] };
  return { kind: secret ? 'admin secret' : 'none', ignored: [] };
}

function readSessionConfig(env: Env): SessionConfig {
  if (chooseCredential(env).kind === 'app token') return readAppTokenConfig(env);
  const providedKs = readProvidedKs(env.KALTURA_KS);
  // Pasted values often carry a space or a newline at the end: no secret has one.
  const adminSecret = providedKs ? '' : (env.KALTURA_ADMIN_SECRET?.trim() ?? '');
  const partnerText = env.KALTURA_PARTNER_ID?.trim() ?? '';
  if (!providedKs) {
    // The original checks the secret first, then the partner.
    if (!adminSecret) throw noCredential(env);
    if (!partnerText) {
      throw new ConfigError(
        `KALTURA_PARTNER_ID environment variable is required: set it to your partner id (${WHERE_PARTNER_ID})${inTheForm(env, ['partner_id'])}`,
      );
    }
  }
  const partnerId = partnerText ? readPartnerId(partnerText) : 0;
  const ksPartner = providedKs ? ksPartnerId(providedKs) : undefined;
  if (ksPartner !== undefined && partnerId !== 0 && ksPartner !== partnerId) {
    throw new ConfigError(
      `KALTURA_KS is a session key of partner ${ksPartner}, but KALTURA_PARTNER_ID is ${partnerId}: use a KS of partner ${partnerId}, or remove KALTURA_PARTNER_ID (a KS names its own partner)`,
    );
  }
  const mode = readSessionMode(env.KALTURA_SESSION_MODE);
  // session.start sends the admin secret itself: never in clear text to another machine.
  const service = new URL(readServiceUrl(env.KALTURA_SERVICE_URL));
  if (mode === 'remote' && !providedKs && service.protocol === 'http:' && !isLoopbackHost(service.hostname)) {
    throw new ConfigError(
      'KALTURA_SESSION_MODE=remote sends the admin secret to Kaltura: KALTURA_SERVICE_URL must be https:// (or the default local signing used instead)',
    );
  }
  return {
    partnerId,
    adminSecret,
    ...(providedKs ? { providedKs } : {}),
    userId: env.KALTURA_USER_ID?.trim() ?? DEFAULTS.userId,
    sessionExpiry: optionalWholeNumber(env, 'KALTURA_SESSION_EXPIRY', DEFAULTS.sessionExpiry),
    sessionType: readSessionType(env.KALTURA_SESSION_TYPE),
    sessionPrivileges: readPrivileges(env.KALTURA_SESSION_PRIVILEGES),
    sessionMode: mode,
  };
}

/**
 * The App Token configuration. Only the session settings the user set are asked of Kaltura: the
 * admin-session defaults (ADMIN, `disableentitlement`) mean nothing to a token, which fixes
 * what its creator chose.
 */
function readAppTokenConfig(env: Env): SessionConfig {
  const id = env.KALTURA_APP_TOKEN_ID?.trim() ?? '';
  const token = env.KALTURA_APP_TOKEN?.trim() ?? '';
  const both = 'set both: the id and the value that kaltura-mcp app-token create printed';
  if (!id) throw new ConfigError(`KALTURA_APP_TOKEN is set but KALTURA_APP_TOKEN_ID is not; ${both}`);
  if (!token)
    throw new ConfigError(`KALTURA_APP_TOKEN_ID is set but KALTURA_APP_TOKEN (the token's value) is not; ${both}`);
  if (APP_TOKEN_ID_SHAPE.test(token) && !APP_TOKEN_ID_SHAPE.test(id)) {
    throw new ConfigError(
      'KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN look swapped: the id is the short one (like 0_abcd1234), the value the long one',
    );
  }
  if (!/^[\x21-\x7e]{1,100}$/.test(id))
    throw new ConfigError('KALTURA_APP_TOKEN_ID must be an App Token id, like 0_abcd1234');
  if (!/^[\x21-\x7e]{1,500}$/.test(token)) {
    throw new ConfigError(
      "KALTURA_APP_TOKEN must be the App Token's value (32 hexadecimal characters), with no spaces",
    );
  }
  const partnerText = env.KALTURA_PARTNER_ID?.trim() ?? '';
  if (!partnerText) {
    throw new ConfigError(
      `KALTURA_PARTNER_ID environment variable is required with an App Token: the server starts its session from the partner's widget _<partner id>; set it to the token's partner id (${WHERE_PARTNER_ID})${inTheForm(env, ['partner_id'])}`,
    );
  }
  const hashText = env.KALTURA_APP_TOKEN_HASH_TYPE?.trim();
  const hashType = hashText ? parseHashType(hashText) : DEFAULT_APP_TOKEN_HASH_TYPE;
  if (!hashType) throw new ConfigError('KALTURA_APP_TOKEN_HASH_TYPE must be SHA256, SHA1, SHA512 or MD5');
  const ask: SessionAsk = {
    ...(isSet(env.KALTURA_USER_ID) ? { userId: env.KALTURA_USER_ID!.trim() } : {}),
    ...(isSet(env.KALTURA_SESSION_TYPE) ? { type: readSessionType(env.KALTURA_SESSION_TYPE) } : {}),
    ...(isSet(env.KALTURA_SESSION_EXPIRY)
      ? { expiry: optionalWholeNumber(env, 'KALTURA_SESSION_EXPIRY', DEFAULTS.sessionExpiry) }
      : {}),
    ...(isSet(env.KALTURA_SESSION_PRIVILEGES) ? { privileges: readPrivileges(env.KALTURA_SESSION_PRIVILEGES) } : {}),
  };
  return {
    partnerId: readPartnerId(partnerText),
    adminSecret: '',
    appToken: { id, token, hashType, ask },
    userId: ask.userId ?? DEFAULTS.userId,
    sessionExpiry: ask.expiry ?? DEFAULTS.sessionExpiry,
    sessionType: ask.type ?? SessionType.USER,
    sessionPrivileges: ask.privileges ?? '',
    sessionMode: readSessionMode(env.KALTURA_SESSION_MODE),
  };
}

/** Kaltura's App Token ids: `<data centre>_<8 characters>`, e.g. `0_abcd1234`. */
const APP_TOKEN_ID_SHAPE = /^[0-9]+_[a-z0-9]{4,}$/i;

function readSessionMode(value: string | undefined): SessionMode {
  const mode = (value ?? DEFAULTS.sessionMode).trim().toLowerCase();
  if (mode !== 'local' && mode !== 'remote') {
    throw new ConfigError(`KALTURA_SESSION_MODE must be "local" or "remote", not "${mode}"`);
  }
  return mode;
}

function readProvidedKs(value: string | undefined): string | undefined {
  const ks = value?.trim();
  if (!ks) return undefined;
  if (!looksLikeKs(ks)) {
    throw new ConfigError('KALTURA_KS does not look like a Kaltura session key (a long base64 string)');
  }
  return ks;
}

/** `ADMIN` (the default, as in the original) or `USER`; Kaltura's numbers 2 and 0 work too. */
function readSessionType(value: string | undefined): number {
  const text = value?.trim().toUpperCase() || 'ADMIN';
  if (text === 'ADMIN' || text === String(SessionType.ADMIN)) return SessionType.ADMIN;
  if (text === 'USER' || text === String(SessionType.USER)) return SessionType.USER;
  throw new ConfigError('KALTURA_SESSION_TYPE must be ADMIN or USER');
}

/** Comma-separated privileges; set but empty means none. */
function readPrivileges(value: string | undefined): string {
  if (value === undefined) return DEFAULTS.sessionPrivileges;
  const privileges = value.trim();
  // eslint-disable-next-line no-control-regex -- a control character has no place in a privilege list
  if (privileges.length > 1000 || /[\u0000-\u001f\u007f]/.test(privileges)) {
    throw new ConfigError('KALTURA_SESSION_PRIVILEGES must be a short comma-separated list, e.g. "sview:*,list:*"');
  }
  return privileges;
}

/** 127.0.0.0/8, ::1 and localhost: this machine, where clear text reaches nobody else. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * `/api_v3` and whatever follows it (`/api_v3/`, `/api_v3/index.php`, a service path): the API's
 * own path, which kaltura-client adds to the service URL itself. Giving it is the commonest
 * mistake; left in, every request goes to `…/api_v3/api_v3/…` and Kaltura answers 404.
 */
const API_PATH = /\/api_v3(?:[/?#].*)?$/i;

/**
 * The service URL without the `/api_v3…` that kaltura-client adds itself, when the setting ends
 * in it (the server then uses the URL without it); undefined when the setting is fine.
 */
export function serviceUrlWithoutApiPath(value: string | undefined): string | undefined {
  const text = value?.trim() ?? '';
  return API_PATH.test(text) ? text.replace(API_PATH, '').replace(/\/+$/, '') : undefined;
}

function readServiceUrl(value: string | undefined): string {
  const text = (serviceUrlWithoutApiPath(value) ?? (value?.trim() || DEFAULTS.serviceUrl)).replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new ConfigError('KALTURA_SERVICE_URL must be an http(s) URL such as https://www.kaltura.com');
  }
  return text;
}

function optionalWholeNumber(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim();
  return text ? parseWholeNumber(text, name) : fallback;
}

/** Where a partner's id and admin secret are shown. */
const WHERE_PARTNER_ID = 'KMC > Settings > Integration Settings';

/** A partner id: a positive whole number; 0 (a placeholder some templates carry) is none. */
function readPartnerId(text: string): number {
  if (/^0+$/.test(text)) {
    throw new ConfigError(
      `KALTURA_PARTNER_ID is ${text}, which is not a partner id: set it to your partner id, a positive number (${WHERE_PARTNER_ID})`,
    );
  }
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new ConfigError(`KALTURA_PARTNER_ID must be a positive whole number, your partner id (${WHERE_PARTNER_ID})`);
  }
  return Number(text);
}

/**
 * Nothing to start a session with. The original's text first, then every way to configure one;
 * inside an MCP bundle, the form's fields to fill in.
 */
function noCredential(env: Env): ConfigError {
  const ways = startedFromBundle(env)
    ? `in this extension's settings in your MCP host (Claude Desktop: Settings > Extensions > Kaltura), fill in ${FORM.partner_id} with ${FORM.app_token_id} and ${FORM.app_token} (an App Token, the least privilege), or ${FORM.partner_id} with ${FORM.admin_secret}, or ${FORM.ks} alone, then save`
    : `set KALTURA_PARTNER_ID with KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN (an App Token, the least privilege: kaltura-mcp app-token create makes one), or KALTURA_PARTNER_ID with KALTURA_ADMIN_SECRET (both in ${WHERE_PARTNER_ID}), or KALTURA_KS alone (a ready-made session key), in the host's configuration of this server or in the .env file KALTURA_ENV_FILE names, then restart the server`;
  return new ConfigError(
    `KALTURA_ADMIN_SECRET environment variable is required: no Kaltura credential is configured; ${ways}`,
  );
}

/**
 * The titles of the MCP bundle's form fields (manifest.json's `user_config`), quoted as the form
 * shows them; a unit test keeps them equal to the manifest's.
 */
export const FORM = {
  partner_id: '"Partner ID"',
  app_token_id: '"App Token ID"',
  app_token: '"App Token value"',
  admin_secret: '"Admin secret, instead of an App Token"',
  ks: '"Session key (KS), instead of the secret"',
  service_url: '"Kaltura service URL"',
  user_id: '"User ID"',
  session_type: '"Session type"',
  download_dir: '"Download folder"',
} as const;

/** Each form field's environment variable, as the manifest's `mcp_config.env` maps them. */
export const FORM_VARIABLES: Record<string, keyof typeof FORM> = {
  KALTURA_SERVICE_URL: 'service_url',
  KALTURA_PARTNER_ID: 'partner_id',
  KALTURA_APP_TOKEN_ID: 'app_token_id',
  KALTURA_APP_TOKEN: 'app_token',
  KALTURA_ADMIN_SECRET: 'admin_secret',
  KALTURA_KS: 'ks',
  KALTURA_USER_ID: 'user_id',
  KALTURA_SESSION_TYPE: 'session_type',
  KALTURA_DOWNLOAD_DIR: 'download_dir',
};

/**
 * A message as someone who configured the server through an MCP bundle's form reads it: each
 * variable the form sets named by its field's title, and "restart the server" as the form
 * does it (saving restarts it). Every error a call answers goes through here inside a bundle.
 * The original's lead-in about KALTURA_ADMIN_SECRET is left out: the form has no such name.
 * Pure.
 */
export function inFormTerms(message: string): string {
  return message
    .replace(/^((?:Failed to [^:]+: )?)KALTURA_ADMIN_SECRET environment variable is required: /, '$1')
    .replace(/\bKALTURA_[A-Z_]+\b/g, (name) => {
      const field = FORM_VARIABLES[name];
      return field ? FORM[field] : name;
    })
    .replace(/in the host's configuration of (?:this|the) server/g, "in this extension's settings")
    .replace(/\b(then|and) restart the server\b/g, '$1 save the settings (the host restarts the server)');
}

/**
 * Started by an MCP bundle's host: its manifest sets KALTURA_MCP_BUNDLE (env-file.ts also sets it
 * on finding a field the host left as its `${user_config.…}` placeholder).
 */
export function startedFromBundle(env: Env): boolean {
  return isSet(env.KALTURA_MCP_BUNDLE);
}

/** ", or fill in <fields> in the extension's settings", inside an MCP bundle; nothing otherwise. */
function inTheForm(env: Env, fields: Array<keyof typeof FORM>): string {
  return startedFromBundle(env)
    ? `; in this extension's settings, fill in ${fields.map((f) => FORM[f]).join(' and ')}`
    : '';
}

/**
 * What an answer adds about a `.env` in the working directory that was not read (env-file.ts
 * says why it never is): its path, and how to use it.
 */
export function ignoredEnvFileNote(file: string): string {
  return `a .env file in the working directory (${file}) was not read: the server reads only the .env that KALTURA_ENV_FILE names, or the one in its own package folder; to use this one, set KALTURA_ENV_FILE=${file} in the host's configuration of the server`;
}

function parseWholeNumber(text: string, name: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new ConfigError(`${name} must be a positive whole number`);
  }
  return Number(text);
}
