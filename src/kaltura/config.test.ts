import { describe, expect, it } from 'vitest';
import { chooseCredential, ConfigError, isLoopbackHost as isLoopback, readConfig } from './config.js';

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

describe('App Token settings', () => {
  const token = { KALTURA_PARTNER_ID: '976543', KALTURA_APP_TOKEN_ID: '0_abcd1234', KALTURA_APP_TOKEN: 'f'.repeat(32) };

  it('takes the id and the value instead of the secret; SHA256 unless told; asks for nothing unset', () => {
    expect(readConfig(token)).toMatchObject({
      partnerId: 976543,
      adminSecret: '',
      appToken: { id: '0_abcd1234', token: 'f'.repeat(32), hashType: 'SHA256', ask: {} },
    });
  });

  it('asks only for the session settings the user set', () => {
    const config = readConfig({
      ...token,
      KALTURA_APP_TOKEN_HASH_TYPE: 'md5',
      KALTURA_SESSION_TYPE: 'user',
      KALTURA_USER_ID: ' me@example.com ',
      KALTURA_SESSION_EXPIRY: '600',
      KALTURA_SESSION_PRIVILEGES: 'sview:1_a',
    });
    expect(config.appToken).toEqual({
      id: '0_abcd1234',
      token: 'f'.repeat(32),
      hashType: 'MD5',
      ask: { type: 0, userId: 'me@example.com', expiry: 600, privileges: 'sview:1_a' },
    });
    // Set but empty is not set.
    expect(readConfig({ ...token, KALTURA_SESSION_PRIVILEGES: '', KALTURA_USER_ID: '' }).appToken!.ask).toEqual({});
  });

  it('wins over the admin secret and a KS, which are then not kept', () => {
    const config = readConfig({ ...token, KALTURA_ADMIN_SECRET: 'secret-value', KALTURA_KS: 'djJ8' + 'A'.repeat(40) });
    expect(config).toMatchObject({ adminSecret: '', appToken: { id: '0_abcd1234' } });
    expect(config.providedKs).toBeUndefined();
  });

  it('names what is missing or wrong', () => {
    const { KALTURA_PARTNER_ID: _p, ...noPartner } = token;
    expect(() => readConfig(noPartner)).toThrow(
      "KALTURA_PARTNER_ID environment variable is required with an App Token: the server starts its session from the partner's widget _<partner id>",
    );
    expect(() => readConfig({ ...token, KALTURA_APP_TOKEN: ' ' })).toThrow(
      "KALTURA_APP_TOKEN_ID is set but KALTURA_APP_TOKEN (the token's value) is not",
    );
    expect(() => readConfig({ ...token, KALTURA_APP_TOKEN_ID: '' })).toThrow(
      'KALTURA_APP_TOKEN is set but KALTURA_APP_TOKEN_ID is not',
    );
    expect(() =>
      readConfig({
        ...token,
        KALTURA_APP_TOKEN_ID: token.KALTURA_APP_TOKEN,
        KALTURA_APP_TOKEN: token.KALTURA_APP_TOKEN_ID,
      }),
    ).toThrow('KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN look swapped');
    expect(() => readConfig({ ...token, KALTURA_APP_TOKEN: 'two words' })).toThrow(/KALTURA_APP_TOKEN must be/);
    expect(() => readConfig({ ...token, KALTURA_APP_TOKEN_HASH_TYPE: 'sha3' })).toThrow(
      'KALTURA_APP_TOKEN_HASH_TYPE must be SHA256, SHA1, SHA512 or MD5',
    );
  });

  it('never puts the token value in a configuration error', () => {
    for (const env of [
      { ...token, KALTURA_PARTNER_ID: 'x' },
      { ...token, KALTURA_APP_TOKEN_ID: 'a b' },
      { ...token, KALTURA_SESSION_EXPIRY: '-1' },
    ]) {
      expect(() => readConfig(env)).toThrow(ConfigError);
      try {
        readConfig(env);
      } catch (error) {
        expect(String(error)).not.toContain(token.KALTURA_APP_TOKEN);
      }
    }
  });
});

describe('chooseCredential', () => {
  it('prefers an App Token, then a KS, then the admin secret, and names what it ignores', () => {
    expect(chooseCredential({})).toEqual({ kind: 'none', ignored: [] });
    expect(chooseCredential({ KALTURA_ADMIN_SECRET: 's' })).toEqual({ kind: 'admin secret', ignored: [] });
    expect(chooseCredential({ KALTURA_ADMIN_SECRET: 's', KALTURA_KS: 'k' })).toEqual({
      kind: 'KALTURA_KS',
      ignored: ['KALTURA_ADMIN_SECRET'],
    });
    expect(chooseCredential({ KALTURA_ADMIN_SECRET: 's', KALTURA_KS: 'k', KALTURA_APP_TOKEN_ID: ' 0_a ' })).toEqual({
      kind: 'app token',
      appTokenId: '0_a',
      ignored: ['KALTURA_ADMIN_SECRET', 'KALTURA_KS'],
    });
    // Half a token is still the token's configuration (its call then says what is missing).
    expect(chooseCredential({ KALTURA_ADMIN_SECRET: 's', KALTURA_APP_TOKEN: 'v' })).toMatchObject({
      kind: 'app token',
    });
    expect(chooseCredential({ KALTURA_ADMIN_SECRET: '  ', KALTURA_APP_TOKEN_ID: '' })).toEqual({
      kind: 'none',
      ignored: [],
    });
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '10.0.0.1', 'example.com', '::']) expect(isLoopback(host), host).toBe(false);
  });
});
