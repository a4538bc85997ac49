// Reviewer actions as plain functions over the context: the JSON API and the console both call these.
import type { AppContext } from '../context.ts';
import { AppError, ErrorCodes } from '../errors.ts';
import { renderEmail } from '../send/render.ts';
import { angle, newMessageId, replyAddress, replyReferences, replySubject } from '../send/threading-headers.ts';
import { audit } from '../store/audit.ts';
import { formatTicketNo, getConsultation, setConsultation, type ConsultationRow } from '../store/consultations.ts';
import type { Queryable } from '../store/db.ts';
import { currentDraft, saveEditedDraft } from '../store/drafts.ts';
import { enqueueOutbound } from '../store/outbox.ts';
import type { UserRow } from '../store/users.ts';

async function lockConsultation(q: Queryable, id: number): Promise<ConsultationRow> {
  const c = await getConsultation(q, id, true);
  if (!c) throw new AppError(ErrorCodes.CONSULTATION_NOT_FOUND, `consultation ${id} not found`);
  return c;
}

function requireState(c: ConsultationRow, allowed: string[], action: string): void {
  if (!allowed.includes(c.status)) {
    throw new AppError(ErrorCodes.WRONG_STATE, `cannot ${action} a consultation in status ${c.status}`);
  }
}

/** The customer message a reply answers: the newest one in the thread. */
async function lastInbound(q: Queryable, consultationId: number) {
  const r = await q.query<{ message_id: string | null; references_header: string | null }>(
    `SELECT message_id, references_header FROM consultation_messages WHERE consultation_id = $1 AND direction = 'in' ORDER BY id DESC LIMIT 1`,
    [consultationId],
  );
  return r.rows[0] ?? { message_id: null, references_header: null };
}

/**
 * Approves the current draft (optionally replaced by the reviewer's text) and writes the reply to the
 * outbox in the same transaction: from here on it is sent exactly once, whatever fails next.
 */
export async function approveConsultation(ctx: AppContext, user: UserRow, id: number, text?: string): Promise<{ outboundId: number }> {
  const outboundId = await ctx.db.tx(async (q) => {
    const c = await lockConsultation(q, id);
    requireState(c, ['awaiting_review'], 'approve');
    if (user.role === 'reviewer' && c.assignee_id !== null && c.assignee_id !== user.id) {
      throw new AppError(ErrorCodes.FORBIDDEN, 'only the assigned reviewer, a lead or an admin can approve this consultation');
    }
    let draft = await currentDraft(q, c.id, c.round);
    if (!draft && text === undefined) throw new AppError(ErrorCodes.WRONG_STATE, 'there is no draft to approve');
    if (text !== undefined) {
      draft = await saveEditedDraft(q, { consultationId: c.id, round: c.round, subject: draft?.subject ?? c.subject, bodyText: text, facts: draft?.facts ?? {}, authorId: user.id });
    }
    const ticket = formatTicketNo(c.ticket_no);
    const parent = await lastInbound(q, c.id);
    const refs = replyReferences((parent.references_header ?? '').split(/\s+/).filter(Boolean), parent.message_id);
    const mail = renderEmail('answer', { name: c.from_name, body: draft!.body_text, reviewer: user.name, ticket });
    const { row } = await enqueueOutbound(q, {
      consultationId: c.id,
      kind: 'answer',
      dedupKey: `answer:${c.id}:${c.round}`,
      messageId: newMessageId(ctx.config.MESSAGE_ID_DOMAIN, 'answer'),
      to: c.from_address,
      subject: replySubject(ticket, c.subject),
      inReplyTo: parent.message_id ? angle(parent.message_id) : null,
      references: refs.join(' ') || null,
      headers: { 'Reply-To': replyAddress(ctx.config.mailFromAddress, c.reply_token) },
      text: mail.text,
      html: mail.html,
    });
    await setConsultation(q, c.id, { status: 'approved', assignee_id: c.assignee_id ?? user.id });
    await q.query('INSERT INTO reviews (consultation_id, draft_id, user_id, action) VALUES ($1, $2, $3, $4)', [c.id, draft!.id, user.id, 'approve']);
    await audit(q, { userId: user.id, action: 'consultation.approved', consultationId: c.id, detail: { draftId: draft!.id, edited: text !== undefined, outboundId: row.id } });
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
    ctx.log.warn({ outboundId, err: { message: (err as Error).message } }, 'send not enqueued yet');
  }
}

export async function claimConsultation(ctx: AppContext, user: UserRow, id: number): Promise<void> {
  await ctx.db.tx(async (q) => {
    const c = await lockConsultation(q, id);
    requireState(c, ['received', 'drafting', 'awaiting_review', 'waiting_on_customer'], 'claim');
    if (c.assignee_id && c.assignee_id !== user.id && user.role === 'reviewer') {
      throw new AppError(ErrorCodes.FORBIDDEN, 'already assigned to another reviewer; ask a lead to reassign');
    }
    await setConsultation(q, c.id, { assignee_id: user.id });
    await audit(q, { userId: user.id, action: 'consultation.claimed', consultationId: c.id });
  });
}
