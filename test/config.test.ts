import { describe, expect, it } from 'vitest';
import { parseDotEnv } from '../src/env-file.js';
import { ConfigError, readConfig } from '../src/kaltura/config.js';

const base = { KALTURA_PARTNER_ID: '976543', KALTURA_ADMIN_SECRET: 'secret-value' };

describe('readConfig', () => {
  it("applies the original's defaults", () => {
    expect(readConfig(base)).toEqual({
      serviceUrl: 'https://www.kaltura.com',
      partnerId: 976543,
      adminSecret: 'secret-value',
      userId: '',
      sessionExpiry: 86400,
      sessionType: 2,
      sessionPrivileges: 'disableentitlement',
      sessionMode: 'local',
      requestTimeoutMs: 30000,
    });
  });

  it('reads every variable', () => {
    const config = readConfig({
      ...base,
      KALTURA_SERVICE_URL: 'https://api.eu.kaltura.com/',
      KALTURA_USER_ID: 'admin@example.com',
      KALTURA_SESSION_EXPIRY: '3600',
      KALTURA_SESSION_MODE: 'remote',
      KALTURA_REQUEST_TIMEOUT_MS: '5000',
    });
    expect(config).toMatchObject({
      serviceUrl: 'https://api.eu.kaltura.com',
      userId: 'admin@example.com',
      sessionExpiry: 3600,
      sessionMode: 'remote',
      requestTimeoutMs: 5000,
    });
  });

  it("names the missing variable with the original's messages, the secret first", () => {
    expect(() => readConfig({})).toThrow(new ConfigError('KALTURA_ADMIN_SECRET environment variable is required'));
    expect(() => readConfig({ KALTURA_ADMIN_SECRET: 'x' })).toThrow(
      'KALTURA_PARTNER_ID environment variable is required',
    );
    expect(() => readConfig({ ...base, KALTURA_ADMIN_SECRET: '' })).toThrow('KALTURA_ADMIN_SECRET');
  });

  it('refuses values that are not what they should be, naming the variable', () => {
    expect(() => readConfig({ ...base, KALTURA_PARTNER_ID: 'abc' })).toThrow(/KALTURA_PARTNER_ID must be/);
    expect(() => readConfig({ ...base, KALTURA_SESSION_EXPIRY: '-5' })).toThrow(/KALTURA_SESSION_EXPIRY/);
    expect(() => readConfig({ ...base, KALTURA_SERVICE_URL: 'ftp://x' })).toThrow(/KALTURA_SERVICE_URL/);
    expect(() => readConfig({ ...base, KALTURA_SESSION_MODE: 'magic' })).toThrow(/KALTURA_SESSION_MODE/);
  });

  it('refuses to send the admin secret with session.start in clear text to another machine', () => {
    expect(() =>
      readConfig({ ...base, KALTURA_SESSION_MODE: 'remote', KALTURA_SERVICE_URL: 'http://kaltura.example.com' }),
    ).toThrow(/KALTURA_SERVICE_URL must be https/);
    expect(
      readConfig({ ...base, KALTURA_SESSION_MODE: 'remote', KALTURA_SERVICE_URL: 'http://127.0.0.1:8080' }).sessionMode,
    ).toBe('remote');
    expect(readConfig({ ...base, KALTURA_SERVICE_URL: 'http://kaltura.example.com' }).sessionMode).toBe('local');
  });

  it('never puts the secret in a configuration error', () => {
    try {
      readConfig({ KALTURA_ADMIN_SECRET: 'secret-value', KALTURA_PARTNER_ID: 'secret-value' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('secret-value');
    }
  });
});

describe('least privilege settings', () => {
  it('takes a ready-made KALTURA_KS instead of the secret and the partner id', () => {
    const ks = 'djJ8OTc2NTQzfABCDEFGHIJKLMNOPQRSTUVWXYZ012345==';
    expect(readConfig({ KALTURA_KS: ks })).toMatchObject({ providedKs: ks, adminSecret: '', partnerId: 0 });
    // The secret is ignored, not kept, when a key is given.
    expect(readConfig({ KALTURA_KS: ks, KALTURA_ADMIN_SECRET: 'secret-value' }).adminSecret).toBe('');
    expect(() => readConfig({ KALTURA_KS: 'not a key!' })).toThrow(
      /KALTURA_KS does not look like a Kaltura session key/,
    );
  });

  it('reads the session type and privileges', () => {
    expect(readConfig({ ...base, KALTURA_SESSION_TYPE: 'user' }).sessionType).toBe(0);
    expect(readConfig({ ...base, KALTURA_SESSION_TYPE: '2' }).sessionType).toBe(2);
    expect(() => readConfig({ ...base, KALTURA_SESSION_TYPE: 'root' })).toThrow(
      'KALTURA_SESSION_TYPE must be ADMIN or USER',
    );
    expect(readConfig({ ...base, KALTURA_SESSION_PRIVILEGES: 'sview:*,list:*' }).sessionPrivileges).toBe(
      'sview:*,list:*',
    );
    expect(readConfig({ ...base, KALTURA_SESSION_PRIVILEGES: '' }).sessionPrivileges).toBe('');
    expect(() => readConfig({ ...base, KALTURA_SESSION_PRIVILEGES: 'a\nb' })).toThrow(/KALTURA_SESSION_PRIVILEGES/);
  });
});

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
