// Secrets at rest (mailbox passwords, OAuth2 client secrets and refresh tokens): AES-256-GCM under
// the key that encrypts raw mail (src/raw-key.ts), in the same framing as raw-crypto.ts, bound to a
// label (what the secret is for) as authenticated data, so a sealed value moved to another field does
// not open. Pure: the caller supplies the key.
import crypto from 'node:crypto';
import { AppError, ErrorCodes } from './errors.ts';
import { randomBytes } from './random-pool.ts';

const MAGIC = Buffer.from([0x00, 0x43, 0x43, 0x53, 0x01]); // \0 C C S v1
const IV = 12;
const TAG = 16;

export function sealSecret(plain: string, key: Buffer, label: string): Buffer {
  const iv = randomBytes(IV);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(label, 'utf8'));
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return Buffer.concat([MAGIC, iv, c.getAuthTag(), body]);
}

export function openSecret(blob: Buffer, key: Buffer, label: string): string {
  const at = MAGIC.length;
  if (blob.length < at + IV + TAG || !blob.subarray(0, at).equals(MAGIC))
    throw new AppError(ErrorCodes.SECRET_UNREADABLE, `stored ${label} is not a sealed secret`);
  try {
    const d = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(at, at + IV));
    d.setAAD(Buffer.from(label, 'utf8'));
    d.setAuthTag(blob.subarray(at + IV, at + IV + TAG));
    return Buffer.concat([d.update(blob.subarray(at + IV + TAG)), d.final()]).toString('utf8');
  } catch {
    throw new AppError(ErrorCodes.SECRET_UNREADABLE, `stored ${label} cannot be decrypted with this RAW_ENCRYPTION_KEY`);
  }
}
