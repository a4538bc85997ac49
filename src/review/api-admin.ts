// The admin pages' JSON twins under /api/admin, for bearer-token clients. Admins only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError, ErrorCodes } from '../errors.ts';
import type { Role } from '../store/users.ts';
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
} from './admin-actions.ts';
import { bearerUser } from './auth.ts';
import { auditCsv } from './console/csv.ts';
import { audit } from '../store/audit.ts';
import { isoDate, routeId, rowId } from './params.ts';

const role = z.enum(ROLES as [Role, ...Role[]]);
const newUser = z
  .object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[^\s@]+@[^\s@]+$/)
      .max(320),
    name: z.string().trim().min(1).max(200),
    role,
    specialties: z.array(z.string().max(40)).max(50).default([]),
    capacity: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
const userChange = z
  .object({
    role: role.optional(),
    specialties: z.array(z.string().max(40)).max(50).optional(),
    capacity: z.number().int().min(0).max(1000).optional(),
    active: z.boolean().optional(),
    available: z.boolean().optional(),
  })
  .strict();
const account = z
  .object({ name: z.string().trim().min(1).max(200), domain: z.string().trim().max(253).nullable().optional(), plan: z.string().min(1).max(40) })
  .strict();
const plan = z.object({ plan: z.string().min(1).max(40) }).strict();
const auditQuery = z.object({
  action: z.string().max(80).optional(),
  user: rowId.optional(),
  consultation: rowId.optional(),
  since: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

function parse<T>(schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v ?? {});
  if (!r.success) throw new AppError(ErrorCodes.BAD_REQUEST, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

const idOf = (req: FastifyRequest) => {
  const id = routeId(req.params);
  if (id === null) throw new AppError(ErrorCodes.NOT_FOUND, 'not found');
  return id;
};

export function registerAdminApi(app: FastifyInstance, ctx: AppContext): void {
  const admin = async (req: FastifyRequest) => {
    const user = await bearerUser(ctx, req);
    requireAdmin(user);
    return user;
  };

  app.get('/api/admin/users', async (req) => {
    await admin(req);
    return (await listUsers(ctx.db)).map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      specialties: u.specialties,
      capacity: u.capacity,
      active: u.active,
      available: u.available,
      hasPassword: u.has_password,
      openCount: u.open_count,
    }));
  });
  // Each handler authenticates before it reads ids or bodies: a stranger learns nothing from 400s.
  app.post('/api/admin/users', async (req, reply) => {
    const actor = await admin(req);
    const u = await addUser(ctx, actor, parse(newUser, req.body));
    reply.code(201);
    return u;
  });
  app.post('/api/admin/users/:id', async (req) => {
    const actor = await admin(req);
    const id = idOf(req);
    await updateUser(ctx, actor, id, parse(userChange, req.body));
    return { id, ok: true };
  });

  app.get('/api/admin/accounts', async (req) => {
    await admin(req);
    const [accounts, plans] = await Promise.all([listAccounts(ctx.db), listPlans(ctx.db)]);
    return { accounts, plans };
  });
  app.post('/api/admin/accounts', async (req, reply) => {
    const actor = await admin(req);
    const a = parse(account, req.body);
    const id = await saveAccount(ctx, actor, { name: a.name, domain: a.domain || null, plan: a.plan });
    reply.code(201);
    return { id };
  });
  app.post('/api/admin/accounts/:id/plan', async (req) => {
    const actor = await admin(req);
    const id = idOf(req);
    await setAccountPlan(ctx, actor, id, parse(plan, req.body).plan);
    return { id, ok: true };
  });

  app.get('/api/admin/inbound', async (req) => {
    await admin(req);
    return listHeldInbound(ctx.db);
  });
  app.post('/api/admin/inbound/:id/reprocess', async (req, reply) => {
    const actor = await admin(req);
    const id = idOf(req);
    await reprocessInbound(ctx, actor, id);
    reply.code(202);
    return { id, status: 'received' };
  });
  app.post('/api/admin/inbound/:id/discard', async (req) => {
    const actor = await admin(req);
    const id = idOf(req);
    await discardInbound(ctx, actor, id);
    return { id, status: 'discarded' };
  });

  app.get('/api/admin/audit', async (req, reply) => {
    const actor = await admin(req);
    const q = parse(auditQuery, req.query);
    const rows = await auditRows(ctx.db, { action: q.action, userId: q.user, consultationId: q.consultation, since: q.since, limit: q.limit });
    if ((req.headers.accept ?? '').includes('text/csv')) {
      await audit(ctx.db, { userId: actor.id, action: 'admin.audit_exported', detail: { rows: rows.length, via: 'api' } });
      return reply.type('text/csv; charset=utf-8').send(auditCsv(rows));
    }
    return rows.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      userId: r.user_id,
      user: r.user_name,
      action: r.action,
      consultationId: r.consultation_id,
      detail: r.detail,
    }));
  });
}
