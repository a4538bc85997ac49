// Reviewer actions as plain functions over the context: the JSON API and the console both call these.
import type { AppContext } from '../context.ts';
import { AppError, ErrorCodes } from '../errors.ts';
import { answerEmailData } from '../send/answer-email.ts';
import { renderEmail } from '../send/render.ts';
import { buildCustomerReply } from '../send/customer-reply.ts';
import { audit } from '../store/audit.ts';
import {
  formatTicketNo,
  getConsultation,
  lastInbound,
  markApproved,
  markRejected,
  markWaitingOnCustomer,
  setConsultation,
  type ConsultationRow,
} from '../store/consultations.ts';
import type { Queryable } from '../store/db.ts';
import { currentDraft, saveEditedDraft, type DraftRow } from '../store/drafts.ts';
import { enqueueOutbound, type OutboundRow } from '../store/outbox.ts';
import { reviewerProfile } from '../store/reviewer-profile.ts';
import { getUser, type UserRow } from '../store/users.ts';
import { pauseDueClock, resumeDueClock } from '../store/due-clock.ts';
import { errorFields } from '../log-error.ts';
import { isLead, requirePermission } from './permissions.ts';
import { insertNote, recordReview } from '../store/reviews.ts';

async function lockConsultation(q: Queryable, id: number): Promise<ConsultationRow> {
  // A pause the customer has ended is folded into due_at before anyone acts on the consultation.
  await resumeDueClock(q, id);
  const c = await getConsultation(q, id, true);
  if (!c) throw new AppError(ErrorCodes.CONSULTATION_NOT_FOUND, `consultation ${id} not found`);
  return c;
}

/** The reviewer's text as the round's next draft version, with the subject and facts of the draft it replaces. */
function saveReviewerText(q: Queryable, c: ConsultationRow, prior: DraftRow | null, text: string, authorId: number): Promise<DraftRow> {
  return saveEditedDraft(q, {
    consultationId: c.id,
    round: c.round,
    subject: prior?.subject ?? c.subject,
    bodyText: text,
    facts: prior?.facts ?? {},
    authorId,
  });
}

/** The answer email's template data, as the console's confirmation shows it and approval sends it. */
export async function answerData(
  q: Queryable,
  c: Pick<ConsultationRow, 'id' | 'ticket_no' | 'from_name'>,
  reviewerId: number,
  body: string,
): Promise<Record<string, unknown>> {
  const [reviewer, parent] = await Promise.all([reviewerProfile(q, reviewerId), lastInbound(q, c.id)]);
  return answerEmailData({ name: c.from_name, ticket: formatTicketNo(c.ticket_no), body, reviewer, question: parent.body_text });
}

/**
 * A reviewed email to the customer, in the thread of their newest message, written to the outbox
 * once per consultation round and kind (the dedup key), with its Message-ID assigned now.
 */
async function queueCustomerReply(
  ctx: AppContext,
  q: Queryable,
  c: ConsultationRow,
  kind: 'answer' | 'request_info',
  data: Record<string, unknown>,
): Promise<OutboundRow> {
  const ticket = formatTicketNo(c.ticket_no);
  const parent = await lastInbound(q, c.id);
  const mail = renderEmail(kind, { name: c.from_name, ticket, ...data });
  const { row } = await enqueueOutbound(
    q,
    buildCustomerReply(ctx.config, {
      kind,
      consultationId: c.id,
      dedupKey: `${kind}:${c.id}:${c.round}`,
      to: c.from_address,
      ticket,
      subject: c.subject,
      parent: { messageId: parent.message_id, references: parent.references_header },
      replyToken: c.reply_token,
      body: mail,
    }),
  );
  return row;
}

/**
 * Approves the current draft (optionally replaced by the reviewer's text) and writes the reply to the
 * outbox in the same transaction: from here on it is sent exactly once, whatever fails next.
 */
export async function approveConsultation(
  ctx: AppContext,
  user: UserRow,
  id: number,
  text?: string,
  opts: { expectedDraftId?: number } = {},
): Promise<{ outboundId: number }> {
  const outboundId = await ctx.db.tx(async (q) => {
    const c = await lockConsultation(q, id);
    requirePermission('approve', c, user);
    let draft = await currentDraft(q, c.id, c.round);
    // The console confirms one version: a save in another tab since then must be confirmed again.
    if (opts.expectedDraftId !== undefined && draft?.id !== opts.expectedDraftId) {
      throw new AppError(ErrorCodes.WRONG_STATE, 'the draft changed since you confirmed it; check it and confirm again');
    }
    if (!draft && text === undefined) throw new AppError(ErrorCodes.WRONG_STATE, 'there is no draft to approve');
    if (text !== undefined) {
      draft = await saveReviewerText(q, c, draft, text, user.id);
    }
    const row = await queueCustomerReply(ctx, q, c, 'answer', await answerData(q, c, user.id, draft!.body_text));
    await markApproved(q, c.id, c.assignee_id ?? user.id);
    await recordReview(q, { consultationId: c.id, draftId: draft!.id, userId: user.id, action: 'approve' });
    await audit(q, {
      userId: user.id,
      action: 'consultation.approved',
      consultationId: c.id,
      detail: { draftId: draft!.id, edited: text !== undefined, outboundId: row.id },
    });
    return row.id;
  });
  await enqueueSend(ctx, outboundId);
  return { outboundId };
}

