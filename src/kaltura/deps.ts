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

/** The original's mask for a secret in text: its first four characters, then `***`. */
export function maskCredential(credential: string, showChars = 4): string {
  if (!credential || credential.length <= showChars) return '***';
  return `${credential.slice(0, showChars)}***`;
}

/** `text` with every occurrence of `secret` masked as {@link maskCredential} masks it. */
export function maskSecretIn(text: string, secret: string): string {
  return text.includes(secret) ? text.split(secret).join(maskCredential(secret)) : text;
}

/** `masker`, also masking `secret` (e.g. a caller's KS, which is never remembered). */
export function alsoMasking(masker: SecretMasker, secret: string | undefined): SecretMasker {
  if (!secret) return masker;
  return {
    add: (value) => masker.add(value),
    redact: (text) => masker.redact(maskSecretIn(text, secret)),
  };
}
