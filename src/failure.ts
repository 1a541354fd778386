/**
 * The one failure a tool answers with. Whatever goes wrong below a tool (a broken argument rule,
 * a flavor that cannot be chosen, a save that is refused) is thrown as a {@link ToolFailure};
 * Kaltura's own errors arrive as `KalturaError`. The formatter in `tools/tool-call.ts` alone
 * turns either into the answer a client sees, so every failure is worded and laid out one way.
 */

/**
 * Which of the original's error objects a failure takes:
 * - `operation`: its `handle_kaltura_error`: `{"error": "Failed to <operation>: <message>",
 *   "errorType", "operation", ...the call's context, ...details}`, indented;
 * - `bare`: `{"error": <message>, ...details}` on one line (its `json.dumps` without indent, used
 *   for answers about the entry's files: no flavor, flavor not found);
 * - `bare-indented`: the same, indented (its refusal of a malformed argument).
 */
export type FailureStyle = 'operation' | 'bare' | 'bare-indented';

/** A failure to answer with: a stable code, a message that says what happened and what to do, and more fields. */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure';
  /** Fields added to the answer's JSON object, after `error` (and the operation's fields). */
  readonly details: Record<string, unknown>;
  readonly style: FailureStyle;
  /** Kaltura's own error: the `operation` style shows its code after the message, as the original did. */
  readonly fromKaltura: boolean;

  constructor(
    /** What kind of failure, e.g. `NO_FLAVORS`, `FILE_EXISTS`, `INVALID_ARGUMENTS`: logs, batch results and `errorType`. */
    readonly code: string,
    /** Safe to show: never a secret, a KS or a download URL. */
    message: string,
    options: { details?: Record<string, unknown>; style?: FailureStyle; fromKaltura?: boolean } = {},
  ) {
    super(message);
    this.details = options.details ?? {};
    this.style = options.style ?? 'operation';
    this.fromKaltura = options.fromKaltura ?? false;
  }
}