/** The row is committed; if Redis is away now, the sweeper re-enqueues it later. */
async function enqueueSend(ctx: AppContext, outboundId: number): Promise<void> {
  try {
    await ctx.producers.add('send', { outboundId });
  } catch (err) {
    ctx.log.warn({ outboundId, err: errorFields(err) }, 'send not enqueued yet');
  }
}

export async function claimConsultation(ctx: AppContext, user: UserRow, id: number): Promise<void> {
  await ctx.db.tx(async (q) => {
    const c = await lockConsultation(q, id);
    requirePermission('claim', c, user);
    await setConsultation(q, c.id, { assignee_id: user.id });
    await audit(q, { userId: user.id, action: 'consultation.claimed', consultationId: c.id });
  });
}

/** Saves the reviewer's text as a new version of the round's draft; the engine's version stays. */
export async function editDraft(ctx: AppContext, user: UserRow, id: number, text: string): Promise<{ draftId: number; version: number }> {
  return ctx.db.tx(async (q) => {
    const c = await lockConsultation(q, id);
    requirePermission('edit', c, user);
    const current = await currentDraft(q, c.id, c.round);
    const draft = await saveReviewerText(q, c, current, text, user.id);
    if (c.assignee_id === null) await setConsultation(q, c.id, { assignee_id: user.id });
    await recordReview(q, { consultationId: c.id, draftId: draft.id, userId: user.id, action: 'edit' });
    await audit(q, { userId: user.id, action: 'draft.edited', consultationId: c.id, detail: { draftId: draft.id, version: draft.version } });
    return { draftId: draft.id, version: draft.version };
  });
}

/**
 * Asks the sender a question in the thread and stops the due clock until they answer; their reply
 * starts the next round (ingest), keeping the assignee.
 */
export async function requestInformation(ctx: AppContext, user: UserRow, id: number, question: string): Promise<{ outboundId: number }> {
  const outboundId = await ctx.db.tx(async (q) => {
    const c = await lockConsultation(q, id);
    requirePermission('requestInfo', c, user);
    const profile = await reviewerProfile(q, user.id);
    const reviewer = profile.credential ? `${profile.name || user.name}, ${profile.credential}` : profile.name || user.name;
    const row = await queueCustomerReply(ctx, q, c, 'request_info', { question, reviewer });
    await markWaitingOnCustomer(q, c.id, c.assignee_id ?? user.id);
    await pauseDueClock(q, c.id);
    await recordReview(q, { consultationId: c.id, userId: user.id, action: 'request_info' });
    await audit(q, { userId: user.id, action: 'consultation.info_requested', consultationId: c.id, detail: { outboundId: row.id } });
    return row.id;
  });
  await enqueueSend(ctx, outboundId);
  return { outboundId };
}

/** Leads and admins move a consultation to another active user, who is notified by email. */
export async function reassignConsultation(ctx: AppContext, user: UserRow, id: number, toUserId: number): Promise<{ assignee: { id: number; name: string } }> {
  if (!isLead(user)) throw new AppError(ErrorCodes.FORBIDDEN, 'only a lead or an admin can reassign');
  const result = await ctx.db.tx(async (q) => {
    const c = await lockConsultation(q, id);
    requirePermission('reassign', c, user);
    const target = await getUser(q, toUserId);
    if (!target?.active) throw new AppError(ErrorCodes.BAD_REQUEST, 'the new assignee must be an active user');
    await setConsultation(q, c.id, { assignee_id: target.id });
    await recordReview(q, { consultationId: c.id, userId: user.id, action: 'reassign', note: `to user ${target.id}` });
    await audit(q, { userId: user.id, action: 'consultation.reassigned', consultationId: c.id, detail: { fromUserId: c.assignee_id, toUserId: target.id } });
    return { c, target, changed: c.assignee_id !== target.id };
  });
  if (result.changed && result.target.id !== user.id) {
    try {
      await ctx.producers.add('notify', { consultationId: id, userId: result.target.id, round: result.c.round });
    } catch (err) {
      ctx.log.warn({ consultationId: id, err: errorFields(err) }, 'reassignment notice not enqueued');
    }
  }
  return { assignee: { id: result.target.id, name: result.target.name } };
}

/** Closes a consultation without an answer (not a coding question, out of scope...); nothing is sent. */
export async function rejectConsultation(ctx: AppContext, user: UserRow, id: number, reason: string): Promise<void> {
  await ctx.db.tx(async (q) => {
    const c = await lockConsultation(q, id);
    requirePermission('reject', c, user);
    await markRejected(q, c.id, reason);
    await recordReview(q, { consultationId: c.id, userId: user.id, action: 'reject', note: reason });
    await audit(q, { userId: user.id, action: 'consultation.rejected', consultationId: c.id });
  });
}

/** Internal notes are for reviewers only: never part of a reply. */
export async function addNote(ctx: AppContext, user: UserRow, id: number, body: string): Promise<{ noteId: number }> {
  return ctx.db.tx(async (q) => {
    const c = await getConsultation(q, id);
    if (!c) throw new AppError(ErrorCodes.CONSULTATION_NOT_FOUND, `consultation ${id} not found`);
    const noteId = await insertNote(q, { consultationId: c.id, userId: user.id, body });
    await audit(q, { userId: user.id, action: 'consultation.note_added', consultationId: c.id, detail: { noteId } });
    return { noteId };
  });
}
