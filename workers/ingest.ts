// ingest: decrypt and verify, parse, classify, thread or open a consultation (within quota),
// acknowledge. Machines are never answered; a bounce is recorded against what it bounced.
import { UnrecoverableError } from 'bullmq';
import type { AppContext } from '../src/context.ts';
import { parseDateOfService } from '../src/drafting/dos.ts';
import { classify } from '../src/mail/classify.ts';
import { parseRawEmail } from '../src/mail/parse.ts';
import { detectPhi } from '../src/mail/phi.ts';
import { effectivePlan, monthStart, quotaDecision, type PlanLimits } from '../src/mail/quota.ts';
import { extractNewText } from '../src/mail/reply-text.ts';
import { parseTicketTag, replyTokenFromAddresses, resolveThread } from '../src/mail/threading.ts';
import type { Classification, ClassifyContext, InboundMessage } from '../src/mail/types.ts';
import type { IngestJob } from '../src/queue/contracts.ts';
import { rawEncryptionKey } from '../src/raw-key.ts';
import { secretKey } from '../src/secrets.ts';
import { renderEmail } from '../src/send/render.ts';
import { angle, newMessageId, replyAddress, replyReferences, replySubject } from '../src/send/threading-headers.ts';
import { lockQuota, quotaUsage, resolveSender } from '../src/store/accounts.ts';
import { audit } from '../src/store/audit.ts';
import { enqueueAutoReply } from '../src/store/auto-replies.ts';
import { recordDeliveryReport } from '../src/store/bounces.ts';
import {
  addThreadMessage,
  consultationByTicket,
  consultationByToken,
  consultationsByMessageIds,
  createConsultation,
  formatTicketNo,
  getConsultation,
  setConsultation,
} from '../src/store/consultations.ts';
import type { Queryable } from '../src/store/db.ts';
import { finishInbound, getInbound, inboundPlaintext, type InboundRow } from '../src/store/inbound.ts';

export function classifyContext(config: AppContext['config']): ClassifyContext {
  return {
    ownAddresses: [config.mailFromAddress],
    ownMessageIdDomain: config.MESSAGE_ID_DOMAIN,
    maxRecipients: config.MAX_RECIPIENTS,
    maxBytes: config.MAX_MESSAGE_BYTES,
    authservId: config.AUTHSERV_ID || null,
  };
}

/** Statuses in which a follow-up starts a new round of drafting and review. */
const REDRAFT_ON_FOLLOW_UP = new Set(['received', 'drafting', 'awaiting_review', 'waiting_on_customer', 'sent', 'closed', 'rejected']);

type Result =
  | { kind: 'duplicate' | 'follow_up' | 'question'; consultationId: number }
  | { kind: 'over_quota'; consultationId: null; outboundId: number | null };

