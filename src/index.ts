#!/usr/bin/env node
/**
 * Entry point: reads the command line and the environment, builds the server, and serves it
 * over stdio (the default) or, with `--http`, over Streamable HTTP. stdout carries JSON-RPC only
 * in stdio mode; diagnostics go to stderr.
 */
import { readFileSync } from 'node:fs';
import { parseCommand, USAGE, UsageError, type Command, type TlsFiles } from './cli.js';
import { dropUnfilledPlaceholders, loadEnvFile, serverDirectory } from './env-file.js';
import { KalturaClientManager } from './kaltura/client-manager.js';
import {
  chooseCredential,
  configWarnings,
  DEFAULT_REQUEST_TIMEOUT_MS,
  inFormTerms,
  readConnectionConfig,
  serviceUrlWithoutApiPath,
  startedFromBundle,
} from './kaltura/config.js';
import { createLogger, isDebug, serveMcpLogging, type SinkLogger } from './logging.js';
import { SERVER_INFO, sourceUrl } from './package-info.js';
import { Redactor } from './redact.js';
import { createServer } from './server.js';
import { SETTINGS_HELP } from './settings-help.js';
import { listenProblem, terminalNote } from './setup-notes.js';
import { Slots } from './slots.js';
import { BoundedTaskStore } from './tasks.js';
import { ALL_TOOLS, REMOTE_TOOLS } from './tools/all-tools.js';
import { forRemoteCallers } from './transports/remote-wording.js';

/** Saves at once (each holds a connection and a file open for its whole download). */
const MAX_CONCURRENT_SAVES = 4;
/** Library saves (save_media_files) at work at once; the others wait, holding nothing. */
const MAX_CONCURRENT_LIBRARIES = 2;

/** KALTURA_REQUEST_TIMEOUT_MS, or its default while the configuration is broken (calls will say why). */
function requestTimeoutMs(env: Record<string, string | undefined>): number {
  try {
    return readConnectionConfig(env).requestTimeoutMs;
  } catch {
    return DEFAULT_REQUEST_TIMEOUT_MS;
  }
}

async function main(): Promise<void> {
  const redactor = new Redactor();
  const logger = createLogger(redactor, { debug: () => isDebug(process.env) });
  // The .env first: it may set anything below, the HTTP options included.
  dropUnfilledPlaceholders(process.env);
  const envFile = loadEnvFile(process.env, serverDirectory(process.argv[1]), process.cwd());
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2), process.env);
  } catch (error) {
    const usage = error instanceof UsageError ? `\n\n${error.usage}` : '';
    process.stderr.write(`kaltura-mcp: ${(error as Error).message}${usage}\n`);
    process.exit(2);
  }
  // A one-time terminal command, not the MCP server: it may print to stdout.
  // A terminal command (not MCP mode) whose stdout is closed or full (`| head`, /dev/full): one
  // line saying so, not a stack trace, and exit 1.
  if (command.kind === 'app-token' || command.kind === 'help' || command.kind === 'version') {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(`kaltura-mcp: could not write to stdout (${error.code ?? 'error'})\n`);
      process.exit(1);
    });
  }
  if (command.kind === 'app-token') {
    const { invocationOf, runAppTokenCommand } = await import('./app-token/command.js');
    process.exitCode = await runAppTokenCommand(command.action, {
      env: process.env,
      configProblem: envFile.problem,
      ignoredEnvFile: envFile.ignored,
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      invocation: invocationOf(process.argv[1]),
    });
    return;
  }
  // --help and --version are not MCP mode: they answer on stdout, as every command line tool does.
  if (command.kind === 'help') return void process.stdout.write(`${USAGE}\n\n${SETTINGS_HELP}\n`);
  if (command.kind === 'version') return void process.stdout.write(`${SERVER_INFO.name} ${SERVER_INFO.version}\n`);

  if (envFile.problem) logger.error('the .env file could not be read', { problem: envFile.problem });
  if (envFile.ignored) {
    logger.warn('a .env in the working directory is not read: name it with KALTURA_ENV_FILE to use it', {
      file: envFile.ignored,
    });
  }
  const serviceUrl = serviceUrlWithoutApiPath(process.env.KALTURA_SERVICE_URL);
  if (serviceUrl) {
    logger.warn('KALTURA_SERVICE_URL ends in /api_v3, which is added to it on every request: using it without', {
      serviceUrl,
      fix: 'remove /api_v3 and what follows it from KALTURA_SERVICE_URL',
    });
  }
  for (const warning of configWarnings(process.env)) logger.warn(warning);
  // Nothing dies silently: a stray rejection is logged and the server keeps serving; an
  // uncaught exception is logged and ends the process (its state can no longer be trusted).
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { detail: describe(reason) });
  });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception; exiting', { detail: describe(error) });
    process.exit(1);
  });

  const credential = chooseCredential(process.env);
  if (command.kind === 'stdio' && credential.ignored.length > 0) {
    logger.warn(
      `${credential.kind === 'app token' ? 'the App Token' : credential.kind} is used; ${credential.ignored.join(' and ')} ${credential.ignored.length > 1 ? 'are' : 'is'} set but ignored: remove ${credential.ignored.length > 1 ? 'them' : 'it'} from the configuration`,
      { credential: credential.kind, ignored: credential.ignored },
    );
  }
  const manager = new KalturaClientManager({
    env: process.env,
    log: logger,
    masker: redactor,
    configProblem: envFile.problem,
    ignoredEnvFile: envFile.ignored,
  });
  const stopping = new AbortController();
  const settings = {
    downloadDir: process.env.KALTURA_DOWNLOAD_DIR,
    partialTtlHours: process.env.KALTURA_PARTIAL_TTL_HOURS,
    requestTimeoutMs: requestTimeoutMs(process.env),
    stopping: stopping.signal,
  };
  if (command.kind === 'http') {
    const overall = new Slots(command.limits.calls, command.limits.waiting);
    return serveRemote(command, logger, manager, overall, settings, envFile.file);
  }
  // Over stdio one client calls: tool calls at work are capped, a bounded number wait their
  // turn, and more are answered BUSY (memory stays bounded whatever the host writes).
  const { calls, waiting } = command.limits;
  const slots = {
    calls: new Slots(calls, waiting),
    saves: new Slots(MAX_CONCURRENT_SAVES, waiting),
    libraries: new Slots(MAX_CONCURRENT_LIBRARIES, waiting),
  };
  // One client: its tasks (save_media_files run as an MCP task) are kept in memory, bounded.
  const server = createServer(
    ALL_TOOLS,
    {
      door: (scope) => manager.forCall(scope),
      logger,
      slots,
      settings,
      report: (record) => logger.info('tool call', { ...record }),
      // Configured through an MCP bundle's form: answers name its fields, not variables.
      ...(startedFromBundle(process.env) ? { wording: inFormTerms } : {}),
    },
    {},
    new BoundedTaskStore(),
  );
  serveMcpLogging(server, logger);
  const { serveStdio } = await import('./transports/stdio.js');
  await serveStdio(server, logger, Object.values(slots), () => stopping.abort());
  // The .env's path says where the settings came from, and the credential is named by its kind
  // (and an App Token by its id, which is no secret); no value ever reaches the log.
  logger.info('kaltura-mcp ready on stdio', {
    version: SERVER_INFO.version,
    envFile: envFile.file ?? null,
    credential: credential.kind,
    ...(credential.appTokenId ? { appTokenId: credential.appTokenId } : {}),
  });
  // Started by hand in a terminal, it would otherwise wait in silence.
  if (process.stdin.isTTY) logger.info(terminalNote(process.argv[1] ?? 'dist/index.js'));
}

