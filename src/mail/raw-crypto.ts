// Raw messages at rest: AES-256-GCM, so a database dump or backup holds no readable mail (45 CFR
// 164.312(a)(2)(iv)). The plaintext's SHA-256 is the additional authenticated data: a blob moved onto
// another row, or altered, fails to open. Pure: the caller supplies the key.
import crypto from 'node:crypto';
import { randomBytes } from '../random-pool.ts';

// A leading NUL never starts an RFC 5322 message, so rows stored before encryption stay readable.
const MAGIC = Buffer.from([0x00, 0x43, 0x43, 0x52, 0x01]); // \0 C C R v1
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sha256Hex(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export function isEncryptedRaw(blob: Buffer): boolean {
  return blob.length >= MAGIC.length && blob.subarray(0, MAGIC.length).equals(MAGIC);
}

/** MAGIC | IV | tag | ciphertext, bound to the plaintext's hash. */
export function encryptRaw(plain: Buffer, key: Buffer, sha256: string): Buffer {
  if (key.length !== 32) throw new RangeError('raw encryption key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(sha256, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

export type OpenResult = { ok: true; raw: Buffer; encrypted: boolean } | { ok: false; reason: 'undecryptable' | 'hash-mismatch' | 'purged' };

/**
 * The plaintext of a stored blob, verified against the hash stored beside it (164.312(c)). A blob
 * without the marker is a row from before encryption; it is still checked against its hash.
 */
export function openRaw(blob: Buffer, key: Buffer, sha256: string): OpenResult {
  if (blob.length === 0) return { ok: false, reason: 'purged' };
  let raw: Buffer;
  const encrypted = isEncryptedRaw(blob);
  if (encrypted) {
    const at = MAGIC.length;
    if (blob.length < at + IV_BYTES + TAG_BYTES) return { ok: false, reason: 'undecryptable' };
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(at, at + IV_BYTES));
      decipher.setAAD(Buffer.from(sha256, 'utf8'));
      decipher.setAuthTag(blob.subarray(at + IV_BYTES, at + IV_BYTES + TAG_BYTES));
      raw = Buffer.concat([decipher.update(blob.subarray(at + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      return { ok: false, reason: 'undecryptable' };
    }
  } else {
    raw = blob;
  }
  if (sha256Hex(raw) !== sha256) return { ok: false, reason: 'hash-mismatch' };
  return { ok: true, raw, encrypted };
}
