// Console sessions: a random id in an HttpOnly cookie, only its hash in the database.
import crypto from 'node:crypto';
import type { Config } from '../config.ts';
import type { Queryable } from './db.ts';
import { sha256Hex, type UserRow } from './users.ts';

export const SESSION_COOKIE = 'cc_session';
export const ANON_COOKIE = 'cc_anon';

type SessionConfig = Pick<Config, 'SESSION_IDLE_MINUTES' | 'SESSION_MAX_HOURS'>;

export async function createSession(q: Queryable, config: SessionConfig, userId: number, via: string): Promise<string> {
  const id = crypto.randomBytes(32).toString('base64url');
  await q.query(`INSERT INTO console_sessions (id_sha256, user_id, via, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4))`, [
    sha256Hex(id),
    userId,
    via,
    config.SESSION_MAX_HOURS,
  ]);
  return id;
}

export type SessionLookup = { user: UserRow; expired: false } | { user: null; expired: boolean };

/** The session's user; an idle or over-age session is ended on the spot. */
export async function sessionUser(q: Queryable, config: SessionConfig, id: string): Promise<SessionLookup> {
  const r = await q.query<UserRow & { idle: boolean; over: boolean; ended: boolean; stale_touch: boolean }>(
    `SELECT u.id, u.email, u.name, u.role, u.specialties, u.capacity, u.active, u.available,
            s.last_seen_at < now() - make_interval(mins => $2) AS idle,
            s.expires_at <= now() AS over,
            s.ended_at IS NOT NULL OR NOT u.active AS ended,
            s.last_seen_at < now() - interval '20 seconds' AS stale_touch
     FROM console_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_sha256 = $1`,
    [sha256Hex(id), config.SESSION_IDLE_MINUTES],
  );
  const row = r.rows[0];
  if (!row || row.ended) return { user: null, expired: false };
  if (row.idle || row.over) {
    await endSession(q, id);
    return { user: null, expired: true };
  }
  // Touching at most every 20 s keeps a busy page from writing on every request.
  if (row.stale_touch) await q.query('UPDATE console_sessions SET last_seen_at = now() WHERE id_sha256 = $1', [sha256Hex(id)]);
  const { idle: _i, over: _o, ended: _e, stale_touch: _s, ...user } = row;
  return { user, expired: false };
}

export async function endSession(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE console_sessions SET ended_at = now() WHERE id_sha256 = $1 AND ended_at IS NULL', [sha256Hex(id)]);
}
