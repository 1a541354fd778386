/**
 * The command line: stdio by default; `--http` serves remote callers. Parsed by `node:util`'s
 * `parseArgs` (unknown options refused, `--port=9000` and `--port 9000` alike); this file only
 * adds the rules between options and the environment. Pure: it reads argv and the environment
 * and says what to do, or what is wrong.
 */
import { parseArgs } from 'node:util';
import { isLoopbackHost } from './kaltura/config.js';

/** How to serve, or the one-time App Token command to run instead. */
export type Command =
  | { kind: 'stdio'; limits: Pick<CallLimits, 'calls' | 'waiting'> }
  | {
      kind: 'http';
      host: string;
      port: number;
      allowedHosts: string[];
      /** Proxies in front whose X-Forwarded-For entries are believed (0: none; the peer is the caller). */
      trustProxy: number;
      limits: CallLimits;
      /** Serve HTTPS with these PEM files (read by the caller); absent: plain HTTP. */
      tls?: TlsFiles;
      /** The operator says a proxy in front terminates TLS, so plain HTTP on a non-loopback address is fine. */
      behindTlsProxy: boolean;
    }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'app-token'; action: AppTokenAction };

/** What `kaltura-mcp app-token …` asks for. */
export type AppTokenAction =
  | {
      name: 'create';
      /** The privileges its sessions get. */
      privileges: string;
      /** Days until the token stops working; none means never. */
      expiryDays?: number;
      description?: string;
    }
  | { name: 'list' }
  | { name: 'revoke'; id: string }
  | { name: 'session' }
  | { name: 'help' };

/** A command line that cannot be run, and the usage text to show with the reason. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

/** What an App Token's sessions may do unless `--privileges` says otherwise: list, view and download every entry. */
export const DEFAULT_APP_TOKEN_PRIVILEGES = 'list:*,sview:*,download:*';

export const APP_TOKEN_USAGE = `Usage: kaltura-mcp app-token create [--privileges P] [--expiry-days N] [--description TEXT]
       kaltura-mcp app-token list
       kaltura-mcp app-token revoke <id>
       kaltura-mcp app-token session

Manages the Kaltura App Tokens the server can use instead of the admin secret. These commands
run once, in a terminal (they are not the MCP server), with KALTURA_PARTNER_ID and
KALTURA_ADMIN_SECRET from the environment or the .env file, read as the server reads them.

  create   makes a token for USER sessions (user KALTURA_USER_ID, or kaltura-mcp) and prints the
           two lines to put in the server's configuration, KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN
    --privileges P       what its sessions may do (default ${DEFAULT_APP_TOKEN_PRIVILEGES}:
                         list and view every entry, download every file)
    --expiry-days N      the token stops working after N days (default: it does not expire)
    --description TEXT   shown by list (default: kaltura-mcp on <this host>)
  list     the partner's tokens: id, status, expiry, session, privileges, description (never
           their values)
  revoke   deletes the token <id>: sessions started from it stop working at once
  session  prints a KS started from the App Token the server is configured with
           (KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN; no admin secret): what a remote-mode
           caller sends as "Authorization: Bearer <KS>". It is a credential: keep it as one
  --help   this text`;

