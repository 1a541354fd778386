/**
 * `kaltura-mcp app-token create|list|revoke <id>`: a one-time terminal command, not the MCP
 * server. It uses the admin secret from the environment (or the .env file) once, the way the
 * server would: it signs a short ADMIN session locally (the secret never crosses the wire) and
 * calls `appToken.add`, `list` or `delete` with it. Results go to stdout; failures to stderr,
 * worded with what to do, with exit code 1 (a command line that cannot be run exits 2 earlier).
 */
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { APP_TOKEN_USAGE, type AppTokenAction } from '../cli.js';
import { DEFAULT_APP_TOKEN_HASH_TYPE } from '../kaltura/app-token.js';
import { KalturaClientManager, type KalturaDoor } from '../kaltura/client-manager.js';
import { ConfigError, DEFAULT_SERVICE_URL, readConfig } from '../kaltura/config.js';
import { KalturaError } from '../kaltura/errors.js';
import { SessionType } from '../kaltura/types.js';
import { createLogger, errorDetail, isDebug } from '../logging.js';
import { Redactor } from '../redact.js';
import { createdText, listText, revokedText } from './format.js';
import {
  addAppTokenRequest,
  asAppTokenPage,
  asNewAppToken,
  deleteAppTokenRequest,
  listAppTokensRequest,
  type AppToken,
} from './requests.js';

/** Where the command reads its settings and writes its text. */
export interface CommandIo {
  env: Record<string, string | undefined>;
  /** A problem found before any setting was read (an unreadable KALTURA_ENV_FILE). */
  configProblem?: string;
  /** A .env in the working directory, left unread (only KALTURA_ENV_FILE names one to read there). */
  ignoredEnvFile?: string;
  out(text: string): void;
  err(text: string): void;
  /** How the user runs this program, for the commands printed: see {@link invocationOf}. */
  invocation?: string;
}

/**
 * How the user ran this program, as a command to print: `kaltura-mcp` when started through the
 * installed command, else `node <script>` (a checkout has no `kaltura-mcp` on its PATH).
 */
export function invocationOf(script: string | undefined): string {
  if (!script || basename(script) === 'kaltura-mcp') return 'kaltura-mcp';
  return `node ${/\s/.test(script) ? JSON.stringify(script) : script}`;
}

/** The ADMIN session lives this long, seconds: long enough for one command, short if it leaked. */
const ADMIN_SESSION_SECONDS = 600;
/** The user of a token's sessions when KALTURA_USER_ID does not name one. */
const DEFAULT_TOKEN_USER = 'kaltura-mcp';
/** What the server's tools need of a session: list, view and download entries, nothing else. */
const SERVER_NEEDS = 'list:*,sview:*,download:*';

/** The privileges in `privileges` (Kaltura's comma-separated list) beyond {@link SERVER_NEEDS}. */
export function beyondNeeds(privileges: string): string[] {
  const needed = new Set(['list', 'sview', 'download']);
  return privileges
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p && !needed.has(p.split(':')[0]!));
}

/** The privileges of {@link SERVER_NEEDS} that `privileges` does not give for every entry (`name:*`). */
export function lackingNeeds(privileges: string): string[] {
  const given = new Set(privileges.split(',').map((p) => p.trim()));
  return SERVER_NEEDS.split(',').filter((needed) => !given.has(needed));
}

/** Pages of 500 tokens read by `list` at most. */
const MAX_LIST_PAGES = 20;

