// draft: write the engine's draft for the consultation's current round and route it to a reviewer.
// Jobs arrive in batches (the draft jobs a worker holds at once, as with ingest): one read of the
// consultations and their threads, one routing read, one transaction of three statements. A batch
// whose transaction fails is taken again one job at a time, so one bad consultation fails only its own job.
import type { AppContext } from '../src/context.ts';
import { buildDraft } from '../src/drafting/draft.ts';
import { pickReviewer, type ReviewerCandidate } from '../src/drafting/route.ts';
import { getKnowledgeBase } from '../src/kb/index.ts';
import type { DraftJob, NotifyJob } from '../src/queue/contracts.ts';
import { auditMany } from '../src/store/audit.ts';
import { getConsultations, inboundTexts, setConsultationsDrafted, markDrafting, type ConsultationRow } from '../src/store/consultations.ts';
import { saveEngineDrafts } from '../src/store/drafts.ts';
import { reviewersWithLoad } from '../src/store/users.ts';
import { errorFields } from '../src/log-error.ts';
import { statusIn, UNDRAFTED_STATUSES } from '../src/store/consultation-status.ts';

/** The batcher's key for a job: a consultation's round. */
export const draftKey = (d: DraftJob) => `${d.consultationId}:${d.round}`;
const keyOf = (c: ConsultationRow) => draftKey({ consultationId: c.id, round: c.round });
const fromKey = (k: string): DraftJob => {
  const [consultationId, round] = k.split(':').map(Number);
  return { consultationId, round };
};

/** Each key's outcome, or the error its job should fail with. */
export async function handleDraftBatch(ctx: AppContext, keys: string[]): Promise<Map<string, string | Error>> {
  const jobs = [...new Set(keys)].map(fromKey);
  try {
    return await draftBatch(ctx, jobs);
  } catch (err) {
    if (jobs.length > 1) ctx.log.warn({ drafts: jobs.length, err: errorFields(err) }, 'draft batch failed; taking its jobs one by one');
    const out = new Map<string, string | Error>();
    for (const job of jobs) {
      try {
        for (const [k, v] of await draftBatch(ctx, [job])) out.set(k, v);
      } catch (e) {
        out.set(draftKey(job), e as Error);
      }
    }
    return out;
  }
}

interface Drafted {
  c: ConsultationRow;
  subject: string;
  text: string;
  facts: Record<string, unknown>;
  specialty: string;
  assigneeId: number | null;
}

/** Throws when the batch's shared steps fail; a job's own failure is its outcome. */
async function draftBatch(ctx: AppContext, jobs: DraftJob[]): Promise<Map<string, string | Error>> {
  const out = new Map<string, string | Error>();
  const rows = await getConsultations(
    ctx.db,
    jobs.map((j) => j.consultationId),
  );
  const todo: ConsultationRow[] = [];
  const renotify: NotifyJob[] = [];
  for (const job of jobs) {
    const c = rows.get(job.consultationId);
    const key = draftKey(job);
    if (!c) out.set(key, 'gone');
    // A newer round supersedes this job; a finished round needs nothing more.
    else if (c.round !== job.round) out.set(key, 'stale-round');
    else if (!statusIn(c.status, UNDRAFTED_STATUSES)) {
      // Drafted before, but the notification's enqueue may have failed after the commit (Redis away):
      // the job id and the outbox dedup key make adding it again harmless.
      if (c.status === 'awaiting_review' && c.assignee_id) renotify.push({ consultationId: c.id, userId: c.assignee_id, round: c.round });
      out.set(key, `already-${c.status}`);
    } else todo.push(c);
  }
  if (!todo.length) {
    await ctx.producers.addBulk('notify', renotify);
    return out;
  }
  await markDrafting(
    ctx.db,
    todo.map((c) => c.id),
  );

  const texts = await inboundTexts(
    ctx.db,
    todo.map((c) => c.id),
  );
  const kb = await getKnowledgeBase({ importDir: ctx.config.paths.codesets });
  const reviewers: ReviewerCandidate[] = (await reviewersWithLoad(ctx.db)).map((r) => ({
    id: String(r.id),
    specialties: r.specialties,
    openCount: r.open_count,
    capacity: r.capacity,
    active: r.active,
    available: r.available,
  }));
  const drafted: Drafted[] = [];
  for (const c of todo) {
    try {
      // The whole customer side of the thread, newest last: a follow-up often only adds a detail.
      // Only masked text is stored; the date of service was read before masking.
      const inbound = texts.get(c.id) ?? [];
      const text = inbound.map((m) => m.body_text).join('\n\n');
      const dos =
        inbound
          .map((m) => m.date_of_service)
          .filter(Boolean)
          .at(-1) ?? null;
      const result = buildDraft({ subject: c.subject, text, dos, maskedSubject: c.subject, maskedText: text }, kb);
      // A question whose codes name no specialty goes to its mailbox's default one, when it has one.
      const specialty = result.specialty === 'general' && c.specialty ? c.specialty : result.specialty;
      const picked = c.assignee_id == null ? pickReviewer(specialty, reviewers) : null;
      // What this batch assigns counts as load for the rest of it, as it would one job at a time.
      const chosen = reviewers.find((r) => r.id === picked);
      if (chosen) chosen.openCount++;
      drafted.push({
        c,
        subject: result.draft?.subject ?? c.subject,
        text: result.draft?.text ?? '',
        facts: {
          codes: result.codes,
          modifiers: result.modifiers,
          dateOfService: result.dateOfService,
          intents: result.intents,
          edits: result.edits,
          specialty: result.specialty,
          // The console shows the reviewer notes; they are never part of the emailed text.
          answer: result.answer,
          guidance: result.guidance,
          reviewerNotes: result.reviewerNotes,
        },
        specialty,
        assigneeId: c.assignee_id ?? (picked == null ? null : Number(picked)),
      });
    } catch (err) {
      out.set(keyOf(c), err as Error);
    }
  }

  await ctx.db.tx(async (q) => {
    await saveEngineDrafts(
      q,
      drafted.map((d) => ({ consultationId: d.c.id, round: d.c.round, subject: d.subject, bodyText: d.text, facts: d.facts })),
    );
    await setConsultationsDrafted(
      q,
      drafted.map((d) => ({ id: d.c.id, specialty: d.specialty, assigneeId: d.assigneeId })),
    );
    await auditMany(
      q,
      drafted.map((d) => ({ action: 'draft.created', consultationId: d.c.id, detail: { round: d.c.round, assigneeId: d.assigneeId } })),
    );
  });
  for (const d of drafted) out.set(keyOf(d.c), 'drafted');
  const fresh: NotifyJob[] = drafted
    .filter((d) => d.assigneeId && d.assigneeId !== d.c.assignee_id)
    .map((d) => ({ consultationId: d.c.id, userId: d.assigneeId!, round: d.c.round }));
  try {
    await ctx.producers.addBulk('notify', [...renotify, ...fresh]);
  } catch (err) {
    // Committed but not notified: each job's retry finds its consultation drafted and notifies then.
    for (const j of [...renotify, ...fresh]) out.set(draftKey(j), err as Error);
  }
  return out;
}