export const USAGE = `Usage: kaltura-mcp [--http [--port N] [--host H] [--allowed-hosts a,b]
                    [--tls-cert FILE --tls-key FILE | --behind-tls-proxy] [--trust-proxy N]]
       kaltura-mcp app-token create|list|revoke <id>|session   (see kaltura-mcp app-token --help)

Without options the server speaks MCP over stdio (what desktop hosts run).
  --http                 serve MCP over Streamable HTTP at POST /mcp, statelessly, each request
                         carrying the caller's own KS ("Authorization: Bearer <KS>")
  --port N               the port (env PORT; default 8080; 0 picks a free one)
  --host H               the address to bind (env HOST; default 127.0.0.1)
  --allowed-hosts a,b    host names clients may use (env MCP_ALLOWED_HOSTS); required when
                         --host is not a loopback address
  --tls-cert FILE        serve HTTPS with this PEM certificate chain (env MCP_TLS_CERT) ...
  --tls-key FILE         ... and its PEM private key (env MCP_TLS_KEY)
  --behind-tls-proxy     a proxy in front terminates TLS (env MCP_BEHIND_TLS_PROXY=true); a
                         non-loopback --host needs TLS or this: a KS is a bearer credential and
                         must never travel in clear text
  --trust-proxy N        N proxies in front append to X-Forwarded-For: count callers by the
                         address the N-th saw (env MCP_TRUST_PROXY; default 0: the peer)
  (env MCP_MAX_CALLS, MCP_MAX_CALLS_PER_KS, MCP_MAX_WAITING_CALLS: 32, 8 and 256 by default;
   MCP_MAX_CALLS_PER_ADDRESS, MCP_MAX_CONNECTIONS: 16 and 256; stdio reads MCP_MAX_CALLS and
   MCP_MAX_WAITING_CALLS too)
  --help, --version
Settings come from the environment and a .env file: kaltura-mcp --help lists every one.`;

/** The PEM files of `--tls-cert` and `--tls-key`, as paths. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** How many tool calls the server runs and keeps waiting, and what remote mode allows one caller. */
export interface CallLimits {
  /** Calls at work at once, over every caller (MCP_MAX_CALLS, default 32). */
  calls: number;
  /** Calls of one KS at work at once (MCP_MAX_CALLS_PER_KS, default 8). */
  callsPerKs: number;
  /** Calls waiting for a slot before more are answered BUSY (MCP_MAX_WAITING_CALLS, default 256). */
  waiting: number;
  /** Requests of one caller address in flight before more get 429 (MCP_MAX_CALLS_PER_ADDRESS, default 16). */
  callsPerAddress: number;
  /** Open connections; at the cap the oldest idle one is closed for a new one (MCP_MAX_CONNECTIONS, default 256). */
  connections: number;
}

/**
 * The limits unless the environment says otherwise (stdio uses `calls` and `waiting`). Bursts
 * then cost Kaltura, and this process's memory, a bounded amount.
 */
export const DEFAULT_LIMITS: CallLimits = {
  calls: 32,
  callsPerKs: 8,
  waiting: 256,
  callsPerAddress: 16,
  connections: 256,
};

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = '127.0.0.1';

