// The queue and the consultation page, with the reviewer's actions as plain form posts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, ErrorCodes } from '../../errors.ts';
import { getKnowledgeBase } from '../../kb/index.ts';
import type { CodeInfo } from '../../kb/types.ts';
import { audit } from '../../store/audit.ts';
import { addNote, approveConsultation, claimConsultation, editDraft, reassignConsultation, rejectConsultation, requestInformation } from '../actions.ts';
import { consultationDetail } from '../api.ts';
import { factsView } from './facts-view.ts';
import { ANSWER_WRITTEN_STATUSES, CONSULTATION_STATUSES, OPEN_STATUSES, REVIEWABLE_STATUSES, statusIn } from '../../store/consultation-status.ts';
import { permissionsFor } from '../permissions.ts';
import {
  activeUsers,
  dueState,
  engineDraftText,
  neighbours,
  nextCase,
  notes,
  othersViewing,
  planNames,
  queue,
  sentAnswer,
  similarAnswered,
  specialtiesInUse,
  touchPresence,
} from '../../store/console-queries.ts';
import { draftDiff } from './draft-diff.ts';
import { shortSpan, snippet, statusLabel } from './labels.ts';
import { isCalendarDate, routeId, rowId } from '../params.ts';
import { page, signedIn } from './state.ts';
import { timeLeft } from './timeleft.ts';
import { errorFields } from '../../log-error.ts';

const STATUSES = CONSULTATION_STATUSES;
const filterSchema = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  assignee: z
    .string()
    .regex(/^(mine|unassigned|\d{1,9})$/)
    .optional()
    .catch(undefined),
  specialty: z.string().max(40).optional().catch(undefined),
  plan: z.string().max(40).optional().catch(undefined),
});
const textField = (max: number) => z.string().trim().min(1).max(max);

const DONE_MESSAGES: Record<string, string> = {
  claimed: 'You now own this consultation.',
  edited: 'Draft saved as a new version.',
  approved: 'approved; the reply is queued and goes out in a moment.',
  requested: 'your question went to the sender; the due clock is paused until they answer.',
  reassigned: 'reassigned; the new assignee has been notified.',
  rejected: 'rejected; nothing was sent to the sender.',
  noted: 'Note added.',
};
/** Actions that finish a case for now: the reviewer moves on to the next case. */
const MOVE_ON = new Set(['approved', 'requested', 'reassigned', 'rejected']);

/** The notice after an action: about this case, or (after moving on) about the one just finished. */
function doneNotice(q: Record<string, string>): string | null {
  const msg = typeof q.done === 'string' ? DONE_MESSAGES[q.done] : undefined;
  if (!msg) return null;
  if (!MOVE_ON.has(q.done)) return msg;
  const ticket = typeof q.case === 'string' && /^CC-\d{1,12}$/.test(q.case) ? q.case : 'The consultation';
  return `${ticket}: ${msg}`;
}

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

const CAP = 40;
const capped = (codes: string[]) => ({ shown: codes.slice(0, CAP), total: codes.length, more: Math.max(0, codes.length - CAP) });

async function lookupCode(ctx: AppContext, code: string, dos: string | undefined, caseCodes: string[]) {
  try {
    const kb = await getKnowledgeBase({ importDir: ctx.config.paths.codesets });
    const opts = dos ? { dos } : {};
    const info: CodeInfo = kb.lookup(code, opts);
    // Which codes it has PTP edits with: what a reviewer asks first of a code.
    const p = info.known && kb.ptpPartners ? kb.ptpPartners(info.code, opts) : null;
    const ptp = p
      ? {
          // The partners among this case's codes first: the edits the question is about.
          inCase: caseCodes
            .filter((c) => c !== info.code)
            .flatMap((c) => (p.column2.includes(c) ? [`${info.code} / ${c}`] : p.column1.includes(c) ? [`${c} / ${info.code}`] : [])),
          column2: capped(p.column2),
          column1: capped(p.column1),
          inactive: capped([...new Set([...p.inactiveColumn2, ...p.inactiveColumn1])].sort()),
          source: p.source,
        }
      : null;
    return { info, ptp, error: null };
  } catch (err) {
    ctx.log.warn({ err: errorFields(err) }, 'code lookup failed');
    return { info: null, ptp: null, error: 'The code sets are not available right now.' };
  }
}

