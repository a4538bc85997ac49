// draft: write the engine's draft for the consultation's current round and route it to a reviewer.
import type { AppContext } from '../src/context.ts';
import { buildDraft } from '../src/drafting/draft.ts';
import { pickReviewer } from '../src/drafting/route.ts';
import { getKnowledgeBase } from '../src/kb/index.ts';
import type { DraftJob } from '../src/queue/contracts.ts';
import { audit } from '../src/store/audit.ts';
import { getConsultation, setConsultation, thread } from '../src/store/consultations.ts';
import { saveEngineDraft } from '../src/store/drafts.ts';
import { reviewersWithLoad } from '../src/store/users.ts';

export async function handleDraft(ctx: AppContext, data: DraftJob): Promise<string> {
  const c = await getConsultation(ctx.db, data.consultationId);
  if (!c) return 'gone';
  // A newer round supersedes this job; a finished round needs nothing more.
  if (c.round !== data.round) return 'stale-round';
  if (c.status !== 'received' && c.status !== 'drafting') {
    // Drafted before, but the notification's enqueue may have failed after the commit (Redis away):
    // the job id and the outbox dedup key make adding it again harmless.
    if (c.status === 'awaiting_review' && c.assignee_id) await ctx.producers.add('notify', { consultationId: c.id, userId: c.assignee_id, round: c.round });
    return `already-${c.status}`;
  }
  await setConsultation(ctx.db, c.id, { status: 'drafting' });

  const inbound = (await thread(ctx.db, c.id)).filter((m) => m.direction === 'in');
  // The whole customer side of the thread, newest last: a follow-up often only adds a detail.
  // Only masked text is stored; the date of service was read before masking.
  const text = inbound.map((m) => m.body_text).join('\n\n');
  const dos = inbound.map((m) => m.date_of_service).filter(Boolean).at(-1) ?? null;
  const kb = await getKnowledgeBase({ importDir: ctx.config.paths.codesets });
  const result = buildDraft({ subject: c.subject, text, dos, maskedSubject: c.subject, maskedText: text }, kb);

  const reviewers = await reviewersWithLoad(ctx.db);
  const assignee =
    c.assignee_id ??
    pickReviewer(
      result.specialty,
      reviewers.map((r) => ({ id: String(r.id), specialties: r.specialties, openCount: r.open_count, capacity: r.capacity, active: r.active, available: r.available })),
    );
  const assigneeId = assignee == null ? null : Number(assignee);

  await ctx.db.tx(async (q) => {
    await saveEngineDraft(q, {
      consultationId: c.id,
      round: c.round,
      subject: result.draft?.subject ?? c.subject,
      bodyText: result.draft?.text ?? '',
      facts: { codes: result.codes, modifiers: result.modifiers, dateOfService: result.dateOfService, intents: result.intents, edits: result.edits, specialty: result.specialty },
    });
    await setConsultation(q, c.id, { status: 'awaiting_review', specialty: result.specialty, assignee_id: assigneeId });
    await audit(q, { action: 'draft.created', consultationId: c.id, detail: { round: c.round, assigneeId } });
  });
  if (assigneeId && assigneeId !== c.assignee_id) await ctx.producers.add('notify', { consultationId: c.id, userId: assigneeId, round: c.round });
  return 'drafted';
}
