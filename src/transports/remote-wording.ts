/**
 * How remote mode words a failure for its callers. Some failures are the operator's to fix: the
 * server cannot reach Kaltura, Kaltura's URL or a proxy is wrong, a request timed out. Their
 * texts name the server's own settings (KALTURA_SERVICE_URL, a proxy variable) and where Kaltura
 * is (an internal host and port, perhaps), which a remote caller can neither use nor should see.
 * Such a text goes to the server's log in full; the caller gets one that says what happened and
 * what it can do.
 */
import type { Logger } from '../logging.js';

/**
 * Texts for the operator: one naming a setting only the operator sets, or where Kaltura is
 * (`Kaltura at <host>`, as every transport failure says: a timeout, a refused connection, an
 * HTTP 5xx, a proxy).
 */
const OPERATOR_SETTINGS =
  /\b(KALTURA_SERVICE_URL|KALTURA_REQUEST_TIMEOUT_MS|(?:HTTPS?|ALL|NO)_PROXY|(?:https?|all|no)_proxy)\b|\bKaltura at \S/;

/** The text a remote caller gets in place of one meant for the operator (after the operation's `Failed to …: `). */
export const FOR_THE_OPERATOR =
  "this server could not get an answer from Kaltura (the reason is in the server's log, for its operator): try again later, and tell the server's operator if it lasts";

/** `message` as a remote caller should read it; an operator's text is logged (in full) and replaced. */
export function forRemoteCallers(logger: Logger): (message: string) => string {
  return (message) => {
    if (!OPERATOR_SETTINGS.test(message)) return message;
    logger.warn('a call failed for a reason only the operator can fix', { detail: message });
    const operation = /^Failed to [^:]+: /.exec(message)?.[0] ?? '';
    return `${operation}${FOR_THE_OPERATOR}`;
  };
}
