// Rotated OAuth2 refresh tokens, sealed like raw mail. A row belongs to the chain that started from
// one configured refresh token (its SHA-256 is kept, never the token): an operator who puts a new
// refresh token in the configuration starts a new chain, and the old rotated one is no longer used.
import crypto from 'node:crypto';
import { openSecret, sealSecret } from '../secret-box.ts';
import type { RefreshTokenStore } from '../mail/oauth2/token-provider.ts';
import type { Queryable } from './db.ts';

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const label = (key: string) => `oauth2-refresh:${key}`;

export function dbRefreshTokenStore(db: Queryable, secretKey: Buffer): RefreshTokenStore {
  return {
    async load(key, seed) {
      const r = await db.query<{ token: Buffer }>('SELECT token FROM oauth2_refresh_tokens WHERE key = $1 AND seed_sha256 = $2', [key, sha(seed)]);
      return r.rows[0] ? openSecret(r.rows[0].token, secretKey, label(key)) : null;
    },
    async save(key, seed, token) {
      await db.query(
        `INSERT INTO oauth2_refresh_tokens (key, seed_sha256, token) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET seed_sha256 = EXCLUDED.seed_sha256, token = EXCLUDED.token, rotated_at = now()`,
        [key, sha(seed), sealSecret(token, secretKey, label(key))],
      );
    },
  };
}
