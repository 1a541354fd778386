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