/** Remote mode: every request brings its caller's KS; the server's own credentials are never used. */
async function serveRemote(
  command: Extract<Command, { kind: 'http' }>,
  logger: SinkLogger,
  manager: KalturaClientManager,
  overall: Slots,
  settings: { downloadDir?: string; partialTtlHours?: string; requestTimeoutMs: number; stopping?: AbortSignal },
  envFile: string | undefined,
): Promise<void> {
  for (const name of ['KALTURA_ADMIN_SECRET', 'KALTURA_KS', 'KALTURA_APP_TOKEN']) {
    if (process.env[name]) logger.warn(`${name} is set but never used in HTTP mode: each caller sends its own KS`);
  }
  const source = sourceUrl(process.env);
  const tls = command.tls && readTlsFiles(command.tls);
  const { serveHttp } = await import('./transports/http.js');
  const remoteWording = forRemoteCallers(logger);
  const { url } = await serveHttp({
    host: command.host,
    port: command.port,
    allowedHosts: command.allowedHosts,
    ...(tls ? { tls } : {}),
    trustProxy: command.trustProxy,
    logger,
    overall,
    perKs: { calls: command.limits.callsPerKs, waiting: command.limits.waiting },
    perAddress: command.limits.callsPerAddress,
    maxConnections: command.limits.connections,
    serverFor: (ks, slots, report) =>
      createServer(
        REMOTE_TOOLS,
        {
          door: (scope) => manager.forCall({ ...scope, ks }),
          logger,
          slots: { calls: slots, saves: slots, libraries: slots },
          settings,
          report,
          // The server's own settings and Kaltura's whereabouts are for its log, not its callers.
          wording: remoteWording,
        },
        { websiteUrl: source },
      ),
  }).catch((error: unknown) => cannotListen(error, command, logger));
  // The log keeps only a URL's origin (download URLs are credentials): the endpoint goes apart,
  // and the source address goes without its scheme.
  logger.info(`kaltura-mcp ready on ${tls ? 'HTTPS' : 'HTTP'}`, {
    version: SERVER_INFO.version,
    origin: url,
    endpoint: 'POST /mcp',
    source: source.replace(/^https?:\/\//, ''),
    envFile: envFile ?? null,
  });
}

/** The PEM files' bytes; a file that cannot be read ends the start-up, saying which and why (exit 2). */
function readTlsFiles(files: TlsFiles): { cert: Buffer; key: Buffer } {
  const read = (option: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      process.stderr.write(`kaltura-mcp: cannot read the ${option} file ${JSON.stringify(file)} (${code})\n`);
      process.exit(2);
    }
  };
  return { cert: read('--tls-cert', files.certFile), key: read('--tls-key', files.keyFile) };
}

/** The port or address cannot be had: one log line saying why and what to do, then exit 1. */
function cannotListen(error: unknown, at: { host: string; port: number }, logger: SinkLogger): never {
  const problem = listenProblem((error as NodeJS.ErrnoException | undefined)?.code, at.host, at.port);
  if (!problem) throw error;
  logger.error(problem, { host: at.host, port: at.port });
  process.exit(1);
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return typeof reason;
}

main().catch((error: unknown) => {
  process.stderr.write(`kaltura-mcp failed to start: ${describe(error)}\n`);
  process.exit(1);
});
