/**
 * KS v2 signing, proved byte for byte against a fixed vector, and read back by the sandbox's
 * independent parser (which also refuses the Kaltura-authored expired vectors).
 */
import { describe, expect, it } from 'vitest';
import { ksPartnerId, ksV2Fields, signKsV2 } from './ks.js';
import { checkKs, parseKs } from '../../test/sandbox/ks.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const VECTOR_INPUT = {
  adminSecret: SECRET,
  partnerId: 1234567,
  userId: 'user@example.com',
  type: 2,
  privileges: 'disableentitlement,sview:0_abcd1234',
  expiresAt: 2000000000,
  random: Uint8Array.from({ length: 16 }, (_, i) => i),
};
const VECTOR_KS =
  'djJ8MTIzNDU2N3xpxpQ4WCZF9JPfHvlg_ePOX0CRWkeMq549cNckMb-VwqT8N5NQvfqSIoy5gUgadBQm80BvVYygwG7heVNmV7wQG8jtksbnkwBdcQ_4l30q1c5lX3JgpOZc7L-nBZhEW4DqNO8sazu42KzYlFrTYr1RMOV7T8kG38g9iTjNCdCKeQ==';

/** Issued by Kaltura's OTT backend with secret 12345 for partner 203; long expired. */
const KALTURA_EXPIRED_VECTORS = [
  'djJ8MjAzfMvEqu4HezrDJfIF_726hVYCvtU0OH_nWAQd4e3kwtfHj7t2-7UPLXPEYwCnE7HOLS8EgBiM8SRqzDPmwZdYrBrZzrdLtGpOqvJJbhHrfajYG2VCjS-t6nx6I59bQozT81479NcOZGc9vOsJHuCDMpI0r1PEzrYOgkq--xiInHW3HZOCLrSXS8c8mWvHngSZQg==',
  'djJ8MjAzfIAd3BGyQiWiTNR2c8yTjIIVE6-JUV2g9vsGOf1i0-QyA7K3yAlxzfYC1UJ6cE54AmgH5SQwHAu_MBKSj4VFLWybRXHL-UP1R86khXn6PKlf6Z-uftT0-HDb4PH1X83x9sgPs5FER91uuAhvJ3Lw3L3HZRvOY9iH2nQ40RUPSZ6_U_sR6O9RhkrRtfEfdxv-JtDpcqHf_nYVVcH_xE2oLTxMQ0kt4F42EapKPgZfDtmQfgDvqwtn_UOiUq7K8kxI6g==',
  'djJ8MjAzfKZvm_jZ2m7O3o1LcakOKvmtEpVs0gm_t4ASBiNg1VDnOM6-pG2Q5bL46NBcNqUVL3bd3BDP44ucv3UAJrm06vHW79ISifBX_qAtm3bq0PJyzgQNGFf-rzCImkFBS6YGaKTiQtNxUyZ7sT_92ZVwxGc=',
];

describe('signKsV2', () => {
  it('builds the field string in Kaltura order', () => {
    expect(ksV2Fields(VECTOR_INPUT)).toBe(
      'disableentitlement=&sview=0_abcd1234&_e=2000000000&_t=2&_u=user%40example.com',
    );
    expect(ksV2Fields({ privileges: '*', expiresAt: 1, type: 0, userId: '' })).toBe('all=*&_e=1&_t=0&_u=');
    // A privilege named twice keeps both values, joined as Kaltura joins several.
    expect(ksV2Fields({ privileges: 'download:1_a,download:1_b,list:*', expiresAt: 1, type: 0, userId: '' })).toBe(
      'download=1_a%2F1_b&list=*&_e=1&_t=0&_u=',
    );
  });

  it('matches the deterministic vector byte for byte', () => {
    expect(signKsV2(VECTOR_INPUT)).toBe(VECTOR_KS);
  });

  it('is read back by an independent parser with every field intact', () => {
    const { random: _random, ...input } = VECTOR_INPUT;
    const ks = signKsV2({ ...input, expiresAt: 4000000000 });
    expect(ks).not.toBe(signKsV2({ ...input, expiresAt: 4000000000 })); // fresh randomness each time
    expect(checkKs(ks, SECRET, 1_800_000_000)).toEqual({
      ok: true,
      ks: {
        version: 2,
        partnerId: 1234567,
        validUntil: 4000000000,
        type: 2,
        userId: 'user@example.com',
        privileges: ['disableentitlement', 'sview:0_abcd1234'],
      },
    });
  });

  it('is refused with another secret', () => {
    expect(checkKs(VECTOR_KS, 'wrong-secret', 0)).toEqual({ ok: false, reason: 'INVALID_STR' });
  });
});

