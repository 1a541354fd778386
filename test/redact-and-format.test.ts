import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging.js';
import { maskCredential } from '../src/kaltura/deps.js';
import { Redactor } from '../src/redact.js';
import { pythonJson } from '../src/tools/tool-call.js';

describe('Redactor', () => {
  it("masks registered secrets the original's way and removes anything shaped like a KS", () => {
    const redactor = new Redactor();
    redactor.add('super-secret-value');
    expect(redactor.redact('bad secret super-secret-value here')).toBe('bad secret supe*** here');
    expect(redactor.redact('Invalid KS "djJ8OTc2NTQzfABCDEFGHIJKLMNOP==", Error')).toBe(
      'Invalid KS "[KS redacted]", Error',
    );
  });

  it('cuts URLs down to their origin in logs', () => {
    const redactor = new Redactor();
    expect(redactor.redactForLog('got https://cdn.example.com/p/1/serveFlavor/ks/abc/name/a.mp4 ok')).toBe(
      'got https://cdn.example.com/… ok',
    );
  });

  it('masks short credentials entirely', () => {
    expect(maskCredential('abc')).toBe('***');
    expect(maskCredential('abcdefgh')).toBe('abcd***');
  });
});

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

describe('pythonJson', () => {
  it("writes json.dumps' compact separators", () => {
    expect(pythonJson({ error: 'x', n: [1, null], o: { a: true } })).toBe(
      '{"error": "x", "n": [1, null], "o": {"a": true}}',
    );
  });

  it('matches json.dumps(indent=2)', () => {
    expect(pythonJson({ error: 'Invalid entry ID format' }, 2)).toBe('{\n  "error": "Invalid entry ID format"\n}');
  });
});
