import crypto from 'node:crypto';
import type { Queryable } from './db.ts';
import { REVIEWABLE_STATUSES, sqlStatusList } from './consultation-status.ts';

export type Role = 'reviewer' | 'lead' | 'admin';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  specialties: string[];
  capacity: number;
  active: boolean;
  available: boolean;
}

export const sha256Hex = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest('hex');

export async function createUser(q: Queryable, u: { email: string; name: string; role: Role; specialties: string[]; capacity?: number }): Promise<UserRow> {
  const r = await q.query<UserRow>(
    `INSERT INTO users (email, name, role, specialties, capacity) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, specialties = EXCLUDED.specialties,
       capacity = EXCLUDED.capacity, active = true
     RETURNING id, email, name, role, specialties, capacity, active, available`,
    [u.email.toLowerCase(), u.name, u.role, u.specialties, u.capacity ?? 20],
  );
  return r.rows[0];
}

/** Issues a new API token; only its hash is stored, so it is shown once. */
export async function issueToken(q: Queryable, userId: number): Promise<string> {
  const token = `cc_${crypto.randomBytes(24).toString('base64url')}`;
  await q.query('INSERT INTO api_tokens (user_id, token_sha256) VALUES ($1, $2)', [userId, sha256Hex(token)]);
  return token;
}

export async function userByToken(q: Queryable, token: string): Promise<UserRow | null> {
  const r = await q.query<UserRow>(
    `UPDATE api_tokens t SET last_used_at = now() FROM users u
     WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND u.id = t.user_id AND u.active
     RETURNING u.id, u.email, u.name, u.role, u.specialties, u.capacity, u.active, u.available`,
    [sha256Hex(token)],
  );
  return r.rows[0] ?? null;
}

export async function getUser(q: Queryable, id: number): Promise<UserRow | null> {
  const r = await q.query<UserRow>('SELECT id, email, name, role, specialties, capacity, active, available FROM users WHERE id = $1', [id]);
  return r.rows[0] ?? null;
}

/**
 * The status list of migration 007's partial index consultations_assignee_open, spelled out because
 * the planner uses that index only for a literal predicate that matches it; generated from
 * REVIEWABLE_STATUSES and checked against the migration by test/unit/consultation-status.test.ts.
 */
export const ASSIGNEE_OPEN_PREDICATE = sqlStatusList(REVIEWABLE_STATUSES);

/** Reviewers with their open workload, for routing. */
export async function reviewersWithLoad(q: Queryable): Promise<(UserRow & { open_count: number })[]> {
  const r = await q.query<UserRow & { open_count: number }>(
    `SELECT u.id, u.email, u.name, u.role, u.specialties, u.capacity, u.active, u.available,
            (SELECT count(*)::int FROM consultations c WHERE c.assignee_id = u.id
               AND c.status IN ${ASSIGNEE_OPEN_PREDICATE}) AS open_count
     FROM users u WHERE u.active ORDER BY u.id`,
  );
  return r.rows;
}

/** A user by sign-in address, with the password hash the sign-in form checks. */
export async function userByEmail(q: Queryable, email: string): Promise<(UserRow & { password_hash: string | null }) | null> {
  const r = await q.query<UserRow & { password_hash: string | null }>(
    'SELECT id, email, name, role, specialties, capacity, active, available, password_hash FROM users WHERE email = $1',
    [email.trim().toLowerCase()],
  );
  return r.rows[0] ?? null;
}

export async function setPasswordHash(q: Queryable, userId: number, hash: string): Promise<void> {
  await q.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash]);
}