export async function handleIngest(ctx: AppContext, data: IngestJob): Promise<string> {
  const row = await getInbound(ctx.db, data.inboundId);
  if (!row) throw new UnrecoverableError(`inbound ${data.inboundId} not found`);
  if (row.status === 'processed' && row.consultation_id) {
    // Processed before, but a crash may have come between the commit and the enqueues.
    await enqueueDownstream(ctx, row.consultation_id);
    return 'already-processed';
  }
  if (row.status !== 'received') return `already-${row.status}`;

  let plain: Buffer;
  try {
    plain = inboundPlaintext(row, rawEncryptionKey(ctx.config));
  } catch (err) {
    // Bytes that fail their hash (or a wrong key) cannot be repaired by retrying: held for an admin,
    // who can reprocess once the key is right.
    await finishInbound(ctx.db, row.id, { status: 'quarantined', reason: 'integrity', error: `${(err as Error).name}: ${(err as Error).message}`.slice(0, 500) });
    ctx.log.error({ inboundId: row.id }, 'raw message failed its integrity check');
    return 'integrity';
  }

  let msg: InboundMessage;
  try {
    msg = await parseRawEmail(plain, { maxBytes: ctx.config.MAX_MESSAGE_BYTES });
  } catch (err) {
    // Kept, marked and visible; retrying cannot make a broken message parse.
    await finishInbound(ctx.db, row.id, { status: 'failed', error: `${(err as Error).name}: ${(err as Error).message}`.slice(0, 500) });
    return 'failed';
  }

  const cls = classify(msg, classifyContext(ctx.config));
  if (cls.machine || cls.kind === 'rejected') return recordUnanswered(ctx, row, msg, cls);
  const from = msg.from!;

  const newText = extractNewText(msg);
  const bodyPhi = detectPhi(newText);
  const subjectPhi = detectPhi(msg.subject);
  const phiKinds = [...new Set([...bodyPhi.kinds, ...subjectPhi.kinds])];
  // Read before masking, which may remove dates; kept in the database only, never echoed back.
  const dateOfService = parseDateOfService(`${msg.subject}\n${newText}`);

  const ids = [msg.inReplyTo, ...msg.references].filter((x): x is string => !!x).map(angle);
  const token = replyTokenFromAddresses([...msg.to, ...msg.cc].map((a) => a.address), ctx.config.mailFromAddress.split('@')[0]);
  const tag = parseTicketTag(msg.subject);
  const interval = ctx.config.AUTO_REPLY_MIN_INTERVAL_MINUTES;
  const inReplyTo = msg.messageId ? angle(msg.messageId) : null;
  const references = replyReferences(msg.references, msg.messageId).join(' ') || null;

  const result = await ctx.db.tx(async (q): Promise<Result> => {
    if (msg.messageId) {
      const dup = await q.query<{ consultation_id: number }>(
        `SELECT consultation_id FROM consultation_messages WHERE direction = 'in' AND message_id = $1`,
        [angle(msg.messageId)],
      );
      if (dup.rows[0]) {
        await finishInbound(q, row.id, { status: 'duplicate', kind: 'question', messageId: msg.messageId, consultationId: dup.rows[0].consultation_id });
        return { consultationId: dup.rows[0].consultation_id, kind: 'duplicate' };
      }
    }
    const sender = await resolveSender(q, from.address, from.name || null);
    const toCandidate = (c: { id: number; account_id: number | null; status: string; from_address: string } | null) =>
      c ? { id: c.id, accountId: c.account_id, status: c.status, fromAddress: c.from_address } : null;
    const byTicketRow = tag ? await consultationByTicket(q, Number(tag.replace(/\D/g, ''))) : null;
    const decision = resolveThread({
      messageIds: ids,
      replyToken: token,
      ticketTag: tag,
      senderAddress: from.address,
      senderAccountId: sender.accountId,
      byMessageId: (await consultationsByMessageIds(q, ids)).map((c) => toCandidate(c)!),
      byToken: toCandidate(token ? await consultationByToken(q, token) : null),
      byTicket: toCandidate(byTicketRow),
    });

    const maskedSubject = subjectPhi.masked;
    const thisMessage = {
      direction: 'in' as const,
      inboundId: row.id,
      messageId: inReplyTo,
      references: msg.references.map(angle).join(' ') || null,
      subject: maskedSubject,
      bodyText: bodyPhi.masked,
      phiKinds,
      dateOfService,
    };

    // A follow-up continues its consultation and never counts against the quota.
    if (decision.consultationId) {
      const c = (await getConsultation(q, decision.consultationId, true))!;
      await addThreadMessage(q, { consultationId: c.id, ...thisMessage });
      if (REDRAFT_ON_FOLLOW_UP.has(c.status)) await setConsultation(q, c.id, { status: 'received', round: c.round + 1 });
      await finishInbound(q, row.id, { status: 'processed', kind: 'follow_up', reason: decision.via, messageId: msg.messageId, consultationId: c.id });
      await audit(q, { action: decision.reopen ? 'consultation.reopened' : 'consultation.follow_up', consultationId: c.id, detail: { inboundId: row.id, via: decision.via, phiKinds } });
      if (phiKinds.length) {
        const ticket = formatTicketNo(c.ticket_no);
        const note = renderEmail('deidentify', { name: from.name || null, ticket });
        await enqueueAutoReply(
          q,
          {
            consultationId: c.id,
            kind: 'deidentify',
            dedupKey: `deidentify:in:${row.id}`,
            messageId: newMessageId(ctx.config.MESSAGE_ID_DOMAIN, 'deidentify'),
            to: from.address,
            subject: replySubject(ticket, c.subject),
            inReplyTo,
            references,
            headers: { 'Reply-To': replyAddress(ctx.config.mailFromAddress, c.reply_token) },
            text: note.text,
            html: note.html,
          },
          interval,
        );
      }
      return { consultationId: c.id, kind: 'follow_up' };
    }

    const plan = effectivePlan(sender.planRow, ctx.config.PLANS[sender.plan]);
    const scope = { accountId: sender.accountId, address: from.address };
    await lockQuota(q, scope);
    const verdict = quotaDecision(plan, await quotaUsage(q, scope, monthStart(new Date())));
    if (!verdict.allowed) {
      const notice = renderEmail('quota', quotaView(plan, verdict, sender.accountId === null, from.name || null, ctx.config.UPGRADE_URL));
      const { row: out, suppressed } = await enqueueAutoReply(
        q,
        {
          consultationId: null,
          kind: 'quota',
          dedupKey: `quota:in:${row.id}`,
          messageId: newMessageId(ctx.config.MESSAGE_ID_DOMAIN, 'quota'),
          to: from.address,
          subject: `Re: ${maskedSubject.replace(/^\s*(re|fwd?|aw)\s*:\s*/i, '').trim() || 'your coding question'}`,
          inReplyTo,
          references,
          text: notice.text,
          html: notice.html,
        },
        interval,
      );
      await finishInbound(q, row.id, { status: 'ignored', kind: 'over_quota', reason: `${plan.name}-${verdict.reason}`, messageId: msg.messageId });
      await audit(q, { action: 'inbound.over_quota', detail: { inboundId: row.id, plan: plan.name, quota: verdict.reason, limit: verdict.limit, outboundId: out.id, suppressed } });
      return { kind: 'over_quota', consultationId: null, outboundId: suppressed ? null : out.id };
    }

    const dueAt = new Date(Date.now() + plan.dueHours * 3600_000);
    const c = await createConsultation(q, {
      subject: maskedSubject || '(no subject)',
      fromAddress: from.address.toLowerCase(),
      fromName: from.name || null,
      contactId: sender.contactId,
      accountId: sender.accountId,
      rootMessageId: inReplyTo,
      rootReferences: msg.references.map(angle).join(' ') || null,
      dueAt,
    });
    await addThreadMessage(q, { consultationId: c.id, ...thisMessage });
    const ticket = formatTicketNo(c.ticket_no);
    const ack = renderEmail('ack', { name: from.name || null, ticket, phiDetected: phiKinds.length > 0, dueText: `by ${dueAt.toUTCString()}` });
    await enqueueAutoReply(
      q,
      {
        consultationId: c.id,
        kind: 'ack',
        dedupKey: `ack:${c.id}`,
        messageId: newMessageId(ctx.config.MESSAGE_ID_DOMAIN, 'ack'),
        to: from.address,
        subject: replySubject(ticket, maskedSubject),
        inReplyTo,
        references,
        headers: { 'Reply-To': replyAddress(ctx.config.mailFromAddress, c.reply_token) },
        text: ack.text,
        html: ack.html,
      },
      interval,
    );
    await finishInbound(q, row.id, { status: 'processed', kind: 'question', messageId: msg.messageId, consultationId: c.id });
    await audit(q, { action: 'consultation.created', consultationId: c.id, detail: { inboundId: row.id, phiKinds, plan: plan.name } });
    return { consultationId: c.id, kind: 'question' };
  });

  if (result.kind === 'over_quota') {
    if (result.outboundId) await ctx.producers.add('send', { outboundId: result.outboundId });
  } else if (result.kind !== 'duplicate') {
    await enqueueDownstream(ctx, result.consultationId);
  }
  ctx.log.info({ inboundId: row.id, consultationId: result.consultationId, kind: result.kind }, 'inbound ingested');
  return result.kind;
}

