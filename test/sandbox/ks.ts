/**
 * The sandbox's own KS reader: decodes and verifies v2 and v1 session keys the way the Kaltura
 * server does (docs/kaltura-wire.md, "How Kaltura checks a key"). Written independently of src/kaltura/ks.ts so that
 * each checks the other.
 */
import { createDecipheriv, createHash } from 'node:crypto';

export interface ParsedKs {
  version: 1 | 2;
  partnerId: number;
  validUntil: number;
  type: number;
  userId: string;
  privileges: string[];
}

export type KsCheck = { ok: true; ks: ParsedKs } | { ok: false; reason: 'INVALID_STR' | 'EXPIRED' };

function fromBase64Any(text: string): Buffer | undefined {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) return undefined;
  return Buffer.from(standard, 'base64');
}

/** Verifies `ks` against the partner's admin secret at time `now` (unix seconds). */
export function checkKs(ks: string, secret: string, now: number): KsCheck {
  const parsed = parseKs(ks, secret);
  if (!parsed) return { ok: false, reason: 'INVALID_STR' };
  if (parsed.validUntil <= now) return { ok: false, reason: 'EXPIRED' };
  return { ok: true, ks: parsed };
}

/** Decodes and authenticates a KS; undefined when it is malformed or signed with another secret. */
export function parseKs(ks: string, secret: string): ParsedKs | undefined {
  const decoded = fromBase64Any(ks);
  if (!decoded || decoded.length < 4) return undefined;
  if (decoded.subarray(0, 3).toString('latin1') === 'v2|') return parseV2(decoded, secret);
  return parseV1(decoded, secret);
}

function parseV2(decoded: Buffer, secret: string): ParsedKs | undefined {
  const second = decoded.indexOf(0x7c, 3);
  if (second === -1) return undefined;
  const partnerId = Number(decoded.subarray(3, second).toString('latin1'));
  const encrypted = decoded.subarray(second + 1);
  if (!Number.isInteger(partnerId) || encrypted.length === 0 || encrypted.length % 16 !== 0) return undefined;
  const key = createHash('sha1').update(secret, 'utf8').digest().subarray(0, 16);
  const decipher = createDecipheriv('aes-128-cbc', key, Buffer.alloc(16));
  decipher.setAutoPadding(false);
  let plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end -= 1;
  plain = plain.subarray(0, end);
  if (plain.length < 36) return undefined;
  const hash = plain.subarray(0, 20);
  const rest = plain.subarray(20);
  if (!createHash('sha1').update(rest).digest().equals(hash)) return undefined;
  const fields = new URLSearchParams(rest.subarray(16).toString('utf8'));
  const privileges: string[] = [];
  for (const [name, value] of fields) {
    if (name.startsWith('_')) continue;
    privileges.push(value ? `${name}:${value}` : name);
  }
  return {
    version: 2,
    partnerId,
    validUntil: Number(fields.get('_e') ?? 0),
    type: Number(fields.get('_t') ?? 0),
    userId: fields.get('_u') ?? '',
    privileges,
  };
}

function parseV1(decoded: Buffer, secret: string): ParsedKs | undefined {
  const text = decoded.toString('utf8');
  const bar = text.indexOf('|');
  if (bar === -1) return undefined;
  const hash = text.slice(0, bar);
  const info = text.slice(bar + 1);
  if (
    createHash('sha1')
      .update(secret + info)
      .digest('hex') !== hash
  )
    return undefined;
  const parts = info.split(';');
  if (parts.length < 3) return undefined;
  return {
    version: 1,
    partnerId: Number(parts[0]),
    validUntil: Number(parts[2]),
    type: Number(parts[3] ?? 0),
    userId: parts[5] ?? '',
    privileges: (parts[6] ?? '').split(',').filter(Boolean),
  };
}

/** The partner id a KS claims, read without any secret (v2: `v2|<pid>|…`; v1: the first info field). */
export function ksPartnerId(ks: string): number | undefined {
  const decoded = fromBase64Any(ks);
  if (!decoded || decoded.length < 4) return undefined;
  let pid: string | undefined;
  if (decoded.subarray(0, 3).toString('latin1') === 'v2|') {
    const second = decoded.indexOf(0x7c, 3);
    pid = second === -1 ? undefined : decoded.subarray(3, second).toString('latin1');
  } else {
    const text = decoded.toString('latin1');
    const bar = text.indexOf('|');
    pid = bar === -1 ? undefined : text.slice(bar + 1).split(';')[0];
  }
  return pid !== undefined && /^[0-9]+$/.test(pid) ? Number(pid) : undefined;
}
