// The key that encrypts raw messages: RAW_ENCRYPTION_KEY when set, else one generated once into
// DATA_DIR/raw.key (mode 0600), so the embedded default needs no set-up and survives restarts.
// Config refuses the generated key in production with a shared database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { rawKeyBytes, type Config } from './config.ts';

const cache = new Map<string, Buffer>();

export function rawEncryptionKey(config: Pick<Config, 'DATA_DIR' | 'RAW_ENCRYPTION_KEY'>): Buffer {
  if (config.RAW_ENCRYPTION_KEY) return rawKeyBytes(config.RAW_ENCRYPTION_KEY)!;
  const file = path.join(config.DATA_DIR, 'raw.key');
  const hit = cache.get(file);
  if (hit) return hit;
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written aside, then linked into place: link fails when the file exists, so processes starting
    // together agree on one key and nobody reads a half-written file.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch {
      // another process won
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const key = rawKeyBytes(fs.readFileSync(file, 'utf8'));
  if (!key) throw new Error(`${file} does not hold a 32-byte hex key`);
  cache.set(file, key);
  return key;
}