/** The options, as `parseArgs` reads them. */
const OPTIONS = {
  http: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  'allowed-hosts': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'behind-tls-proxy': { type: 'boolean' },
  'trust-proxy': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The options that only mean something with `--http`. */
const HTTP_ONLY = ['port', 'host', 'allowed-hosts', 'tls-cert', 'tls-key', 'behind-tls-proxy', 'trust-proxy'] as const;

/**
 * What the command line (and PORT, HOST, MCP_ALLOWED_HOSTS, MCP_TLS_CERT, MCP_TLS_KEY,
 * MCP_BEHIND_TLS_PROXY) asks for; throws a {@link UsageError} saying what is wrong.
 */
export function parseCommand(argv: readonly string[], env: Record<string, string | undefined>): Command {
  if (argv[0] === 'app-token') return { kind: 'app-token', action: parseAppTokenAction(argv.slice(1)) };
  try {
    return parseServerCommand(argv, env);
  } catch (error) {
    throw new UsageError((error as Error).message, USAGE);
  }
}

function parseServerCommand(argv: readonly string[], env: Record<string, string | undefined>): Command {
  const { values } = readArgs(argv, OPTIONS, false);
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (!values.http) {
    const misplaced = HTTP_ONLY.find((name) => values[name] !== undefined);
    if (misplaced) throw new Error(`--${misplaced} only applies with --http`);
    return {
      kind: 'stdio',
      limits: {
        calls: limit(env, 'MCP_MAX_CALLS', DEFAULT_LIMITS.calls),
        waiting: limit(env, 'MCP_MAX_WAITING_CALLS', DEFAULT_LIMITS.waiting),
      },
    };
  }
  // An empty variable (PORT= or HOST= in a compose file or .env) means unset, as everywhere else.
  const portText = (values.port ?? (env.PORT?.trim() || undefined) ?? String(DEFAULT_PORT)).trim();
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new Error(`the port must be a number from 0 to 65535, not "${portText}"`);
  }
  const host = (values.host ?? (env.HOST?.trim() || undefined) ?? DEFAULT_HOST).trim();
  if (!host) throw new Error('--host needs an address to bind, e.g. 127.0.0.1 or 0.0.0.0');
  const allowedHosts = (values['allowed-hosts'] ?? env.MCP_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (!isLoopbackHost(host) && allowedHosts.length === 0) {
    throw new Error(
      `binding to ${host} lets other machines reach the server: name the host names its clients use with --allowed-hosts (or MCP_ALLOWED_HOSTS), e.g. --allowed-hosts mcp.example.com`,
    );
  }
  const tls = tlsFiles(values['tls-cert'] ?? env.MCP_TLS_CERT, values['tls-key'] ?? env.MCP_TLS_KEY);
  const behindTlsProxy = values['behind-tls-proxy'] ?? flag(env, 'MCP_BEHIND_TLS_PROXY');
  if (!isLoopbackHost(host) && !tls && !behindTlsProxy) {
    throw new Error(
      `binding to ${host} without TLS would carry every caller's KS, a bearer credential, in clear text: serve HTTPS with --tls-cert and --tls-key (or MCP_TLS_CERT and MCP_TLS_KEY), or, when a proxy or ingress in front terminates TLS, say so with --behind-tls-proxy (or MCP_BEHIND_TLS_PROXY=true)`,
    );
  }
  const trustText = (values['trust-proxy'] ?? (env.MCP_TRUST_PROXY?.trim() || undefined) ?? '0').trim();
  if (!/^[0-9]{1,2}$/.test(trustText)) {
    throw new Error(
      `--trust-proxy (MCP_TRUST_PROXY) is the number of proxies in front of the server, from 0 to 99, not "${trustText}"`,
    );
  }
  const limits = {
    calls: limit(env, 'MCP_MAX_CALLS', DEFAULT_LIMITS.calls),
    callsPerKs: limit(env, 'MCP_MAX_CALLS_PER_KS', DEFAULT_LIMITS.callsPerKs),
    waiting: limit(env, 'MCP_MAX_WAITING_CALLS', DEFAULT_LIMITS.waiting),
    callsPerAddress: limit(env, 'MCP_MAX_CALLS_PER_ADDRESS', DEFAULT_LIMITS.callsPerAddress),
    connections: limit(env, 'MCP_MAX_CONNECTIONS', DEFAULT_LIMITS.connections),
  };
  const trustProxy = Number(trustText);
  return { kind: 'http', host, port, allowedHosts, trustProxy, limits, ...(tls ? { tls } : {}), behindTlsProxy };
}

/** Both TLS files or neither. */
function tlsFiles(cert: string | undefined, key: string | undefined): TlsFiles | undefined {
  const certFile = cert?.trim() || undefined;
  const keyFile = key?.trim() || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile) throw new Error('--tls-key (MCP_TLS_KEY) needs --tls-cert (MCP_TLS_CERT): HTTPS takes both');
  if (!keyFile) throw new Error('--tls-cert (MCP_TLS_CERT) needs --tls-key (MCP_TLS_KEY): HTTPS takes both');
  return { certFile, keyFile };
}

/** A yes/no variable: true/false, 1/0, yes/no (any case); unset or empty is no. */
function flag(env: Record<string, string | undefined>, name: string): boolean {
  const text = env[name]?.trim().toLowerCase();
  if (!text) return false;
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  throw new Error(`${name} must be true or false, not "${env[name]}"`);
}

