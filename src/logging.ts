/**
 * Diagnostics: one JSON line per event, redacted, on stderr (stdout belongs to the MCP protocol)
 * and, once the client has asked for a level with `logging/setLevel`, as MCP
 * `notifications/message` at or above that level, redacted exactly as stderr is.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { LoggingLevelSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { invalidParams } from './protocol-error.js';
import type { Redactor } from './redact.js';

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A structured logger whose every line is redacted before it is written. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Somewhere else log lines go, at the levels it wants. */
interface LogSink {
  wants(level: LoggingLevel): boolean;
  send(level: LoggingLevel, record: Record<string, unknown>): void;
}

/** A logger that can also hand its lines to sinks (an MCP client). */
export interface SinkLogger extends Logger {
  /** Adds a sink; returns the function that removes it. */
  addSink(sink: LogSink): () => void;
}

/** Our levels as MCP (syslog) levels. */
const MCP_LEVELS: Record<LogLevel, LoggingLevel> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' };
const SEVERITY = new Map(LoggingLevelSchema.options.map((level, index) => [level, index]));

/** An unexpected error as a log line's `detail`: its name and message (the line is redacted as a whole). */
export function errorDetail(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** `KALTURA_DEBUG=true` turns on debug logging, as in the original. */
export function isDebug(env: Record<string, string | undefined>): boolean {
  return env.KALTURA_DEBUG?.trim().toLowerCase() === 'true';
}

/** Creates the logger. `write` is injectable for tests; it defaults to stderr. */
export function createLogger(
  redactor: Redactor,
  options: { debug: () => boolean; write?: (line: string) => void },
): SinkLogger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const sinks = new Set<LogSink>();
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    const mcpLevel = MCP_LEVELS[level];
    const toStderr = level !== 'debug' || options.debug();
    const toSinks = [...sinks].filter((sink) => sink.wants(mcpLevel));
    if (!toStderr && toSinks.length === 0) return;
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level, message });
    }
    const redacted = redactor.redactForLog(line);
    if (toStderr) write(`${redacted}\n`);
    for (const sink of toSinks) sink.send(mcpLevel, JSON.parse(redacted) as Record<string, unknown>);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    addSink: (sink) => {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
  };
}

/** logging/setLevel as the transport delivers it; its params are checked here, to answer with -32602. */
const SetLevelRequest = z.object({ method: z.literal('logging/setLevel'), params: z.unknown() });

/**
 * MCP logging for `server`: advertises `logging`, honours `logging/setLevel`, and from then on
 * sends each log line at or above the level as `notifications/message`. Nothing is sent before
 * a level is set. Call before the server connects.
 */
export function serveMcpLogging(server: Server, logger: SinkLogger): void {
  server.registerCapabilities({ logging: {} });
  let threshold: LoggingLevel | undefined;
  server.setRequestHandler(SetLevelRequest, (request) => {
    const level = LoggingLevelSchema.safeParse((request.params as { level?: unknown } | null)?.level);
    if (!level.success) {
      throw invalidParams(
        `Invalid params for logging/setLevel: "level" must be one of ${LoggingLevelSchema.options.join(', ')}`,
      );
    }
    threshold = level.data;
    return {};
  });
  const remove = logger.addSink({
    wants: (level) => threshold !== undefined && SEVERITY.get(level)! >= SEVERITY.get(threshold)!,
    // A notification that cannot be sent (the client is gone) is dropped, not logged: a log line
    // about it would only try to send another.
    send: (level, data) =>
      void server.sendLoggingMessage({ level, logger: 'kaltura-mcp', data }).catch(() => undefined),
  });
  server.onclose = remove;
}
