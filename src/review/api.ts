// The JSON API: what the console and integrations use.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError, ErrorCodes } from '../errors.ts';
import { audit } from '../store/audit.ts';
import { formatTicketNo, getConsultation, listConsultations, thread } from '../store/consultations.ts';
import { currentDraft } from '../store/drafts.ts';
import { getUser } from '../store/users.ts';
import { addNote, approveConsultation, claimConsultation, editDraft, reassignConsultation, rejectConsultation, requestInformation } from './actions.ts';
import { registerAdminApi } from './api-admin.ts';
import { bearerUser } from './auth.ts';
import { dueState, notes } from '../store/console-queries.ts';
import { getKnowledgeBase } from '../kb/index.ts';
import { isoDate, rowId } from './params.ts';
import { CONSULTATION_STATUSES } from '../store/consultation-status.ts';

const STATUSES = CONSULTATION_STATUSES;

const idParam = z.object({ id: rowId });
const listQuery = z.object({
  status: z.enum(STATUSES).optional(),
  mine: z.enum(['1', 'true']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const approveBody = z.object({ text: z.string().min(1).max(100_000).optional() }).strict();
const editBody = z.object({ text: z.string().trim().min(1).max(100_000) }).strict();
const requestInfoBody = z.object({ question: z.string().trim().min(1).max(20_000) }).strict();
const reassignBody = z
  .object({
    userId: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1),
  })
  .strict();
const rejectBody = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
const noteBody = z.object({ body: z.string().trim().min(1).max(10_000) }).strict();
const lookupQuery = z.object({ code: z.string().trim().min(1).max(20), dos: isoDate.optional() });

function parseId(params: unknown): number {
  const r = idParam.safeParse(params);
  if (!r.success) throw new AppError(ErrorCodes.CONSULTATION_NOT_FOUND, 'consultation not found');
  return r.data.id;
}

function parseOr400<T>(schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v ?? {});
  if (!r.success) throw new AppError(ErrorCodes.BAD_REQUEST, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

export async function consultationDetail(ctx: AppContext, id: number) {
  const c = await getConsultation(ctx.db, id);
  if (!c) throw new AppError(ErrorCodes.CONSULTATION_NOT_FOUND, `consultation ${id} not found`);
  const [messages, draft, assignee, due] = await Promise.all([
    thread(ctx.db, id),
    currentDraft(ctx.db, id),
    c.assignee_id ? getUser(ctx.db, c.assignee_id) : null,
    dueState(ctx.db, id),
  ]);
  return {
    id: c.id,
    ticket: formatTicketNo(c.ticket_no),
    status: c.status,
    round: c.round,
    subject: c.subject,
    from: c.from_address,
    fromName: c.from_name,
    specialty: c.specialty,
    assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
    // As the console shows it: a pause waiting on the customer moves the due time on.
    dueAt: due.dueAt ? new Date(due.dueAt).toISOString() : null,
    duePaused: due.paused,
    createdAt: new Date(c.created_at).toISOString(),
    thread: messages.map((m) => ({
      id: m.id,
      direction: m.direction,
      messageId: m.message_id,
      subject: m.subject,
      text: m.body_text,
      phiKinds: m.phi_kinds,
      createdAt: new Date(m.created_at).toISOString(),
    })),
    draft: draft
      ? {
          id: draft.id,
          round: draft.round,
          version: draft.version,
          subject: draft.subject,
          text: draft.body_text,
          facts: draft.facts,
          authorId: draft.author_id,
          createdAt: new Date(draft.created_at).toISOString(),
        }
      : null,
  };
}

export function registerApi(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/consultations', async (req) => {
    const user = await bearerUser(ctx, req);
    const q = parseOr400(listQuery, req.query);
    const items = await listConsultations(ctx.db, { status: q.status, assigneeId: q.mine ? user.id : undefined, limit: q.limit });
    return items;
  });

  app.get('/api/consultations/:id', async (req) => {
    const user = await bearerUser(ctx, req);
    const id = parseId(req.params);
    const detail = await consultationDetail(ctx, id);
    await audit(ctx.db, { userId: user.id, action: 'consultation.viewed', consultationId: id, detail: { via: 'api' } });
    return detail;
  });

  app.post('/api/consultations/:id/approve', async (req, reply) => {
    const user = await bearerUser(ctx, req);
    const id = parseId(req.params);
    const body = parseOr400(approveBody, req.body);
    const { outboundId } = await approveConsultation(ctx, user, id, body.text);
    reply.code(202);
    return { id, status: 'approved', outboundId };
  });

  app.post('/api/consultations/:id/claim', async (req) => {
    const user = await bearerUser(ctx, req);
    const id = parseId(req.params);
    await claimConsultation(ctx, user, id);
    return { id, assignee: { id: user.id, name: user.name } };
  });

  app.post('/api/consultations/:id/edit', async (req) => {
    const user = await bearerUser(ctx, req);
    const id = parseId(req.params);
    const body = parseOr400(editBody, req.body);
    return { id, ...(await editDraft(ctx, user, id, body.text)) };
  });

  app.post('/api/consultations/:id/request-info', async (req, reply) => {
    const user = await bearerUser(ctx, req);
    const id = parseId(req.params);
    const body = parseOr400(requestInfoBody, req.body);
    const { outboundId } = await requestInformation(ctx, user, id, body.question);
    reply.code(202);
    return { id, status: 'waiting_on_customer', outboundId };
  });

  app.post('/api/consultations/:id/reassign', async (req) => {
    const user = await bearerUser(ctx, req);
    const id = parseId(req.params);
    const body = parseOr400(reassignBody, req.body);
    return { id, ...(await reassignConsultation(ctx, user, id, body.userId)) };
  });

  app.post('/api/consultations/:id/reject', async (req) => {
    const user = await bearerUser(ctx, req);
    const id = parseId(req.params);
    const body = parseOr400(rejectBody, req.body);
    await rejectConsultation(ctx, user, id, body.reason);
    return { id, status: 'rejected' };
  });

  app.get('/api/consultations/:id/notes', async (req) => {
    await bearerUser(ctx, req);
    const id = parseId(req.params);
    await consultationDetail(ctx, id);
    return (await notes(ctx.db, id)).map((n) => ({ ...n, createdAt: n.createdAt.toISOString() }));
  });

  app.post('/api/consultations/:id/notes', async (req, reply) => {
    const user = await bearerUser(ctx, req);
    const id = parseId(req.params);
    const body = parseOr400(noteBody, req.body);
    reply.code(201);
    return { id, ...(await addNote(ctx, user, id, body.body)) };
  });

  app.get('/api/kb/lookup', async (req) => {
    await bearerUser(ctx, req);
    const q = parseOr400(lookupQuery, req.query);
    const kb = await getKnowledgeBase({ importDir: ctx.config.paths.codesets });
    return kb.lookup(q.code, q.dos ? { dos: q.dos } : {});
  });

  registerAdminApi(app, ctx);
}
