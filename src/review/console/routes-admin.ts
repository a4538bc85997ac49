// /admin: users, accounts and plans, held inbound messages, the audit log. Admins only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, ErrorCodes } from '../../errors.ts';
import {
  addUser,
  auditRows,
  discardInbound,
  listAccounts,
  listHeldInbound,
  listPlans,
  listUsers,
  reprocessInbound,
  requireAdmin,
  ROLES,
  saveAccount,
  setAccountPlan,
  updateUser,
} from '../admin-actions.ts';
import { audit } from '../../store/audit.ts';
import type { Role, UserRow } from '../../store/users.ts';
import { auditCsv } from './csv.ts';
import { page, signedIn } from './state.ts';
import { isoDate, routeId, rowId } from '../params.ts';

function admin(req: FastifyRequest): UserRow {
  const user = signedIn(req);
  requireAdmin(user);
  return user;
}

const idOf = (req: FastifyRequest) => {
  const id = routeId(req.params);
  if (id === null) throw new AppError(ErrorCodes.NOT_FOUND, 'Not found.');
  return id;
};

const specialtiesField = z
  .string()
  .max(500)
  .transform((s) => [
    ...new Set(
      s
        .split(/[\s,]+/)
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean),
    ),
  ]);
const newUserForm = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[^\s@]+@[^\s@]+$/)
    .max(320),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES as [Role, ...Role[]]),
  specialties: specialtiesField.default([]),
  capacity: z.coerce.number().int().min(0).max(1000).default(20),
});
const userForm = z.object({
  role: z.enum(ROLES as [Role, ...Role[]]),
  specialties: specialtiesField.default([]),
  capacity: z.coerce.number().int().min(0).max(1000),
  active: z.string().optional(),
  available: z.string().optional(),
});
const accountForm = z.object({
  name: z.string().trim().min(1).max(200),
  domain: z.string().trim().toLowerCase().max(253).optional(),
  plan: z.string().trim().min(1).max(40),
});
const auditQuery = z.object({
  action: z.string().max(80).optional().catch(undefined),
  user: rowId.optional().catch(undefined),
  consultation: rowId.optional().catch(undefined),
  since: isoDate.optional().catch(undefined),
});

function parseForm<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new AppError(ErrorCodes.BAD_REQUEST, `Check the form: ${r.error.issues.map((i) => i.path.join('.') || 'form').join(', ')}.`);
  return r.data;
}

export function registerAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/admin', async (req, reply) => {
    admin(req);
    return reply.redirect('/admin/users', 303);
  });

  app.get('/admin/users', async (req, reply) => {
    admin(req);
    const users = (await listUsers(ctx.db)).map((u) => ({ ...u, roles: ROLES.map((r) => ({ value: r, selected: r === u.role })) }));
    return page(ctx, req, reply, 'admin-users', 'Users', {
      nav: 'admin',
      tab: 'users',
      users,
      roles: ROLES,
      done: (req.query as Record<string, string>).done === '1',
    });
  });
  app.post('/admin/users', async (req, reply) => {
    const actor = admin(req);
    await addUser(ctx, actor, parseForm(newUserForm, req.body));
    return reply.redirect('/admin/users?done=1', 303);
  });
  app.post('/admin/users/:id', async (req, reply) => {
    const actor = admin(req);
    const f = parseForm(userForm, req.body);
    await updateUser(ctx, actor, idOf(req), {
      role: f.role,
      specialties: f.specialties,
      capacity: f.capacity,
      active: f.active === 'on',
      available: f.available === 'on',
    });
    return reply.redirect('/admin/users?done=1', 303);
  });

  app.get('/admin/accounts', async (req, reply) => {
    admin(req);
    const [accounts, plans] = await Promise.all([listAccounts(ctx.db), listPlans(ctx.db)]);
    return page(ctx, req, reply, 'admin-accounts', 'Accounts and plans', {
      nav: 'admin',
      tab: 'accounts',
      plans,
      accounts: accounts.map((a) => ({ ...a, plans: plans.map((p) => ({ value: p.name, selected: p.name === a.plan })) })),
    });
  });
  app.post('/admin/accounts', async (req, reply) => {
    const actor = admin(req);
    const f = parseForm(accountForm, req.body);
    await saveAccount(ctx, actor, { name: f.name, domain: f.domain || null, plan: f.plan });
    return reply.redirect('/admin/accounts', 303);
  });
  app.post('/admin/accounts/:id', async (req, reply) => {
    const actor = admin(req);
    await setAccountPlan(ctx, actor, idOf(req), parseForm(z.object({ plan: z.string().min(1).max(40) }), req.body).plan);
    return reply.redirect('/admin/accounts', 303);
  });

  app.get('/admin/inbound', async (req, reply) => {
    admin(req);
    return page(ctx, req, reply, 'admin-inbound', 'Held messages', {
      nav: 'admin',
      tab: 'inbound',
      items: await listHeldInbound(ctx.db),
      done: (req.query as Record<string, string>).done ?? null,
    });
  });
  app.post('/admin/inbound/:id/reprocess', async (req, reply) => {
    await reprocessInbound(ctx, admin(req), idOf(req));
    return reply.redirect('/admin/inbound?done=reprocessed', 303);
  });
  app.post('/admin/inbound/:id/discard', async (req, reply) => {
    await discardInbound(ctx, admin(req), idOf(req));
    return reply.redirect('/admin/inbound?done=discarded', 303);
  });

  app.get('/admin/audit', async (req, reply) => {
    admin(req);
    const f = auditQuery.parse(req.query ?? {});
    const rows = await auditRows(ctx.db, { action: f.action, userId: f.user, consultationId: f.consultation, since: f.since, limit: 300 });
    const qs = new URLSearchParams(
      Object.entries(f)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ).toString();
    return page(ctx, req, reply, 'admin-audit', 'Audit log', {
      nav: 'admin',
      tab: 'audit',
      rows: rows.map((r) => ({ ...r, detailText: JSON.stringify(r.detail) })),
      f,
      csvHref: `/admin/audit.csv${qs ? `?${qs}` : ''}`,
    });
  });
  app.get('/admin/audit.csv', async (req, reply) => {
    const actor = admin(req);
    const f = auditQuery.parse(req.query ?? {});
    const rows = await auditRows(ctx.db, { action: f.action, userId: f.user, consultationId: f.consultation, since: f.since, limit: 100_000 });
    await audit(ctx.db, { userId: actor.id, action: 'admin.audit_exported', detail: { rows: rows.length } });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit-log.csv"').send(auditCsv(rows));
  });
}
