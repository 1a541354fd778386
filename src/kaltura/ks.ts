/**
 * Kaltura Session keys (KS): their shape, and v2 signing, done locally so the admin secret never
 * crosses the network. Pure apart from the default random source. The format is described in
 * docs/kaltura-wire.md.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/** The characters of a KS: base64, standard or url-safe, with `=` padding. */
export const KS_CHARACTERS = 'A-Za-z0-9+/_=-';
const KS_SHAPE = new RegExp(`^[${KS_CHARACTERS}]{16,}$`);

/** Whether `text` has the shape of a KS (a long base64 string); says nothing of its validity. */
export function looksLikeKs(text: string): boolean {
  return KS_SHAPE.test(text);
}

/** What a KS v2 says, and the secret and randomness to sign it with. */
interface KsV2Input {
  adminSecret: string;
  partnerId: number;
  userId: string;
  type: number;
  /** Comma-separated `name` or `name:value` privileges; `*` means all. */
  privileges: string;
  /** Absolute expiry, unix seconds. */
  expiresAt: number;
  /** 16 bytes; random unless a test pins it. */
  random?: Uint8Array;
}

const BLOCK = 16;

/** The KS's field string: privileges first, then `_e`, `_t`, `_u`, form-urlencoded. */
export function ksV2Fields(input: Pick<KsV2Input, 'privileges' | 'expiresAt' | 'type' | 'userId'>): string {
  const fields = new Map<string, string>();
  for (const raw of input.privileges.split(',')) {
    const privilege = raw.trim();
    if (!privilege) continue;
    if (privilege === '*') {
      fields.set('all', '*');
      continue;
    }
    const colon = privilege.indexOf(':');
    const name = colon === -1 ? privilege : privilege.slice(0, colon);
    const value = colon === -1 ? '' : privilege.slice(colon + 1);
    // Kaltura keeps one value per name, several joined with `/` (download:1_a/1_b): a name given
    // twice keeps both values rather than the last.
    const earlier = fields.get(name);
    fields.set(name, earlier && value ? `${earlier}/${value}` : value || (earlier ?? ''));
  }
  fields.set('_e', String(input.expiresAt));
  fields.set('_t', String(input.type));
  fields.set('_u', input.userId);
  return new URLSearchParams([...fields]).toString();
}

/** Signs a KS v2: `base64url("v2|<pid>|" + AES-128-CBC(sha1(secret)[0:16], zeroPad(sha1(R‖F) ‖ R ‖ F)))`. */
export function signKsV2(input: KsV2Input): string {
  const random = input.random ?? randomBytes(BLOCK);
  if (random.length !== BLOCK) throw new RangeError('KS random must be 16 bytes');
  const fields = Buffer.from(ksV2Fields(input), 'utf8');
  const body = Buffer.concat([random, fields]);
  const digest = createHash('sha1').update(body).digest();
  const plain = zeroPad(Buffer.concat([digest, body]));
  const key = createHash('sha1').update(input.adminSecret, 'utf8').digest().subarray(0, BLOCK);
  const cipher = createCipheriv('aes-128-cbc', key, Buffer.alloc(BLOCK));
  cipher.setAutoPadding(false); // Kaltura pads with zero bytes, not PKCS#7.
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const decoded = Buffer.concat([Buffer.from(`v2|${input.partnerId}|`, 'ascii'), encrypted]);
  // Standard base64 with the url-safe alphabet, `=` padding kept (what Kaltura emits).
  return decoded.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function zeroPad(data: Buffer): Buffer {
  const remainder = data.length % BLOCK;
  return remainder === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - remainder)]);
}

/**
 * The shortest v2 ciphertext Kaltura can accept: its plaintext, once the zero padding is cut,
 * holds a 20-byte SHA-1 and the 16 random bytes at least, so it spans three AES blocks or more.
 */
const MIN_V2_CIPHERTEXT = 3 * BLOCK;

/**
 * The partner id a KS names, read without any secret: a v2 key starts `v2|<partner id>|`, a v1
 * key's fields (after `<signature>|`) start with it. Undefined when `ks` is neither, or cannot
 * be a key Kaltura accepts whatever the secret: base64 padding inside the text, or a v2
 * ciphertext that is not whole AES blocks, at least three. Says nothing of whether Kaltura will
 * accept the key.
 */
export function ksPartnerId(ks: string): number | undefined {
  if (!looksLikeKs(ks) || /=[^=]/.test(ks)) return undefined;
  const bytes = Buffer.from(ks.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const decoded = bytes.toString('latin1');
  const match = decoded.startsWith('v2|') ? /^v2\|([0-9]+)\|/.exec(decoded) : /^[0-9a-f]{40}\|([0-9]+);/.exec(decoded);
  if (match && decoded.startsWith('v2|')) {
    const ciphertext = bytes.length - match[0].length;
    if (ciphertext < MIN_V2_CIPHERTEXT || ciphertext % BLOCK !== 0) return undefined;
  }
  const id = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
