import { createHash, createPrivateKey, randomUUID } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import { HclLimitError } from './budget';
import { type Call, type Definition, define } from './call';
import { bitLength } from './number-text';
import { goQuote, strictBase64 } from './values';

/**
 * go-cty-funcs crypto.BcryptFunc: golang.org/x/crypto/bcrypt GenerateFromPassword at cost 10 unless given; a cost
 * below 4 is the default cost, one above 31 an error; passwords over 72 bytes are refused. The salt is random, as in
 * Nomad, so the result differs on every run. Go writes the `$2a$` prefix; the algorithm is the same as `$2b$`.
 */
/** The highest bcrypt cost hashed here: 2^14 rounds, about a second; Go allows up to 31. */
const MAX_BCRYPT_COST = 14;

function bcrypt(c: Call): string {
  const password = c.str(0);
  let cost = c.args.length > 1 ? c.int(1) : 10;
  if (cost < 4) cost = 10;
  if (cost > 31)
    return c.fail(`error occurred generating password crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`);
  if (cost > MAX_BCRYPT_COST) {
    // Each step doubles the time: cost 31 would hash for days.
    throw new HclLimitError(
      `bcrypt: cost ${cost} is above this importer's limit of ${MAX_BCRYPT_COST} (each step doubles the time; ${MAX_BCRYPT_COST} takes about a second)`,
    );
  }
  if (Buffer.byteLength(password, 'utf8') > 72) {
    return c.fail('error occurred generating password bcrypt: password length exceeds 72 bytes');
  }
  return bcryptjs.hashSync(password, bcryptjs.genSaltSync(cost)).replace(/^\$2b\$/, '$2a$');
}

function hash(algorithm: string): Definition {
  return define('str', (c) => createHash(algorithm).update(c.str(0), 'utf8').digest('hex'));
}

const UUID_NAMESPACES: Readonly<Record<string, string>> = {
  dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
};

/** google/uuid's Parse: the bytes of a UUID, or an error message. */
function parseUuid(s: string): Buffer | string {
  let hex: string;
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return 'invalid UUID format';
    hex = s.replace(/-/g, '');
  } else if (s.length === 38) {
    if (!s.startsWith('{') || !s.endsWith('}')) return 'invalid UUID format';
    return parseUuid(s.slice(1, -1));
  } else if (s.length === 45) {
    if (!s.toLowerCase().startsWith('urn:uuid:')) return `invalid urn prefix: ${goQuote(s.slice(0, 9))}`;
    return parseUuid(s.slice(9));
  } else if (s.length === 32) {
    hex = s;
  } else {
    return `invalid UUID length: ${s.length}`;
  }
  return /^[0-9a-fA-F]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : 'invalid UUID format';
}

function uuidString(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function modPow(base0: bigint, exp0: bigint, mod: bigint): bigint {
  let result = 1n;
  let base = base0 % mod;
  let exp = exp0;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}

function base64UrlToBigInt(s: string): bigint {
  const hex = Buffer.from(s, 'base64url').toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** Whether DER data is a PKCS #8 key: SEQUENCE { INTEGER, SEQUENCE, ... } where PKCS #1 has INTEGERs. */
function derIsPkcs8(der: Buffer): boolean {
  let i = 0;
  const header = (): number | undefined => {
    const tag = der[i];
    let len = der[i + 1];
    if (tag === undefined || len === undefined) return undefined;
    i += 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + (der[i++] ?? 0);
    }
    if (tag === 0x02) i += len;
    return tag;
  };
  return header() === 0x30 && header() === 0x02 && header() === 0x30;
}

/** The largest private key rsadecrypt reads, as PEM text: a 16384-bit key takes about 12.5 KiB. */
const MAX_RSA_KEY_TEXT = 16 * 1024;

/** go-cty-funcs' rsadecrypt: a PEM PKCS #1 private key and RSA PKCS #1 v1.5 decryption. */
function rsaDecrypt(c: Call, ciphertext: string, keyText: string): string {
  if (keyText.length > MAX_RSA_KEY_TEXT) {
    // Decryption time grows with the cube of the key size, and the PEM search with the square of the text.
    throw new HclLimitError(
      `rsadecrypt: the private key is ${keyText.length} characters long, more than this importer's limit of ${MAX_RSA_KEY_TEXT} (a 16384-bit key)`,
    );
  }
  const cipher = strictBase64(ciphertext);
  if (cipher === undefined) {
    return c.fail(`failed to decode input ${goQuote(ciphertext)}: cipher text must be base64-encoded`);
  }
  const block = /-----BEGIN ([^-\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(keyText);
  if (!block) return c.fail('failed to parse key: no key found');
  const body = block[2] as string;
  const headerEnd = body.search(/\r?\n\r?\n/);
  const headers = headerEnd >= 0 && /^[\w-]+:/.test(body) ? body.slice(0, headerEnd) : '';
  if (/^Proc-Type:\s*4,ENCRYPTED\s*$/m.test(headers)) {
    return c.fail(
      'failed to parse key: password protected keys are not supported. Please decrypt the key prior to use',
    );
  }
  const der = Buffer.from((headers === '' ? body : body.slice(headerEnd)).replace(/\s+/g, ''), 'base64');
  if (derIsPkcs8(der)) {
    return c.fail('x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)');
  }
  let n: bigint;
  let d: bigint;
  try {
    const jwk = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }).export({ format: 'jwk' });
    n = base64UrlToBigInt(jwk.n ?? '');
    d = base64UrlToBigInt(jwk.d ?? '');
  } catch {
    return c.fail('x509: failed to parse private key: the PEM block is not a PKCS #1 RSA private key');
  }
  const k = Math.ceil(bitLength(n) / 8);
  const cInt = cipher.length === 0 ? 0n : BigInt(`0x${cipher.toString('hex')}`);
  if (k < 11 || cipher.length > k || cInt >= n) return c.fail('crypto/rsa: decryption error');
  const em = Buffer.from(
    modPow(cInt, d, n)
      .toString(16)
      .padStart(k * 2, '0'),
    'hex',
  );
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) return c.fail('crypto/rsa: decryption error');
  return new TextDecoder().decode(em.subarray(sep + 1));
}

/** Hash and crypto functions (go-cty-funcs crypto, uuid). */
export const CRYPTO_FUNCTIONS: Readonly<Record<string, Definition>> = {
  bcrypt: define('str, cost...', (c) => bcrypt(c), { max: 2 }),
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  rsadecrypt: define('ciphertext, privatekey', (c) => rsaDecrypt(c, c.str(0), c.str(1))),
  uuidv4: define('', () => randomUUID()),
  uuidv5: define('namespace, name', (c) => {
    const ns = c.str(0);
    const parsed = parseUuid(UUID_NAMESPACES[ns] ?? ns);
    if (typeof parsed === 'string') return c.argFail(0, `uuidv5() doesn't support namespace ${ns} (${parsed})`);
    const digest = createHash('sha1').update(parsed).update(c.str(1), 'utf8').digest().subarray(0, 16);
    digest[6] = ((digest[6] as number) & 0x0f) | 0x50;
    digest[8] = ((digest[8] as number) & 0x3f) | 0x80;
    return uuidString(digest);
  }),
};
