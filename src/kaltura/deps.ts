/**
 * What the Kaltura layer needs from the server around it, declared here so that nothing in
 * `kaltura/` imports from above it: a log, and something that keeps secrets out of text.
 */

/** Structured log lines (the server's logger fits). */
export interface KalturaLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Masks secrets in text (the server's Redactor fits). */
export interface SecretMasker {
  /** Remembers a value that must never appear in output. */
  add(secret: string | undefined): void;
  /** The text with every remembered secret, and anything shaped like a KS, masked. */
  redact(text: string): string;
}