/** The options of `app-token`, as `parseArgs` reads them. */
const APP_TOKEN_OPTIONS = {
  privileges: { type: 'string' },
  'expiry-days': { type: 'string' },
  description: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The options only `app-token create` takes. */
const CREATE_ONLY = ['privileges', 'expiry-days', 'description'] as const;

/** `app-token create|list|revoke <id>`: the one command line with words besides options. */
function parseAppTokenAction(argv: readonly string[]): AppTokenAction {
  const fail = (message: string): never => {
    throw new UsageError(message, APP_TOKEN_USAGE);
  };
  let parsed: ReturnType<typeof readArgs<typeof APP_TOKEN_OPTIONS>>;
  try {
    parsed = readArgs(argv, APP_TOKEN_OPTIONS, true);
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  const [name, ...rest] = positionals;
  if (name !== 'create' && name !== 'list' && name !== 'revoke' && name !== 'session') {
    return fail(
      name === undefined ? 'app-token needs create, list, revoke or session' : `unknown app-token command "${name}"`,
    );
  }
  if (name !== 'create') {
    const misplaced = CREATE_ONLY.find((option) => values[option] !== undefined);
    if (misplaced) fail(`--${misplaced} only applies to app-token create`);
  }
  if (name === 'revoke') {
    if (rest.length !== 1 || !rest[0]!.trim()) fail('app-token revoke needs the id of one token, e.g. 0_abcd1234');
    return { name, id: rest[0]!.trim() };
  }
  if (rest.length > 0) fail(`unexpected argument "${rest[0]}": app-token ${name} takes options only`);
  if (name === 'list' || name === 'session') return { name };
  const privileges = (values.privileges ?? DEFAULT_APP_TOKEN_PRIVILEGES).trim();
  // eslint-disable-next-line no-control-regex -- a control character has no place in a privilege list
  if (!privileges || privileges.length > 1000 || /[\u0000-\u001f\u007f\s]/.test(privileges)) {
    fail('--privileges must be a comma-separated list without spaces, e.g. list:*,sview:*,download:*');
  }
  const daysText = values['expiry-days']?.trim();
  if (daysText !== undefined && (!/^[0-9]+$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > 36500)) {
    fail(`--expiry-days must be a whole number of days from 1 to 36500, not "${daysText}"`);
  }
  const description = values.description?.trim();
  // eslint-disable-next-line no-control-regex -- one line of text
  if (description !== undefined && (description.length > 1000 || /[\u0000-\u001f\u007f]/.test(description))) {
    fail('--description must be one line of at most 1000 characters');
  }
  return {
    name,
    privileges,
    ...(daysText !== undefined ? { expiryDays: Number(daysText) } : {}),
    ...(description ? { description } : {}),
  };
}

type OptionTable = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** `parseArgs` over `options`, its errors reworded as one short sentence. */
function readArgs<T extends OptionTable>(argv: readonly string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    // parseArgs quotes the offending option as '--name' or '--name <value>'.
    const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Error(`unknown option ${option}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      // A boolean given a value (`--http=yes`), or a value missing (`--port` last, or before another option).
      const name = option.replace(/^-+/, '');
      const wantsValue = name in options && options[name]!.type === 'string';
      if (!wantsValue) throw new Error(`${option} takes no value`);
      // parseArgs takes nothing that starts with "-" as a value (`--expiry-days -3`).
      const next = argv[argv.indexOf(option) + 1];
      if (/ambiguous/.test(message) && next !== undefined) {
        throw new Error(
          `${option} needs a value, and "${next}" looks like an option: write ${option}=${next} if it is the value`,
        );
      }
      throw new Error(`${option} needs a value`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const word = /'([^']*)'/.exec(message)?.[1] ?? '';
      throw new Error(`unexpected argument "${word}": the server takes options only`);
    }
    throw new Error(message);
  }
}

function limit(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 100_000) {
    throw new Error(`${name} must be a whole number from 1 to 100000, not "${text}"`);
  }
  return Number(text);
}
