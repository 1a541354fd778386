import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  chooseCredential,
  ConfigError,
  configWarnings,
  FORM,
  FORM_VARIABLES,
  inFormTerms,
  ignoredEnvFileNote,
  isLoopbackHost as isLoopback,
  readConfig,
  serviceUrlWithoutApiPath,
} from './config.js';

const base = { KALTURA_PARTNER_ID: '976543', KALTURA_ADMIN_SECRET: 'secret-value' };

/** The message `read` throws, checked to be a ConfigError. */
function messageOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('nothing was thrown');
}

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

  it("starts with the original's message when nothing is configured, then lists every way to configure", () => {
    const message = messageOf(() => readConfig({}));
    expect(message).toBe(
      "KALTURA_ADMIN_SECRET environment variable is required: no Kaltura credential is configured; set KALTURA_PARTNER_ID with KALTURA_APP_TOKEN_ID and KALTURA_APP_TOKEN (an App Token, the least privilege: kaltura-mcp app-token create makes one), or KALTURA_PARTNER_ID with KALTURA_ADMIN_SECRET (both in KMC > Settings > Integration Settings), or KALTURA_KS alone (a ready-made session key), in the host's configuration of this server or in the .env file KALTURA_ENV_FILE names, then restart the server",
    );
    // A secret that is only blank is no secret.
    expect(messageOf(() => readConfig({ ...base, KALTURA_ADMIN_SECRET: ' \n' }))).toBe(message);
  });

  it("names the form's fields instead inside an MCP bundle", () => {
    expect(messageOf(() => readConfig({ KALTURA_MCP_BUNDLE: '1' }))).toBe(
      'KALTURA_ADMIN_SECRET environment variable is required: no Kaltura credential is configured; in this extension\'s settings in your MCP host (Claude Desktop: Settings > Extensions > Kaltura), fill in "Partner ID" with "App Token ID" and "App Token value" (an App Token, the least privilege), or "Partner ID" with "Admin secret, instead of an App Token", or "Session key (KS), instead of the secret" alone, then save',
    );
    expect(messageOf(() => readConfig({ KALTURA_MCP_BUNDLE: '1', KALTURA_ADMIN_SECRET: 'x' }))).toBe(
      'KALTURA_PARTNER_ID environment variable is required: set it to your partner id (KMC > Settings > Integration Settings); in this extension\'s settings, fill in "Partner ID"',
    );
  });

  it('names a missing partner id, and refuses 0 as not a partner id (it is set, not missing)', () => {
    expect(messageOf(() => readConfig({ KALTURA_ADMIN_SECRET: 'x' }))).toBe(
      'KALTURA_PARTNER_ID environment variable is required: set it to your partner id (KMC > Settings > Integration Settings)',
    );
    for (const zero of ['0', ' 0 ', '000']) {
      expect(messageOf(() => readConfig({ ...base, KALTURA_PARTNER_ID: zero }))).toBe(
        `KALTURA_PARTNER_ID is ${zero.trim()}, which is not a partner id: set it to your partner id, a positive number (KMC > Settings > Integration Settings)`,
      );
    }
    expect(
      messageOf(() =>
        readConfig({ KALTURA_APP_TOKEN_ID: '0_abcd1234', KALTURA_APP_TOKEN: 'f'.repeat(32), KALTURA_PARTNER_ID: '0' }),
      ),
    ).toMatch(/^KALTURA_PARTNER_ID is 0, which is not a partner id/);
  });

  it('trims every value: a secret pasted with a trailing space or newline works', () => {
    expect(
      readConfig({ ...base, KALTURA_ADMIN_SECRET: ' secret-value \n', KALTURA_USER_ID: ' me@example.com\n' }),
    ).toMatchObject({
      adminSecret: 'secret-value',
      userId: 'me@example.com',
    });
  });

  it('removes /api_v3 and what follows from the service URL: kaltura-client adds it itself', () => {
    for (const given of [
      'https://www.kaltura.com/api_v3',
      'https://www.kaltura.com/api_v3/',
      'https://www.kaltura.com/api_v3/index.php',
      'https://www.kaltura.com/API_V3/service/media/action/list?format=1',
      ' https://www.kaltura.com/api_v3 ',
    ]) {
      expect(serviceUrlWithoutApiPath(given), given).toBe('https://www.kaltura.com');
      expect(readConfig({ ...base, KALTURA_SERVICE_URL: given }).serviceUrl, given).toBe('https://www.kaltura.com');
    }
    expect(readConfig({ ...base, KALTURA_SERVICE_URL: 'https://kaltura.example.com/kaltura/api_v3' }).serviceUrl).toBe(
      'https://kaltura.example.com/kaltura',
    );
    for (const fine of [
      undefined,
      '',
      'https://www.kaltura.com',
      'https://api_v3.example.com',
      'https://x.example.com/api_v30',
    ]) {
      expect(serviceUrlWithoutApiPath(fine), fine).toBeUndefined();
    }
  });

  it("keeps the form's field titles equal to the bundle manifest's", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as {
      user_config: Record<string, { title: string }>;
      server: { mcp_config: { env: Record<string, string> } };
    };
    for (const [field, quoted] of Object.entries(FORM)) expect(quoted).toBe(`"${manifest.user_config[field]!.title}"`);
    expect(manifest.server.mcp_config.env.KALTURA_MCP_BUNDLE).toBe('1');
    const mapped = Object.entries(manifest.server.mcp_config.env).filter(([, v]) => v.startsWith('${user_config.'));
    expect(Object.fromEntries(mapped)).toEqual(
      Object.fromEntries(Object.entries(FORM_VARIABLES).map(([name, field]) => [name, `\${user_config.${field}}`])),
    );
  });

  it("names every variable the bundle's form sets by its field, and leaves the others", () => {
    expect(inFormTerms('KALTURA_PARTNER_ID must be a positive whole number')).toBe(
      '"Partner ID" must be a positive whole number',
    );
    expect(
      inFormTerms(
        'Failed to get download URL: KALTURA_ADMIN_SECRET environment variable is required: no Kaltura credential is configured',
      ),
    ).toBe('Failed to get download URL: no Kaltura credential is configured');
    expect(inFormTerms('KALTURA_APP_TOKEN_ID is set but KALTURA_APP_TOKEN is not')).toBe(
      '"App Token ID" is set but "App Token value" is not',
    );
    expect(
      inFormTerms("set KALTURA_DOWNLOAD_DIR in the host's configuration of this server, then restart the server"),
    ).toBe(
      'set "Download folder" in this extension\'s settings, then save the settings (the host restarts the server)',
    );
    expect(inFormTerms('KALTURA_PARTIAL_TTL_HOURS must be a number')).toBe(
      'KALTURA_PARTIAL_TTL_HOURS must be a number',
    );
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

describe('ignoredEnvFileNote', () => {
  it('names the file and the setting that would read it', () => {
    expect(ignoredEnvFileNote('/home/me/project/.env')).toBe(
      "a .env file in the working directory (/home/me/project/.env) was not read: the server reads only the .env that KALTURA_ENV_FILE names, or the one in its own package folder; to use this one, set KALTURA_ENV_FILE=/home/me/project/.env in the host's configuration of the server",
    );
  });

  it('warns of a KS sent in clear text to another machine, and only then', () => {
    expect(configWarnings({ KALTURA_SERVICE_URL: 'http://kaltura.example.com' })).toEqual([
      'KALTURA_SERVICE_URL is http://, so every session key (KS) crosses the network to kaltura.example.com in clear text, where anyone on the path can read and reuse it: use https://kaltura.example.com unless this network is yours alone',
    ]);
    for (const quiet of [
      'https://kaltura.example.com',
      'http://127.0.0.1:8080',
      'http://localhost',
      'not a url',
      undefined,
    ]) {
      expect(configWarnings({ KALTURA_SERVICE_URL: quiet }), String(quiet)).toEqual([]);
    }
  });
});
