// The admin pages' reads (users with their load, accounts, plans, held inbound mail, the audit log)
// and the rows their changes write. The rules (who may, what is audited) are in review/admin-actions.ts.
import { OPEN_STATUSES } from './consultation-status.ts';
import type { Queryable } from './db.ts';
import { HELD_INBOUND_STATUSES } from './message-status.ts';
import type { InboundRow } from './inbound.ts';
import { ASSIGNEE_OPEN_PREDICATE, type Role, type UserRow } from './users.ts';

export interface UserChange {
  role?: Role;
  specialties?: string[];
  capacity?: number;
  active?: boolean;
  available?: boolean;
}

export async function listUsers(q: Queryable) {
  const r = await q.query<UserRow & { open_count: number; has_password: boolean }>(
    `SELECT u.id, u.email, u.name, u.role, u.specialties, u.capacity, u.active, u.available, u.password_hash IS NOT NULL AS has_password,
            (SELECT count(*)::int FROM consultations c WHERE c.assignee_id = u.id AND c.status IN ${ASSIGNEE_OPEN_PREDICATE}) AS open_count
     FROM users u ORDER BY u.active DESC, u.name`,
  );
  return r.rows;
}

/** False when there is no such user. */
export async function changeUser(q: Queryable, id: number, change: UserChange): Promise<boolean> {
  const r = await q.query(
    `UPDATE users SET role = COALESCE($2, role), specialties = COALESCE($3, specialties), capacity = COALESCE($4, capacity),
       active = COALESCE($5, active), available = COALESCE($6, available) WHERE id = $1`,
    [id, change.role ?? null, change.specialties ?? null, change.capacity ?? null, change.active ?? null, change.available ?? null],
  );
  return !!r.rowCount;
}

/** Ends a user's console sessions and revokes their API tokens now. */
export async function endUserAccess(q: Queryable, id: number): Promise<void> {
  await q.query('UPDATE console_sessions SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL', [id]);
  await q.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);
}

export async function listAccounts(q: Queryable) {
  const r = await q.query<{ id: number; name: string; domain: string | null; plan: string; contacts: number; open: number }>(
    `SELECT a.id, a.name, a.domain, a.plan,
            (SELECT count(*)::int FROM contacts ct WHERE ct.account_id = a.id) AS contacts,
            (SELECT count(*)::int FROM consultations c WHERE c.account_id = a.id AND c.status = ANY($1::text[])) AS open
     FROM accounts a ORDER BY a.name`,
    [[...OPEN_STATUSES]],
  );
  return r.rows;
}

export async function listPlans(q: Queryable) {
  const r = await q.query<{ name: string; monthly_quota: number | null; total_quota: number | null; due_hours: number }>(
    'SELECT * FROM plans ORDER BY due_hours DESC, name',
  );
  return r.rows;
}

export async function planExists(q: Queryable, plan: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM plans WHERE name = $1', [plan]);
  return !!r.rowCount;
}

/** False when there is no such account. */
export async function setPlanOf(q: Queryable, accountId: number, plan: string): Promise<boolean> {
  const r = await q.query('UPDATE accounts SET plan = $2 WHERE id = $1', [accountId, plan]);
  return !!r.rowCount;
}

/** Metadata only: the raw bytes stay in the database (and may hold PHI). */
export async function listHeldInbound(q: Queryable) {
  const r = await q.query<
    Pick<InboundRow, 'id' | 'mailbox' | 'uid' | 'size' | 'status' | 'kind' | 'reason' | 'error' | 'message_id' | 'attempts' | 'received_at'> & {
      raw_purged: boolean;
    }
  >(
    `SELECT id, mailbox, uid, size, status, kind, reason, error, message_id, attempts, received_at, raw_purged_at IS NOT NULL AS raw_purged
     FROM inbound_messages WHERE status = ANY($1::text[]) ORDER BY id DESC LIMIT 500`,
    [[...HELD_INBOUND_STATUSES]],
  );
  return r.rows;
}

/** A held message back to 'received' for another ingest; false unless it is held and its bytes are kept. */
export async function resetHeldInbound(q: Queryable, id: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE inbound_messages SET status = 'received', error = NULL, reason = NULL, attempts = 0, processed_at = NULL
     WHERE id = $1 AND status = ANY($2::text[]) AND raw_purged_at IS NULL`,
    [id, [...HELD_INBOUND_STATUSES]],
  );
  return !!r.rowCount;
}

/** False unless the message is held. */
export async function discardHeldInbound(q: Queryable, id: number): Promise<boolean> {
  const r = await q.query(`UPDATE inbound_messages SET status = 'discarded', processed_at = now() WHERE id = $1 AND status = ANY($2::text[])`, [
    id,
    [...HELD_INBOUND_STATUSES],
  ]);
  return !!r.rowCount;
}

export interface AuditFilter {
  action?: string;
  userId?: number;
  consultationId?: number;
  since?: string;
  limit?: number;
}

export interface AuditRow {
  id: number;
  at: Date;
  user_id: number | null;
  user_name: string | null;
  action: string;
  consultation_id: number | null;
  detail: Record<string, unknown>;
}

export async function auditRows(q: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.action) where.push(`l.action LIKE ${p(`${f.action.replace(/[%_\\]/g, '\\$&')}%`)}`);
  if (f.userId) where.push(`l.user_id = ${p(f.userId)}`);
  if (f.consultationId) where.push(`l.consultation_id = ${p(f.consultationId)}`);
  if (f.since) where.push(`l.at >= ${p(f.since)}::timestamptz`);
  const r = await q.query<AuditRow>(
    `SELECT l.id, l.at, l.user_id, u.name AS user_name, l.action, l.consultation_id, l.detail
     FROM audit_log l LEFT JOIN users u ON u.id = l.user_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY l.id DESC LIMIT ${p(Math.min(f.limit ?? 500, 100_000))}`,
    params,
  );
  return r.rows;
}
