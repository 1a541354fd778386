/**
 * Keeps credentials out of every text the server writes: tool results, errors and logs.
 */
import { maskSecretIn } from './kaltura/deps.js';
import { KS_CHARACTERS } from './kaltura/ks.js';

/** KS v2 tokens start with base64 of `v2|`. */
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
    return out.replace(KS_V2_PATTERN, '[KS redacted]');
  }

  /** For logs: also cuts URLs down to their origin, since download URLs are credentials. */
  redactForLog(text: string): string {
    return this.redact(text).replace(URL_PATTERN, '$1/…');
  }
}