describe('the sandbox KS reader on Kaltura-authored keys', () => {
  it.each(KALTURA_EXPIRED_VECTORS)('decodes %#, and refuses it as expired', (ks) => {
    expect(parseKs(ks, '12345')).toMatchObject({ version: 2, partnerId: 203, type: 0 });
    expect(checkKs(ks, '12345', Math.floor(Date.now() / 1000))).toEqual({ ok: false, reason: 'EXPIRED' });
    expect(checkKs(ks, 'wrong', Math.floor(Date.now() / 1000))).toEqual({ ok: false, reason: 'INVALID_STR' });
  });

  it('reads the KS v1 vector', () => {
    const v1 =
      'OWNkYTIwMjZjOTAwZDU1ZjZjZmQ0YWNkZjBjMTQxY2VmZDYyZjQ4YnwxMjM0NTY3OzEyMzQ1Njc7MjAwMDAwMDAwMDsyOzEyMzQ1O3VzZXJAZXhhbXBsZS5jb207ZGlzYWJsZWVudGl0bGVtZW50';
    expect(parseKs(v1, SECRET)).toMatchObject({ version: 1, partnerId: 1234567, validUntil: 2000000000, type: 2 });
    expect(parseKs(v1, 'wrong')).toBeUndefined();
  });
});

describe('ksPartnerId', () => {
  it('reads the partner of a v2 and a v1 key without the secret', () => {
    const v2 = signKsV2({
      adminSecret: 's'.repeat(32),
      partnerId: 1234567,
      userId: '',
      type: 0,
      privileges: '',
      expiresAt: 2e9,
    });
    expect(ksPartnerId(v2)).toBe(1234567);
    const v1 =
      'OWNkYTIwMjZjOTAwZDU1ZjZjZmQ0YWNkZjBjMTQxY2VmZDYyZjQ4YnwxMjM0NTY3OzEyMzQ1Njc7MjAwMDAwMDAwMDsyOzEyMzQ1O3VzZXJAZXhhbXBsZS5jb207ZGlzYWJsZWVudGl0bGVtZW50';
    expect(ksPartnerId(v1)).toBe(1234567);
  });

  it('reads nothing from what is not a key', () => {
    for (const text of ['', 'not-a-session-key', Buffer.from('hello|world;x').toString('base64'), 'djJ8YWJjfGRlZg==']) {
      expect(ksPartnerId(text), text).toBeUndefined();
    }
  });

  it('reads nothing from a v2 key no secret can make valid: a ciphertext short of three AES blocks, or not whole blocks', () => {
    const v2 = (partnerId: number, bytes: number) =>
      Buffer.concat([Buffer.from(`v2|${partnerId}|`), Buffer.alloc(bytes, 7)])
        .toString('base64')
        .replace(/\+/g, '-')
        .replace(/\//g, '_');
    expect(ksPartnerId(v2(976543, 48))).toBe(976543);
    expect(ksPartnerId(v2(976543, 64))).toBe(976543);
    expect(ksPartnerId(v2(976543, 32))).toBeUndefined();
    expect(ksPartnerId(v2(976543, 50))).toBeUndefined();
    expect(ksPartnerId(`${v2(976543, 48).slice(0, 8)}=${v2(976543, 48).slice(8)}`)).toBeUndefined();
  });
});
