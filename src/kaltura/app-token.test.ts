/**
 * The pure parts of App Tokens: the hash Kaltura checks (against digests computed by coreutils'
 * sha256sum, sha1sum, sha512sum and md5sum), the order of hash types tried, and which settings a
 * token's session did not honour.
 */
import { describe, expect, it } from 'vitest';
import { appTokenHash, hashTypesToTry, ignoredSettings, parseHashType } from './app-token.js';

const KS = 'djJ8MTIzfGFiYw==';
const TOKEN = '0123456789abcdef0123456789abcdef';

describe('appTokenHash', () => {
  it('is the lowercase hex digest of the KS followed by the token, for each hash type', () => {
    expect(appTokenHash('SHA256', KS, TOKEN)).toBe('c6a49cb329d4a0a32122f7b9fea3a423ab83a2ebf51d98cc325ff33ed277e68a');
    expect(appTokenHash('SHA1', KS, TOKEN)).toBe('15de9eb2558406414c45f3fe37f59170b645949d');
    expect(appTokenHash('SHA512', KS, TOKEN)).toBe(
      '8e23a828a5aff0a9c1f5cb8a77ca6ac5c2739cd0375292b95288d7e8cbb0f1707d77b60c8e26a3caad5f13fc036979cecd0b5a19dbe7a753c79211f2eea3113d',
    );
    expect(appTokenHash('MD5', KS, TOKEN)).toBe('b8996b21b068abe1f7d9750452e1ed71');
  });
});

describe('hash types', () => {
  it('tries the configured one first, then every other once', () => {
    expect(hashTypesToTry('SHA256')).toEqual(['SHA256', 'SHA1', 'SHA512', 'MD5']);
    expect(hashTypesToTry('MD5')).toEqual(['MD5', 'SHA256', 'SHA1', 'SHA512']);
  });

  it('reads them in any case, and nothing else', () => {
    expect(parseHashType(' sha512 ')).toBe('SHA512');
    expect(parseHashType('SHA-256')).toBeUndefined();
  });
});

describe('ignoredSettings', () => {
  const granted = {
    ks: KS,
    sessionType: 0,
    userId: 'kaltura-mcp',
    privileges: 'sessionid:0_a,apptoken:0_a,list:*,sview:1_x/1_y,download:*',
    lifetime: 86400,
  };

  it('is empty when the session is what was asked, or nothing was asked', () => {
    expect(ignoredSettings({}, granted)).toEqual([]);
    expect(
      ignoredSettings({ type: 0, userId: 'kaltura-mcp', privileges: 'sview:1_x,list:*', expiry: 86400 }, granted),
    ).toEqual([]);
  });

  it('names each setting the token overrode, and what it gave instead', () => {
    expect(
      ignoredSettings(
        { type: 2, userId: 'admin', privileges: 'disableentitlement,sview:1_z,list:*', expiry: 200000 },
        granted,
      ),
    ).toEqual([
      'KALTURA_SESSION_TYPE (the token gives USER sessions)',
      'KALTURA_USER_ID (the token\'s sessions are for user "kaltura-mcp")',
      `KALTURA_SESSION_PRIVILEGES disableentitlement,sview:1_z (the token does not give them; it gives ${granted.privileges})`,
      "KALTURA_SESSION_EXPIRY (the token's sessions last 86400 s at most)",
    ]);
  });

  it('counts a session a second or two short of the asked length as what was asked', () => {
    expect(ignoredSettings({ expiry: 600 }, { ...granted, lifetime: 598 })).toEqual([]);
  });
});
