/**
 * The command line: stdio by default; `--http` serves remote callers. Parsed by `node:util`'s
 * `parseArgs` (unknown options refused, `--port=9000` and `--port 9000` alike); this file only
 * adds the rules between options and the environment. Pure: it reads argv and the environment
 * and says what to do, or what is wrong.
 */
import { parseArgs } from 'node:util';
import { isLoopbackHost } from './kaltura/config.js';

/** How to serve. */
export type Command =
  | { kind: 'stdio' }
  | { kind: 'http'; host: string; port: number; allowedHosts: string[]; limits: CallLimits }
  | { kind: 'help' }
  | { kind: 'version' };

export const USAGE = `Usage: kaltura-mcp [--http [--port N] [--host H] [--allowed-hosts a,b]]

Without options the server speaks MCP over stdio (what desktop hosts run).
  --http                 serve MCP over Streamable HTTP at POST /mcp, statelessly, each request
                         carrying the caller's own KS ("Authorization: Bearer <KS>")
  --port N               the port (env PORT; default 8080; 0 picks a free one)
  --host H               the address to bind (env HOST; default 127.0.0.1)
  --allowed-hosts a,b    host names clients may use (env MCP_ALLOWED_HOSTS); required when
                         --host is not a loopback address
  (env MCP_MAX_CALLS, MCP_MAX_CALLS_PER_KS, MCP_MAX_WAITING_CALLS: 32, 8 and 256 by default)
  --help, --version
Configuration comes from the environment and a .env file: see the README.`;

/** How many tool calls remote mode runs and keeps waiting. */
export interface CallLimits {
  /** Calls at work at once, over every caller (MCP_MAX_CALLS, default 32). */
  calls: number;
  /** Calls of one KS at work at once (MCP_MAX_CALLS_PER_KS, default 8). */
  callsPerKs: number;
  /** Calls waiting for a slot before more are answered BUSY (MCP_MAX_WAITING_CALLS, default 256). */
  waiting: number;
}

/**
 * The limits unless the environment says otherwise (stdio uses `calls` as is). Bursts then cost
 * Kaltura, and this process's memory, a bounded amount: 32 calls at work keep RSS under 90 MB
 * through 200 concurrent calls.
 */
export const DEFAULT_LIMITS: CallLimits = { calls: 32, callsPerKs: 8, waiting: 256 };

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = '127.0.0.1';

/** The options, as `parseArgs` reads them. */
const OPTIONS = {
  http: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  'allowed-hosts': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The options that only mean something with `--http`. */
const HTTP_ONLY = ['port', 'host', 'allowed-hosts'] as const;

/** What the command line (and PORT, HOST, MCP_ALLOWED_HOSTS) asks for; throws an Error saying what is wrong. */
export function parseCommand(argv: readonly string[], env: Record<string, string | undefined>): Command {
  const { values } = readArgs(argv);
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (!values.http) {
    const misplaced = HTTP_ONLY.find((name) => values[name] !== undefined);
    if (misplaced) throw new Error(`--${misplaced} only applies with --http`);
    return { kind: 'stdio' };
  }
  const portText = (values.port ?? env.PORT ?? String(DEFAULT_PORT)).trim();
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new Error(`the port must be a number from 0 to 65535, not "${portText}"`);
  }
  const host = (values.host ?? env.HOST ?? DEFAULT_HOST).trim();
  const allowedHosts = (values['allowed-hosts'] ?? env.MCP_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (!isLoopbackHost(host) && allowedHosts.length === 0) {
    throw new Error(
      `binding to ${host} lets other machines reach the server: name the host names its clients use with --allowed-hosts (or MCP_ALLOWED_HOSTS), e.g. --allowed-hosts mcp.example.com`,
    );
  }
  const limits = {
    calls: limit(env, 'MCP_MAX_CALLS', DEFAULT_LIMITS.calls),
    callsPerKs: limit(env, 'MCP_MAX_CALLS_PER_KS', DEFAULT_LIMITS.callsPerKs),
    waiting: limit(env, 'MCP_MAX_WAITING_CALLS', DEFAULT_LIMITS.waiting),
  };
  return { kind: 'http', host, port, allowedHosts, limits };
}

/** `parseArgs` over {@link OPTIONS}, its errors reworded as one short sentence. */
function readArgs(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    // parseArgs quotes the offending option as '--name' or '--name <value>'.
    const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Error(`unknown option ${option}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      // A boolean given a value (`--http=yes`), or a value missing (`--port` last, or before another option).
      const name = option.replace(/^-+/, '');
      const wantsValue = name in OPTIONS && OPTIONS[name as keyof typeof OPTIONS].type === 'string';
      throw new Error(wantsValue ? `${option} needs a value` : `${option} takes no value`);
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
