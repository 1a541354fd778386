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

/** Log text stderr may hold unwritten before lines are dropped (a host that never reads it). */
const MAX_STDERR_BACKLOG = 1024 * 1024;

/**
 * Writes to stderr unless a megabyte is already waiting there (stderr is an asynchronous pipe: a
 * host that never reads it would otherwise grow this process without bound). Dropped lines are
 * counted in the next line that gets through.
 */
function stderrWriter(): (line: string) => void {
  let dropped = 0;
  return (line) => {
    if (process.stderr.writableLength > MAX_STDERR_BACKLOG) {
      dropped += 1;
      return;
    }
    if (dropped > 0) {
      process.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', message: 'log lines dropped: stderr was not being read', dropped })}\n`,
      );
      dropped = 0;
    }
    process.stderr.write(line);
  };
}

/**
 * Creates the logger. `write` is injectable for tests; it defaults to stderr. Each record is
 * redacted value by value, then serialized, so every line is valid JSON whatever the message
 * and fields hold (quotes, backslashes, URLs, cycles, BigInt); logging never throws.
 */
export function createLogger(
  redactor: Redactor,
  options: { debug: () => boolean; write?: (line: string) => void },
): SinkLogger {
  const write = options.write ?? stderrWriter();
  const sinks = new Set<LogSink>();
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    const mcpLevel = MCP_LEVELS[level];
    const toStderr = level !== 'debug' || options.debug();
    const toSinks = [...sinks].filter((sink) => sink.wants(mcpLevel));
    if (!toStderr && toSinks.length === 0) return;
    const time = new Date().toISOString();
    let record: Record<string, unknown>;
    let line: string;
    try {
      record = redactor.redactValueForLog({ time, level, message, ...fields }) as Record<string, unknown>;
      line = JSON.stringify(record);
    } catch (error) {
      // Fields that cannot even be read (a getter that throws): the line says so, without them.
      record = { time, level, message: redactor.redactForLog(String(message)), fieldsUnreadable: errorName(error) };
      line = JSON.stringify(record);
    }
    if (toStderr) write(`${line}\n`);
    for (const sink of toSinks) {
      try {
        sink.send(mcpLevel, record);
      } catch {
        // The client's notification is dropped; the other sinks still get the line.
      }
    }
  };
  // Whatever goes wrong above (a message whose toString throws), the code that logs goes on.
  const safely =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        emit(level, message, fields);
      } catch {
        // Nothing to log it with.
      }
    };
  return {
    debug: safely('debug'),
    info: safely('info'),
    warn: safely('warn'),
    error: safely('error'),
    addSink: (sink) => {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
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