function quotaView(plan: PlanLimits, verdict: { reason: 'total' | 'monthly'; limit: number }, isGuest: boolean, name: string | null, upgradeUrl: string) {
  const noun = isGuest ? 'question' : 'consultation';
  return {
    name,
    isGuest,
    plan: plan.name,
    monthly: verdict.reason === 'monthly',
    limitText: `${verdict.limit === 1 && isGuest ? 'one' : verdict.limit} ${noun}${verdict.limit === 1 ? '' : 's'}`,
    upgradeUrl,
  };
}

/**
 * Mail nobody answers: machines, and rejected mail held for an admin. A bounce is recorded against
 * the outbound row it reports on; an auto-reply that references a case is attached to it for the
 * record. Neither changes the consultation's status or round.
 */
async function recordUnanswered(ctx: AppContext, row: InboundRow, msg: InboundMessage, cls: Classification): Promise<string> {
  await ctx.db.tx(async (q) => {
    let consultationId: number | null = null;
    if (cls.kind === 'bounce' && cls.bounce) {
      consultationId = (await recordDeliveryReport(q, row.id, cls.bounce, secretKey(ctx.config)))?.consultationId ?? null;
    } else if (cls.kind === 'auto_reply') {
      consultationId = await attachAutoReply(q, row.id, msg, cls.reason);
    }
    await finishInbound(q, row.id, {
      status: cls.kind === 'rejected' ? 'quarantined' : 'ignored',
      kind: cls.kind,
      reason: cls.reason,
      messageId: msg.messageId,
      consultationId,
    });
  });
  ctx.log.info({ inboundId: row.id, kind: cls.kind, reason: cls.reason }, 'inbound not answered');
  return cls.kind;
}

async function attachAutoReply(q: Queryable, inboundId: number, msg: InboundMessage, reason: string): Promise<number | null> {
  const ids = [msg.inReplyTo, ...msg.references].filter((x): x is string => !!x).map(angle);
  const [c] = await consultationsByMessageIds(q, ids);
  if (!c) return null;
  await audit(q, { action: 'consultation.auto_reply', consultationId: c.id, detail: { inboundId, reason } });
  return c.id;
}

/** Enqueues whatever the consultation's rows say is due: its draft and its unsent messages. */
export async function enqueueDownstream(ctx: AppContext, consultationId: number): Promise<void> {
  const c = await getConsultation(ctx.db, consultationId);
  if (!c) return;
  if (c.status === 'received' || c.status === 'drafting') await ctx.producers.add('draft', { consultationId, round: c.round });
  const pending = await ctx.db.query<{ id: number }>(`SELECT id FROM outbound_messages WHERE consultation_id = $1 AND status IN ('queued', 'sending')`, [consultationId]);
  for (const o of pending.rows) await ctx.producers.add('send', { outboundId: o.id });
}
