// Sign-in links: only the SHA-256 of a token is stored; a link is single use and short-lived.
import type { Queryable } from './db.ts';
import { sha256Hex } from './users.ts';

export async function insertMagicLink(q: Queryable, tokenSha256: string, userId: number, minutes: number): Promise<void> {
  await q.query(`INSERT INTO magic_links (token_sha256, user_id, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3))`, [
    tokenSha256,
    userId,
    minutes,
  ]);
}

/** Marks the link used and returns its user, or null when unknown, used or expired. */
export async function consumeMagicLink(q: Queryable, token: string): Promise<number | null> {
  const r = await q.query<{ user_id: number }>(
    `UPDATE magic_links l SET used_at = now() FROM users u
     WHERE l.token_sha256 = $1 AND l.used_at IS NULL AND l.expires_at > now() AND u.id = l.user_id AND u.active
     RETURNING l.user_id`,
    [sha256Hex(token)],
  );
  return r.rows[0]?.user_id ?? null;
}

/** The user a valid, unused link would sign in, without using it up; null otherwise. */
export async function magicLinkUser(q: Queryable, token: string): Promise<number | null> {
  const r = await q.query<{ user_id: number }>(
    `SELECT l.user_id FROM magic_links l JOIN users u ON u.id = l.user_id
     WHERE l.token_sha256 = $1 AND l.used_at IS NULL AND l.expires_at > now() AND u.active`,
    [sha256Hex(token)],
  );
  return r.rows[0]?.user_id ?? null;
}
