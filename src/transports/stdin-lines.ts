/**
 * What the SDK's stdio transport reads in place of stdin: whole lines, each within a limit.
 *
 * Why our own reader in front of `StdioServerTransport`: the SDK's `ReadBuffer` refuses any
 * buffer over its maximum (10 MiB) by throwing, and the transport then closes itself. One long
 * line thus ended the server with code 0 and no word, every later request unanswered. Here a
 * line over the limit is skipped as it streams (never held whole: memory stays within the limit)
 * and reported, and the lines after it go on as usual. The SDK still parses and dispatches every
 * line it is given.
 *
 * It also applies backpressure: while stdout holds answers the host has not read, stdin is not
 * read either, so a host that writes requests without reading answers cannot grow this process
 * (the pipe fills and the host's own writes wait, as pipes do).
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';

/** How much of a skipped line is kept, for its answer to find the request's id in. */
export const HEAD_BYTES = 1024;

/** UTF-8's byte order mark, which some Windows tools put before what they write. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The longest line read, in bytes without its newline: the SDK's own default limit. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

/** Lines are handed on in writes of about this size (the SDK's buffer limit is set above it). */
const BATCH_BYTES = 1024 * 1024;

/** The SDK transport's own buffer limit: a batch plus the longest line fits, with room. */
export const SDK_BUFFER_BYTES = MAX_LINE_BYTES + 2 * BATCH_BYTES;

export interface StdinLinesOptions {
  /** The longest line passed on, in bytes (newline excluded). */
  maxLineBytes?: number;
  /** Called once for each line skipped, with its length in bytes and its first {@link HEAD_BYTES} bytes. */
  onTooLong(bytes: number, head: Buffer): void;
  /** Whether to hand a line (without its newline) on; unset, every line is. */
  accept?(line: Buffer): boolean;
  /** Where the answers go: reading pauses while it has more queued than its high-water mark. */
  output?: Writable;
}

/**
 * Reads `input` and writes its lines, newline included, to {@link lines}. A final piece without
 * a newline is never passed on (the SDK would not read it either).
 */
export class StdinLines {
  /** Give this to `new StdioServerTransport(lines, stdout, { maxBufferSize: SDK_BUFFER_BYTES })`. */
  readonly lines = new PassThrough();
  private readonly maxLineBytes: number;
  /** The start of the current line, when it is within the limit so far. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Bytes of the current line skipped so far, once it has passed the limit. */
  private skipped: number | undefined;
  /** The first bytes of the line being skipped. */
  private head = Buffer.alloc(0);

  constructor(
    private readonly input: Readable,
    private readonly options: StdinLinesOptions,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    input.on('data', (chunk: Buffer) => this.read(chunk));
    input.on('end', () => this.lines.end());
  }

  private read(chunk: Buffer): void {
    const out: Buffer[] = [];
    let outBytes = 0;
    const pass = (pieces: Buffer[], bytes: number) => {
      if (outBytes > 0 && outBytes + bytes > BATCH_BYTES) {
        this.lines.write(Buffer.concat(out, outBytes));
        out.length = 0;
        outBytes = 0;
      }
      out.push(...pieces);
      outBytes += bytes;
    };
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline === -1) {
        this.keep(chunk.subarray(start));
        break;
      }
      let piece = chunk.subarray(start, newline + 1);
      // A byte order mark before a line is not part of its JSON (the SDK would refuse it).
      if (this.partialBytes === 0 && this.skipped === undefined && piece.subarray(0, 3).equals(BOM)) {
        piece = piece.subarray(3);
      }
      const lineBytes = this.partialBytes + piece.length - 1;
      if (this.skipped !== undefined) this.options.onTooLong(this.skipped + piece.length - 1, this.head);
      else if (lineBytes > this.maxLineBytes) {
        this.options.onTooLong(lineBytes, Buffer.concat([...this.partial, piece], Math.min(HEAD_BYTES, lineBytes)));
      } else if (this.accepts([...this.partial, piece], lineBytes)) pass([...this.partial, piece], lineBytes + 1);
      this.partial = [];
      this.partialBytes = 0;
      this.skipped = undefined;
      start = newline + 1;
    }
    if (outBytes > 0) this.lines.write(Buffer.concat(out, outBytes));
    this.throttle();
  }

  /** Whether options.accept takes the line made of `pieces` (`bytes` long without its newline). */
  private accepts(pieces: Buffer[], bytes: number): boolean {
    if (!this.options.accept) return true;
    const line = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, bytes + 1);
    return this.options.accept(line.subarray(0, bytes));
  }

  /** The start of a line whose end has not arrived yet, or its count once it is too long. */
  private keep(start: Buffer): void {
    const rest =
      this.partialBytes === 0 && this.skipped === undefined && start.subarray(0, 3).equals(BOM)
        ? start.subarray(3)
        : start;
    if (rest.length === 0) return;
    if (this.skipped !== undefined) this.skipped += rest.length;
    else if (this.partialBytes + rest.length > this.maxLineBytes) {
      this.skipped = this.partialBytes + rest.length;
      this.head = Buffer.concat([...this.partial, rest], Math.min(HEAD_BYTES, this.partialBytes + rest.length));
      this.partial = [];
      this.partialBytes = 0;
    } else {
      this.partial.push(rest);
      this.partialBytes += rest.length;
    }
  }

  /** Stops reading while the answers already written wait for the host to read them. */
  private throttle(): void {
    const output = this.options.output;
    if (!output?.writableNeedDrain || this.input.isPaused()) return;
    this.input.pause();
    output.once('drain', () => this.input.resume());
  }
}