/** Runs `action`; resolves with the process's exit code. */
export async function runAppTokenCommand(action: AppTokenAction, io: CommandIo): Promise<number> {
  if (action.name === 'help') {
    io.out(`${APP_TOKEN_USAGE}\n`);
    return 0;
  }
  const redactor = new Redactor();
  // A token already configured is a secret here too.
  redactor.add(io.env.KALTURA_APP_TOKEN?.trim());
  const fail = (message: string) => {
    io.err(`kaltura-mcp app-token ${action.name}: ${redactor.redact(message)}\n`);
    return 1;
  };
  if (action.name === 'session') return printSession(io, redactor, fail);
  const env = adminSessionEnv(io.env);
  let partnerId: number;
  let serviceUrl: string;
  try {
    if (io.configProblem) throw new ConfigError(io.configProblem);
    ({ partnerId, serviceUrl } = readConfig(env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const unread = io.ignoredEnvFile
      ? `; ${io.ignoredEnvFile} was not read: to use it, run with KALTURA_ENV_FILE=${io.ignoredEnvFile}`
      : '';
    return fail(`${withAdminSecretHint(error.message)}${unread}`);
  }
  // A terminal shows warnings (a clock behind Kaltura's) but not the server's routine info lines.
  const all = createLogger(redactor, { debug: () => isDebug(io.env), write: io.err });
  const logger = { ...all, info: isDebug(io.env) ? all.info : () => undefined };
  const manager = new KalturaClientManager({ env, log: logger, masker: redactor });
  const door = manager.forCall();
  try {
    if (action.name === 'create') {
      const beyond = beyondNeeds(action.privileges);
      if (beyond.length > 0) {
        io.err(
          `kaltura-mcp app-token create: note: ${beyond.join(',')} gives the token's sessions more than the server needs (${SERVER_NEEDS}); leave --privileges out for the least\n`,
        );
      }
      const lacking = lackingNeeds(action.privileges);
      if (lacking.length > 0) {
        io.err(
          `kaltura-mcp app-token create: note: without ${lacking.join(',')} the token's sessions cannot do all the server does (list:* lists and searches entries, sview:* reads any entry, download:* gets the files of entries whose access control restricts them); leave --privileges out for what the server needs\n`,
        );
      }
      io.out(
        createdText(await create(door, action, io.env), {
          partnerId,
          invocation: io.invocation ?? 'kaltura-mcp',
          ...(serviceUrl !== DEFAULT_SERVICE_URL ? { serviceUrl } : {}),
        }),
      );
    }
    if (action.name === 'list') io.out(listText(await list(door), partnerId));
    if (action.name === 'revoke') {
      await revoke(door, action.id, partnerId, io.invocation ?? 'kaltura-mcp');
      io.out(revokedText(action.id, partnerId));
    }
    return 0;
  } catch (error) {
    if (error instanceof KalturaError && /\bsessionUserId\b/.test(error.message)) {
      return fail(
        `${error.message}: KALTURA_USER_ID names the user the token's sessions act as; fix it, or unset it for the default (${DEFAULT_TOKEN_USER})`,
      );
    }
    if (error instanceof KalturaError) return fail(error.message);
    return fail(`unexpected failure (${errorDetail(error)})`);
  }
}

/**
 * The environment with everything but the admin secret's session taken out: an ADMIN session
 * signed here, whatever the server's own settings (an App Token, a KS, session.start) say.
 */
/**
 * `app-token session`: a KS started from the configured App Token (a widget session, then
 * appToken.startSession, as the server starts its own), on stdout alone, so that
 * `KS=$(kaltura-mcp app-token session)` holds it; what it is, on stderr.
 */
async function printSession(io: CommandIo, redactor: Redactor, fail: (message: string) => number): Promise<number> {
  const all = createLogger(redactor, { debug: () => isDebug(io.env), write: io.err });
  const logger = { ...all, info: isDebug(io.env) ? all.info : () => undefined };
  const manager = new KalturaClientManager({
    env: io.env,
    log: logger,
    masker: redactor,
    ...(io.configProblem ? { configProblem: io.configProblem } : {}),
    ...(io.ignoredEnvFile ? { ignoredEnvFile: io.ignoredEnvFile } : {}),
  });
  try {
    if (!manager.usesAppToken()) {
      return fail(
        'app-token session starts a session from an App Token: set KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN (as app-token create printed them) and KALTURA_PARTNER_ID',
      );
    }
    const ks = await manager.ownSessionKs();
    io.out(`${ks}\n`);
    io.err(
      'kaltura-mcp app-token session: the line on stdout is a KS with the App Token\'s privileges, for its session duration: a credential. A remote-mode caller sends it as "Authorization: Bearer <KS>"\n',
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof KalturaError) return fail(error.message);
    throw error;
  }
}

function adminSessionEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    ...env,
    KALTURA_APP_TOKEN_ID: undefined,
    KALTURA_APP_TOKEN: undefined,
    KALTURA_KS: undefined,
    KALTURA_SESSION_MODE: 'local',
    KALTURA_SESSION_TYPE: 'ADMIN',
    KALTURA_SESSION_PRIVILEGES: '',
    KALTURA_SESSION_EXPIRY: String(ADMIN_SESSION_SECONDS),
    KALTURA_USER_ID: '',
  };
}

function withAdminSecretHint(message: string): string {
  if (!/KALTURA_(ADMIN_SECRET|PARTNER_ID)/.test(message)) return message;
  // The server's advice (every kind of credential) does not apply: these commands need the secret.
  const required = /^KALTURA_(ADMIN_SECRET|PARTNER_ID) environment variable is required/.exec(message)?.[0];
  return `${required ?? message}: app-token commands use the partner's admin secret once, from the environment or the .env file the server reads (KMC > Settings > Integration Settings); after create, remove it from the server's configuration`;
}

async function create(
  door: KalturaDoor,
  action: Extract<AppTokenAction, { name: 'create' }>,
  env: Record<string, string | undefined>,
) {
  const now = Math.floor(Date.now() / 1000);
  const answer = await door.call(
    addAppTokenRequest({
      sessionType: SessionType.USER,
      sessionUserId: env.KALTURA_USER_ID?.trim() || DEFAULT_TOKEN_USER,
      sessionPrivileges: action.privileges,
      hashType: DEFAULT_APP_TOKEN_HASH_TYPE,
      description: action.description ?? `kaltura-mcp on ${hostname()}`,
      ...(action.expiryDays ? { expiry: now + action.expiryDays * 86400 } : {}),
    }),
  );
  return asNewAppToken(answer);
}

/** Every token of the partner that is not deleted (Kaltura never lists those). */
async function list(door: KalturaDoor): Promise<AppToken[]> {
  const tokens: AppToken[] = [];
  for (let page = 1; page <= MAX_LIST_PAGES; page += 1) {
    const { objects, totalCount } = asAppTokenPage(await door.call(listAppTokensRequest(page)));
    tokens.push(...objects);
    if (objects.length < 500 || tokens.length >= totalCount) break;
  }
  return tokens;
}

async function revoke(door: KalturaDoor, id: string, partnerId: number, invocation: string): Promise<void> {
  try {
    await door.call(deleteAppTokenRequest(id));
  } catch (error) {
    if (error instanceof KalturaError && error.code === 'APP_TOKEN_ID_NOT_FOUND') {
      throw new KalturaError(
        error.code,
        `${error.message}: partner ${partnerId} has no App Token with this id, or it was revoked already; ${invocation} app-token list shows the partner's tokens`,
      );
    }
    throw error;
  }
}