export function registerConsultationRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (req, reply) => reply.redirect(req.cc.user ? '/queue' : '/login', 303));

  app.get('/queue', async (req, reply) => {
    const user = signedIn(req);
    const f = filterSchema.parse(req.query ?? {});
    const now = new Date();
    const [rows, users, specialties, plans] = await Promise.all([queue(ctx.db, f, user.id), activeUsers(ctx.db), specialtiesInUse(ctx.db), planNames(ctx.db)]);
    const items = rows.map((r) => ({
      ...r,
      statusText: statusLabel(r.status),
      left: statusIn(r.status, REVIEWABLE_STATUSES) ? timeLeft(r.dueAt, now, r.paused) : null,
      age: shortSpan(now.getTime() - r.createdAt.getTime()),
      snippet: snippet(r.question),
      codes: r.codes.slice(0, 6),
      moreCodes: Math.max(0, r.codes.length - 6),
      mine: r.assigneeId === user.id,
    }));
    const opt = (values: readonly string[], selected: string | undefined) => values.map((v) => ({ value: v, label: statusLabel(v), selected: v === selected }));
    return page(ctx, req, reply, 'queue', 'Queue', {
      nav: 'queue',
      items,
      count: items.length,
      overdue: items.filter((i) => i.left?.overdue).length,
      done: doneNotice((req.query ?? {}) as Record<string, string>),
      filter: f,
      statuses: opt(STATUSES, f.status),
      specialties: opt(specialties, f.specialty),
      plans: opt(plans, f.plan),
      assignees: users.map((u) => ({ value: String(u.id), label: u.name, selected: f.assignee === String(u.id) })),
      mineSelected: f.assignee === 'mine',
      unassignedSelected: f.assignee === 'unassigned',
      openLabel: OPEN_STATUSES.map(statusLabel).join(', '),
    });
  });

  // "Next case" from anywhere (the n key): the first case waiting for this reviewer, else the queue.
  app.get('/next', async (req, reply) => {
    const user = signedIn(req);
    const next = await nextCase(ctx.db, user.id, 0);
    return reply.redirect(next ? `/c/${next.id}` : '/queue', 303);
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
    const lookupDos =
      typeof q.dos === 'string' && isCalendarDate(q.dos) ? q.dos : facts.dateOfService && isCalendarDate(facts.dateOfService) ? facts.dateOfService : undefined;
    const [due, noteRows, others, users, similar, lookup, engineText, sent, around] = await Promise.all([
      dueState(ctx.db, id),
      notes(ctx.db, id),
      othersViewing(ctx.db, id, user.id),
      activeUsers(ctx.db),
      similarAnswered(ctx.db, id, facts.codeList),
      lookupCodeParam ? lookupCode(ctx, lookupCodeParam, lookupDos, facts.codeList) : Promise.resolve(null),
      d.draft && d.draft.version > 1 ? engineDraftText(ctx.db, id, d.draft.round) : Promise.resolve(null),
      sentAnswer(ctx.db, id, d.round),
      neighbours(ctx.db, user.id, id),
    ]);
    const open = statusIn(d.status, REVIEWABLE_STATUSES);
    const isAssignee = d.assignee?.id === user.id;
    const can = permissionsFor({ status: d.status, assignee_id: d.assignee?.id ?? null }, user);
    return page(ctx, req, reply, 'consultation', `${d.ticket}`, {
      nav: 'queue',
      c: d,
      statusText: statusLabel(d.status),
      done: doneNotice(q),
      // A finished case has no clock: only open ones are due.
      left: open ? timeLeft(due.dueAt, new Date(), due.paused) : null,
      plan: due.plan,
      rejectedReason: due.rejectedReason,
      facts,
      diff: engineText !== null && d.draft ? draftDiff(engineText, d.draft.text) : null,
      sent: sent && statusIn(d.status, ANSWER_WRITTEN_STATUSES) ? { ...sent, delivered: sent.status === 'sent' } : null,
      prevId: around.prev,
      nextId: around.next,
      notes: noteRows,
      others,
      similar,
      lookup: lookup ? { code: lookupCodeParam, dos: lookupDos ?? '', ...lookup } : null,
      lookupCode: lookupCodeParam,
      lookupDos: lookupDos ?? '',
      isAssignee,
      can,
      anyAction: Object.values(can).some(Boolean),
      reassignTo: users.filter((u) => u.id !== d.assignee?.id).map((u) => ({ id: u.id, label: `${u.name} (${u.role})` })),
    });
  });

  const action = (path: string, run: (req: FastifyRequest, id: number) => Promise<string>) =>
    app.post(`/c/:id/${path}`, async (req, reply) => {
      const user = signedIn(req);
      const id = consultationId(req);
      const done = await run(req, id);
      if (!MOVE_ON.has(done)) return reply.redirect(`/c/${id}?done=${done}`, 303);
      // Finished for now: on to the next case waiting for this reviewer, or back to the queue.
      const [finished, next] = await Promise.all([consultationDetail(ctx, id), nextCase(ctx.db, user.id, id)]);
      const tail = `done=${done}&case=${encodeURIComponent(finished.ticket)}`;
      return reply.redirect(next ? `/c/${next.id}?${tail}` : `/queue?${tail}`, 303);
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
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = body.text;
    const draftId = Number(body.draftId);
    // From the confirmation: exactly the version it showed. Without one (an older page), what the
    // reviewer sees in the edit box is sent, even if they did not save it first.
    if (Number.isInteger(draftId) && draftId > 0) await approveConsultation(ctx, req.cc.user!, id, undefined, { expectedDraftId: draftId });
    else
      await approveConsultation(
        ctx,
        req.cc.user!,
        id,
        typeof text === 'string' && text.trim() ? field(req, 'text', textField(100_000), 'The draft text') : undefined,
      );
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
