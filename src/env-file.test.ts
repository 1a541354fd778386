import { describe, expect, it } from 'vitest';
import { parseDotEnv } from './env-file.js';

describe('parseDotEnv', () => {
  it('reads KEY=value lines, quotes, export and comments', () => {
    const text = [
      '# credentials',
      'KALTURA_PARTNER_ID=123',
      'export KALTURA_USER_ID = "admin@example.com"',
      "KALTURA_ADMIN_SECRET='abc#def'",
      'KALTURA_DEBUG=true # inline comment',
      'KALTURA_USER_SECRET_NOTE="abc123def" # the admin secret, quoted',
      "KALTURA_QUOTED='a # not a comment'",
      'not a line',
      '',
    ].join('\n');
    expect(parseDotEnv(text)).toEqual({
      KALTURA_PARTNER_ID: '123',
      KALTURA_USER_ID: 'admin@example.com',
      KALTURA_ADMIN_SECRET: 'abc#def',
      KALTURA_DEBUG: 'true',
      KALTURA_USER_SECRET_NOTE: 'abc123def',
      KALTURA_QUOTED: 'a # not a comment',
    });
  });
});
