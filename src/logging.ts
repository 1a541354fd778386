/**
 * Diagnostics on stderr, one JSON line each, redacted; stdout belongs to the MCP protocol.
 */
import type { Redactor } from './redact.js';

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A structured logger whose every line is redacted before it is written. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** `KALTURA_DEBUG=true` turns on debug logging, as in the original. */
export function isDebug(env: Record<string, string | undefined>): boolean {
  return env.KALTURA_DEBUG?.trim().toLowerCase() === 'true';
}

/** Creates the stderr logger. `write` is injectable for tests; it defaults to stderr. */
export function createLogger(
  redactor: Redactor,
  options: { debug: () => boolean; write?: (line: string) => void },
): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level, message });
    }
    write(`${redactor.redactForLog(line)}\n`);
  };
  return {
    debug: (m, f) => {
      if (options.debug()) emit('debug', m, f);
    },
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
