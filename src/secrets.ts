// The key that signs links and sessions: SECRET_KEY when set, else one generated once and kept in
// DATA_DIR/secret.key so the embedded default needs no set-up and survives restarts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';

let cached: Buffer | null = null;

export function secretKey(config: Pick<Config, 'DATA_DIR'>): Buffer {
  if (cached) return cached;
  const fromEnv = process.env.SECRET_KEY;
  if (fromEnv) return (cached = crypto.createHash('sha256').update(fromEnv).digest());
  const file = path.join(config.DATA_DIR, 'secret.key');
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch {
    // already there
  }
  return (cached = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex'));
}
