import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StdinLines } from './stdin-lines.js';

/** Feeds `chunks` through a StdinLines and collects what it passes on and what it skips. */
async function feed(chunks: Array<string | Buffer>, maxLineBytes = 10) {
  const input = new PassThrough();
  const skipped: number[] = [];
  const heads: string[] = [];
  const reader = new StdinLines(input, {
    maxLineBytes,
    onTooLong: (bytes, head) => {
      skipped.push(bytes);
      heads.push(head.toString('utf8'));
    },
  });
  const out: Buffer[] = [];
  reader.lines.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve) => reader.lines.on('end', resolve));
  for (const chunk of chunks) input.write(chunk);
  input.end();
  await ended;
  return { text: Buffer.concat(out).toString('utf8'), skipped, heads };
}

describe('StdinLines', () => {
  it('passes whole lines on, however the input is cut, and holds back a last piece without a newline', async () => {
    const { text, skipped } = await feed(['ab', 'c\nde', 'f\n\ng', 'h\nunfinished']);
    expect(text).toBe('abc\ndef\n\ngh\n');
    expect(skipped).toEqual([]);
  });

  it('skips a line over the limit as it streams, reports its length, and goes on with the next', async () => {
    const { text, skipped } = await feed(['short\n0123456', '789', 'ABCDEF\nafter\n', '12345678901\n']);
    expect(text).toBe('short\nafter\n');
    expect(skipped).toEqual([16, 11]);
  });

  it("keeps a skipped line's first bytes, for its answer to find the request's id in", async () => {
    const { heads } = await feed(['0123456', '789', 'ABCDEF\n', '12345678901\n'], 10);
    expect(heads).toEqual(['0123456789ABCDEF', '12345678901']);
  });

  it('drops a byte order mark before a line, in one chunk or across two', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { text } = await feed([Buffer.concat([bom, Buffer.from('{"a":1}\n')]), bom, Buffer.from('{"b":2}\n')], 100);
    expect(text).toBe('{"a":1}\n{"b":2}\n');
  });

  it('takes a line of exactly the limit, counting bytes (not characters) and not the newline', async () => {
    const { text, skipped } = await feed(['0123456789\n', 'ééééé\n', 'éééééé\n']);
    expect(text).toBe('0123456789\nééééé\n');
    expect(skipped).toEqual([12]);
  });

  it('stops reading while the output has answers waiting, and reads on once they drain', async () => {
    const input = new PassThrough();
    const output = new PassThrough({ highWaterMark: 4 });
    const reader = new StdinLines(input, { maxLineBytes: 100, onTooLong: () => undefined, output });
    reader.lines.resume();
    output.write('answer not yet read');
    input.write('one\n');
    expect(input.isPaused()).toBe(true);
    output.resume();
    await new Promise((r) => setImmediate(r));
    expect(input.isPaused()).toBe(false);
  });
});
