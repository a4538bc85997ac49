// The queue and the consultation page, with the reviewer's actions as plain form posts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, ErrorCodes } from '../../errors.ts';
import { getKnowledgeBase } from '../../kb/index.ts';
import type { CodeInfo } from '../../kb/types.ts';
import { renderEmail } from '../../send/render.ts';
import { audit } from '../../store/audit.ts';
import { addNote, approveConsultation, claimConsultation, editDraft, reassignConsultation, rejectConsultation, requestInformation } from '../actions.ts';
import { consultationDetail } from '../api.ts';
import { factsView } from './facts-view.ts';
import { CONSULTATION_STATUSES, OPEN_STATUSES } from '../../store/consultation-status.ts';
import { permissionsFor } from '../permissions.ts';
import { activeUsers, dueState, notes, othersViewing, planNames, queue, similarAnswered, specialtiesInUse, touchPresence } from './queries.ts';
import { isCalendarDate, routeId, rowId } from '../params.ts';
import { page, signedIn } from './state.ts';
import { timeLeft } from './timeleft.ts';
import { errorFields } from '../../log-error.ts';

const STATUSES = CONSULTATION_STATUSES;
const filterSchema = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  assignee: z.string().regex(/^(mine|unassigned|\d{1,9})$/).optional().catch(undefined),
  specialty: z.string().max(40).optional().catch(undefined),
  plan: z.string().max(40).optional().catch(undefined),
});
const textField = (max: number) => z.string().trim().min(1).max(max);

const DONE_MESSAGES: Record<string, string> = {
  claimed: 'You now own this consultation.',
  edited: 'Draft saved as a new version.',
  approved: 'Approved. The reply is queued and goes out in a moment.',
  requested: 'Your question went to the sender. The due clock is paused until they answer.',
  reassigned: 'Reassigned; the new assignee has been notified.',
  rejected: 'Rejected. Nothing was sent to the sender.',
  noted: 'Note added.',
};

function consultationId(req: FastifyRequest): number {
  const id = routeId(req.params);
  if (id === null) throw new AppError(ErrorCodes.CONSULTATION_NOT_FOUND, 'No such consultation.');
  return id;
}

function field(req: FastifyRequest, name: string, schema: z.ZodType<string>, label: string): string {
  const r = schema.safeParse((req.body as Record<string, unknown> | undefined)?.[name]);
  if (!r.success) throw new AppError(ErrorCodes.BAD_REQUEST, `${label} is required (and must not be too long).`);
  return r.data;
}

async function lookupCode(ctx: AppContext, code: string, dos: string | undefined): Promise<{ info: CodeInfo | null; error: string | null }> {
  try {
    const kb = await getKnowledgeBase({ importDir: ctx.config.paths.codesets });
    return { info: kb.lookup(code, dos ? { dos } : {}), error: null };
  } catch (err) {
    ctx.log.warn({ err: errorFields(err) }, 'code lookup failed');
    return { info: null, error: 'The code sets are not available right now.' };
  }
}

