// Admin changes as plain functions: the console's /admin pages and the JSON API both call these,
// and every one is audited with the admin who made it.
import type { AppContext } from '../context.ts';
import { AppError, ErrorCodes } from '../errors.ts';
import { audit } from '../store/audit.ts';
import { createAccount } from '../store/accounts.ts';
import type { Queryable } from '../store/db.ts';
import { createUser, type Role, type UserRow } from '../store/users.ts';
import { ASSIGNEE_OPEN_PREDICATE } from '../store/users.ts';
import { OPEN_STATUSES } from '../store/consultation-status.ts';

export const ROLES: Role[] = ['reviewer', 'lead', 'admin'];

export function requireAdmin(user: UserRow): void {
  if (user.role !== 'admin') throw new AppError(ErrorCodes.FORBIDDEN, 'Only an admin can do this.');
}

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

export async function addUser(ctx: AppContext, actor: UserRow, u: { email: string; name: string; role: Role; specialties: string[]; capacity?: number }): Promise<UserRow> {
  requireAdmin(actor);
  return ctx.db.tx(async (q) => {
    const created = await createUser(q, u);
    await audit(q, { userId: actor.id, action: 'admin.user_saved', detail: { targetUserId: created.id, role: u.role } });
    return created;
  });
}

export async function updateUser(ctx: AppContext, actor: UserRow, id: number, change: UserChange): Promise<void> {
  requireAdmin(actor);
  if (id === actor.id && (change.active === false || (change.role && change.role !== 'admin'))) {
    throw new AppError(ErrorCodes.BAD_REQUEST, 'You cannot remove your own admin access; ask another admin.');
  }
  await ctx.db.tx(async (q) => {
    const r = await q.query(
      `UPDATE users SET role = COALESCE($2, role), specialties = COALESCE($3, specialties), capacity = COALESCE($4, capacity),
         active = COALESCE($5, active), available = COALESCE($6, available) WHERE id = $1`,
      [id, change.role ?? null, change.specialties ?? null, change.capacity ?? null, change.active ?? null, change.available ?? null],
    );
    if (!r.rowCount) throw new AppError(ErrorCodes.NOT_FOUND, 'No such user.');
    // A deactivated user's sessions and tokens stop working at once, not at their expiry.
    if (change.active === false) {
      await q.query('UPDATE console_sessions SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL', [id]);
      await q.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);
    }
    await audit(q, { userId: actor.id, action: 'admin.user_changed', detail: { targetUserId: id, change } });
  });
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
  const r = await q.query<{ name: string; monthly_quota: number | null; total_quota: number | null; due_hours: number }>('SELECT * FROM plans ORDER BY due_hours DESC, name');
  return r.rows;
}

async function requirePlan(q: Queryable, plan: string): Promise<void> {
  const r = await q.query('SELECT 1 FROM plans WHERE name = $1', [plan]);
  if (!r.rowCount) throw new AppError(ErrorCodes.BAD_REQUEST, 'No such plan.');
}

export async function saveAccount(ctx: AppContext, actor: UserRow, a: { name: string; domain: string | null; plan: string }): Promise<number> {
  requireAdmin(actor);
  return ctx.db.tx(async (q) => {
    await requirePlan(q, a.plan);
    const id = await createAccount(q, { ...a, domain: a.domain ? a.domain.toLowerCase() : null });
    await audit(q, { userId: actor.id, action: 'admin.account_saved', detail: { accountId: id, plan: a.plan } });
    return id;
  });
}

export async function setAccountPlan(ctx: AppContext, actor: UserRow, accountId: number, plan: string): Promise<void> {
  requireAdmin(actor);
  await ctx.db.tx(async (q) => {
    await requirePlan(q, plan);
    const r = await q.query('UPDATE accounts SET plan = $2 WHERE id = $1', [accountId, plan]);
    if (!r.rowCount) throw new AppError(ErrorCodes.NOT_FOUND, 'No such account.');
    await audit(q, { userId: actor.id, action: 'admin.account_plan_changed', detail: { accountId, plan } });
  });
}

export const HELD_STATUSES = ['quarantined', 'failed'];

/** Metadata only: the raw bytes stay in the database (and may hold PHI). */
export async function listHeldInbound(q: Queryable) {
  const r = await q.query<{ id: number; mailbox: string; uid: number; size: number; status: string; kind: string | null; reason: string | null; error: string | null; message_id: string | null; attempts: number; received_at: Date; raw_purged: boolean }>(
    `SELECT id, mailbox, uid, size, status, kind, reason, error, message_id, attempts, received_at, raw_purged_at IS NOT NULL AS raw_purged
     FROM inbound_messages WHERE status = ANY($1::text[]) ORDER BY id DESC LIMIT 500`,
    [HELD_STATUSES],
  );
  return r.rows;
}

export async function reprocessInbound(ctx: AppContext, actor: UserRow, id: number): Promise<void> {
  requireAdmin(actor);
  await ctx.db.tx(async (q) => {
    const r = await q.query(
      `UPDATE inbound_messages SET status = 'received', error = NULL, reason = NULL, attempts = 0, processed_at = NULL
       WHERE id = $1 AND status = ANY($2::text[]) AND raw_purged_at IS NULL`,
      [id, HELD_STATUSES],
    );
    if (!r.rowCount) throw new AppError(ErrorCodes.WRONG_STATE, 'Only a quarantined or failed message whose raw bytes are still kept can be reprocessed.');
    await audit(q, { userId: actor.id, action: 'admin.inbound_reprocessed', detail: { inboundId: id } });
  });
  // A job of the same id may still be kept from the first attempt; remove it so the add runs again.
  const queue = ctx.producers.queue('ingest');
  const old = await queue.getJob(`in-${id}`).catch(() => undefined);
  if (old) await old.remove().catch(() => {});
  await ctx.producers.add('ingest', { inboundId: id });
}

export async function discardInbound(ctx: AppContext, actor: UserRow, id: number): Promise<void> {
  requireAdmin(actor);
  await ctx.db.tx(async (q) => {
    const r = await q.query(`UPDATE inbound_messages SET status = 'discarded', processed_at = now() WHERE id = $1 AND status = ANY($2::text[])`, [id, HELD_STATUSES]);
    if (!r.rowCount) throw new AppError(ErrorCodes.WRONG_STATE, 'Only a quarantined or failed message can be discarded.');
    await audit(q, { userId: actor.id, action: 'admin.inbound_discarded', detail: { inboundId: id } });
  });
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
