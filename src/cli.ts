/**
 * The command line: stdio by default; `--http` serves remote callers. Pure: it reads argv and
 * the environment and says what to do, or what is wrong.
 */
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

/** What the command line (and PORT, HOST, MCP_ALLOWED_HOSTS) asks for. */
export function parseCommand(argv: readonly string[], env: Record<string, string | undefined>): Command {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s, 2) as [string, string?]) : [arg];
    switch (name) {
      case '--http':
      case '--help':
      case '-h':
      case '--version':
      case '-v':
        flags.set(name, true);
        break;
      case '--port':
      case '--host':
      case '--allowed-hosts': {
        const value = inline ?? argv[i + 1];
        if (value === undefined || (inline === undefined && value.startsWith('--'))) {
          throw new Error(`${name} needs a value`);
        }
        if (inline === undefined) i += 1;
        flags.set(name, value);
        break;
      }
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help' };
  if (flags.has('--version') || flags.has('-v')) return { kind: 'version' };
  if (!flags.has('--http')) {
    for (const name of ['--port', '--host', '--allowed-hosts']) {
      if (flags.has(name)) throw new Error(`${name} only applies with --http`);
    }
    return { kind: 'stdio' };
  }
  const portText = String(flags.get('--port') ?? env.PORT ?? DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new Error(`the port must be a number from 0 to 65535, not "${portText}"`);
  const host = String(flags.get('--host') ?? env.HOST ?? DEFAULT_HOST).trim();
  const allowedHosts = String(flags.get('--allowed-hosts') ?? env.MCP_ALLOWED_HOSTS ?? '')
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

function limit(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 100_000) {
    throw new Error(`${name} must be a whole number from 1 to 100000, not "${text}"`);
  }
  return Number(text);
}