export function registerConsultationRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (req, reply) => reply.redirect(req.cc.user ? '/queue' : '/login', 303));

  app.get('/queue', async (req, reply) => {
    const user = signedIn(req);
    const f = filterSchema.parse(req.query ?? {});
    const now = new Date();
    const [rows, users, specialties, plans] = await Promise.all([queue(ctx.db, f, user.id), activeUsers(ctx.db), specialtiesInUse(ctx.db), planNames(ctx.db)]);
    const items = rows.map((r) => ({ ...r, left: timeLeft(r.dueAt, now, r.paused), mine: r.assigneeId === user.id }));
    const opt = (values: readonly string[], selected: string | undefined) => values.map((v) => ({ value: v, selected: v === selected }));
    return page(ctx, req, reply, 'queue', 'Queue', {
      nav: 'queue',
      items,
      count: items.length,
      overdue: items.filter((i) => i.left.overdue).length,
      filter: f,
      statuses: opt(STATUSES, f.status),
      specialties: opt(specialties, f.specialty),
      plans: opt(plans, f.plan),
      assignees: users.map((u) => ({ value: String(u.id), label: u.name, selected: f.assignee === String(u.id) })),
      mineSelected: f.assignee === 'mine',
      unassignedSelected: f.assignee === 'unassigned',
      openLabel: OPEN_STATUSES.join(', '),
    });
  });

  app.get('/c/:id', async (req, reply) => {
    const user = signedIn(req);
    const id = consultationId(req);
    const d = await consultationDetail(ctx, id);
    const q = (req.query ?? {}) as Record<string, string>;
    await touchPresence(ctx.db, id, user.id);
    await audit(ctx.db, { userId: user.id, action: 'consultation.viewed', consultationId: id, detail: { via: 'console' } });
    const facts = factsView(d.draft?.facts);
    const lookupCodeParam = typeof q.code === 'string' ? q.code.trim().slice(0, 20) : '';
    const lookupDos = typeof q.dos === 'string' && isCalendarDate(q.dos) ? q.dos : facts.dateOfService && isCalendarDate(facts.dateOfService) ? facts.dateOfService : undefined;
    const [due, noteRows, others, users, similar, lookup] = await Promise.all([
      dueState(ctx.db, id),
      notes(ctx.db, id),
      othersViewing(ctx.db, id, user.id),
      activeUsers(ctx.db),
      similarAnswered(ctx.db, id, facts.codeList),
      lookupCodeParam ? lookupCode(ctx, lookupCodeParam, lookupDos) : Promise.resolve(null),
    ]);
    const isAssignee = d.assignee?.id === user.id;
    const preview = d.draft
      ? renderEmail('answer', { name: d.fromName, body: d.draft.text, reviewer: d.assignee?.name ?? user.name, ticket: d.ticket }).text
      : null;
    return page(ctx, req, reply, 'consultation', `${d.ticket}`, {
      nav: 'queue',
      c: d,
      done: q.done ? DONE_MESSAGES[q.done] ?? null : null,
      left: timeLeft(due.dueAt, new Date(), due.paused),
      plan: due.plan,
      rejectedReason: due.rejectedReason,
      facts,
      preview,
      notes: noteRows,
      others,
      similar,
      lookup: lookup ? { code: lookupCodeParam, dos: lookupDos ?? '', ...lookup } : null,
      lookupCode: lookupCodeParam,
      lookupDos: lookupDos ?? '',
      isAssignee,
      can: permissionsFor({ status: d.status, assignee_id: d.assignee?.id ?? null }, user),
      reassignTo: users.filter((u) => u.id !== d.assignee?.id).map((u) => ({ id: u.id, label: `${u.name} (${u.role})` })),
    });
  });

  const action = (path: string, run: (req: FastifyRequest, id: number) => Promise<string>) =>
    app.post(`/c/:id/${path}`, async (req, reply) => {
      signedIn(req);
      const id = consultationId(req);
      const done = await run(req, id);
      return reply.redirect(`/c/${id}?done=${done}`, 303);
    });

  action('claim', async (req, id) => {
    await claimConsultation(ctx, req.cc.user!, id);
    return 'claimed';
  });
  action('edit', async (req, id) => {
    await editDraft(ctx, req.cc.user!, id, field(req, 'text', textField(100_000), 'The draft text'));
    return 'edited';
  });
  action('approve', async (req, id) => {
    const text = (req.body as Record<string, unknown>)?.text;
    // Approving from the edit box sends what the reviewer sees, even if they did not save it first.
    await approveConsultation(ctx, req.cc.user!, id, typeof text === 'string' && text.trim() ? field(req, 'text', textField(100_000), 'The draft text') : undefined);
    return 'approved';
  });
  action('request-info', async (req, id) => {
    await requestInformation(ctx, req.cc.user!, id, field(req, 'question', textField(20_000), 'Your question'));
    return 'requested';
  });
  action('reassign', async (req, id) => {
    const parsed = rowId.safeParse((req.body as Record<string, unknown>)?.userId);
    const to = parsed.success ? parsed.data : 0;
    if (!to) throw new AppError(ErrorCodes.BAD_REQUEST, 'Choose who to reassign to.');
    await reassignConsultation(ctx, req.cc.user!, id, to);
    return 'reassigned';
  });
  action('reject', async (req, id) => {
    await rejectConsultation(ctx, req.cc.user!, id, field(req, 'reason', textField(2000), 'A reason'));
    return 'rejected';
  });
  action('note', async (req, id) => {
    await addNote(ctx, req.cc.user!, id, field(req, 'body', textField(10_000), 'The note'));
    return 'noted';
  });

  // Heartbeat from /static/console.js while the page is open: answers who else is looking.
  app.post('/c/:id/presence', async (req) => {
    const user = signedIn(req);
    const id = consultationId(req);
    await touchPresence(ctx.db, id, user.id);
    return { others: (await othersViewing(ctx.db, id, user.id)).map((u) => u.name) };
  });
}
