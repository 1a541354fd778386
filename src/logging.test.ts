import { describe, expect, it } from 'vitest';
import { createLogger } from './logging.js';
import { Redactor } from './redact.js';

describe('logger', () => {
  it('writes one redacted JSON line per event, debug only when enabled', () => {
    const lines: string[] = [];
    const redactor = new Redactor();
    redactor.add('super-secret-value');
    let debug = false;
    const logger = createLogger(redactor, { debug: () => debug, write: (l) => lines.push(l) });
    logger.info('hello', { detail: 'super-secret-value' });
    logger.debug('hidden');
    debug = true;
    logger.debug('shown');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', message: 'hello', detail: 'supe***' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'debug', message: 'shown' });
  });
});

describe('logger: redact each value, then serialize', () => {
  const setup = () => {
    const lines: string[] = [];
    const redactor = new Redactor();
    redactor.add('super-secret-value');
    const logger = createLogger(redactor, { debug: () => true, write: (l) => lines.push(l) });
    const sent: Array<Record<string, unknown>> = [];
    logger.addSink({ wants: () => true, send: (_level, record) => sent.push(record) });
    return { lines, logger, sent };
  };

  it('writes valid JSON whatever the text holds: escaped quotes after a URL, backslashes, a KS, a secret', () => {
    const { lines, logger, sent } = setup();
    const detail = String.raw`fetch "https://cdn.example.com/p/1/serveFlavor/a.mp4" failed at C:	emp\ with super-secret-value and djJ8OTc2NTQzfABCDEFGHIJKLMNOP==`;
    logger.error(`boom: "https://cdn.example.com/x?ks=abc"`, { detail, nested: { url: 'http://k.example/p?ks=1' } });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      level: 'error',
      message: String.raw`boom: "https://cdn.example.com/…"`,
      detail: String.raw`fetch "https://cdn.example.com/…" failed at C:	emp\ with supe*** and [KS redacted]`,
      nested: { url: 'http://k.example/…' },
    });
    // The MCP client gets the same record.
    expect(sent[0]).toEqual(parsed);
  });

  it('never throws, and still writes a line, for cycles, BigInt, errors, dates, binary data and deep nesting', () => {
    const { lines, logger } = setup();
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    let deep: unknown = 'bottom';
    for (let i = 0; i < 50; i += 1) deep = { deeper: deep };
    const hostile = {
      get boom(): string {
        throw new Error('getter fails');
      },
    };
    expect(() =>
      logger.info('values', {
        cycle,
        big: 12345678901234567890n,
        error: new TypeError('bad super-secret-value'),
        when: new Date(0),
        bytes: Buffer.from('secret bytes'),
        deep,
        fn: () => 1,
        parsed: JSON.parse('{"__proto__": "a key like any other"}'),
      }),
    ).not.toThrow();
    expect(() => logger.warn('hostile', hostile)).not.toThrow();
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({
      cycle: { name: 'loop', self: '[circular]' },
      big: '12345678901234567890',
      error: 'TypeError: bad supe***',
      when: '1970-01-01T00:00:00.000Z',
      bytes: '[12 bytes]',
    });
    expect(JSON.stringify(first.deep)).toContain('[nested too deep]');
    expect(first).not.toHaveProperty('fn');
    expect(lines[0]).toContain('"parsed":{"__proto__":"a key like any other"}');
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', message: 'hostile', fieldsUnreadable: 'Error' });
  });

  it('goes on when an MCP sink throws', () => {
    const { lines, logger } = setup();
    logger.addSink({
      wants: () => true,
      send: () => {
        throw new Error('client gone');
      },
    });
    expect(() => logger.error('still logged')).not.toThrow();
    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'still logged' });
  });
});
