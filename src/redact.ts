/**
 * Keeps credentials out of every text the server writes: tool results, errors and logs. Log
 * records are redacted value by value before they are serialized, so that a mask never lands
 * inside JSON's own escapes.
 */
import { maskSecretIn } from './kaltura/deps.js';
import { KS_CHARACTERS } from './kaltura/ks.js';

/** KS v2 tokens start with base64 of `v2|`. */
const KS_V2_PREFIX = 'djJ8';
const KS_V2_PATTERN = new RegExp(`djJ8[${KS_CHARACTERS}]{8,}`, 'g');
/** A URL's path and query can carry a KS or a CDN token; its origin cannot. */
const URL_PATTERN = /\b(https?:\/\/[^/\s"']+)\/[^\s"']*/g;

/**
 * Remembers the secrets in play (the admin secret, every KS used) and masks them, and anything
 * shaped like a KS, in text.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never appear in output. Short values are ignored (they would mask noise). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  /** The text with every known secret masked and every KS-shaped token removed. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = maskSecretIn(out, secret);
    // The patterns only run where they can match (log lines are many, and mostly short).
    return out.includes(KS_V2_PREFIX) ? out.replace(KS_V2_PATTERN, '[KS redacted]') : out;
  }

  /** For logs: also cuts URLs down to their origin, since download URLs are credentials. */
  redactForLog(text: string): string {
    const out = this.redact(text);
    return out.includes('://') ? out.replace(URL_PATTERN, '$1/…') : out;
  }

  /**
   * A copy of `value` fit for a log line, whatever it holds: every string (keys too) through
   * {@link redactForLog}; a BigInt as its digits; an Error as `name: message`; a Date as ISO
   * text; binary data as its size; a cycle, or nesting deeper than {@link MAX_LOG_DEPTH}, as a
   * marker. `JSON.stringify` of the copy cannot throw.
   */
  redactValueForLog(value: unknown): unknown {
    return this.copyForLog(value, 0, new Set());
  }

  private copyForLog(value: unknown, depth: number, path: Set<object>): unknown {
    if (typeof value === 'string') return this.redactForLog(value);
    if (typeof value === 'bigint') return value.toString();
    if (value === null || typeof value !== 'object') {
      // number, boolean and undefined as JSON has them; a function or symbol is left out.
      return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
    }
    if (value instanceof Error) return this.redactForLog(`${value.name}: ${value.message}`);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
    if (path.has(value)) return '[circular]';
    if (depth >= MAX_LOG_DEPTH) return '[nested too deep]';
    path.add(value);
    try {
      if (Array.isArray(value)) return value.map((item) => this.copyForLog(item, depth + 1, path) ?? null);
      // No prototype: a key named __proto__ stays a plain key.
      const copy = Object.create(null) as Record<string, unknown>;
      for (const [key, item] of Object.entries(value))
        copy[this.redactForLog(key)] = this.copyForLog(item, depth + 1, path);
      return copy;
    } finally {
      path.delete(value);
    }
  }
}

/** How deep a log record's values are copied; deeper ones are cut (log fields are flat in practice). */
const MAX_LOG_DEPTH = 8;
