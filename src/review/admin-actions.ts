// Admin changes as plain functions: the console's /admin pages and the JSON API both call these,
// and every one is audited with the admin who made it.
import type { AppContext } from '../context.ts';
import { AppError, ErrorCodes } from '../errors.ts';
import { audit } from '../store/audit.ts';
import { createAccount } from '../store/accounts.ts';
import type { Queryable } from '../store/db.ts';
import { createUser, type Role, type UserRow } from '../store/users.ts';
import { changeUser, discardHeldInbound, endUserAccess, planExists, resetHeldInbound, setPlanOf, type UserChange } from '../store/admin.ts';

// The reads live in the store; the console and the API import them from here with the changes.
export { auditRows, listAccounts, listHeldInbound, listPlans, listUsers, type AuditFilter, type AuditRow, type UserChange } from '../store/admin.ts';

export const ROLES: Role[] = ['reviewer', 'lead', 'admin'];

export function requireAdmin(user: UserRow): void {
  if (user.role !== 'admin') throw new AppError(ErrorCodes.FORBIDDEN, 'Only an admin can do this.');
}

export async function addUser(
  ctx: AppContext,
  actor: UserRow,
  u: { email: string; name: string; role: Role; specialties: string[]; capacity?: number },
): Promise<UserRow> {
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
    if (!(await changeUser(q, id, change))) throw new AppError(ErrorCodes.NOT_FOUND, 'No such user.');
    // A deactivated user's sessions and tokens stop working at once, not at their expiry.
    if (change.active === false) await endUserAccess(q, id);
    await audit(q, { userId: actor.id, action: 'admin.user_changed', detail: { targetUserId: id, change } });
  });
}

async function requirePlan(q: Queryable, plan: string): Promise<void> {
  if (!(await planExists(q, plan))) throw new AppError(ErrorCodes.BAD_REQUEST, 'No such plan.');
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
    if (!(await setPlanOf(q, accountId, plan))) throw new AppError(ErrorCodes.NOT_FOUND, 'No such account.');
    await audit(q, { userId: actor.id, action: 'admin.account_plan_changed', detail: { accountId, plan } });
  });
}

export async function reprocessInbound(ctx: AppContext, actor: UserRow, id: number): Promise<void> {
  requireAdmin(actor);
  await ctx.db.tx(async (q) => {
    if (!(await resetHeldInbound(q, id)))
      throw new AppError(ErrorCodes.WRONG_STATE, 'Only a quarantined or failed message whose raw bytes are still kept can be reprocessed.');
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
    if (!(await discardHeldInbound(q, id))) throw new AppError(ErrorCodes.WRONG_STATE, 'Only a quarantined or failed message can be discarded.');
    await audit(q, { userId: actor.id, action: 'admin.inbound_discarded', detail: { inboundId: id } });
  });
}
