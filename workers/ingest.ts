// ingest: parse, classify, thread or open a consultation, acknowledge. Machines are never answered.
import { UnrecoverableError } from 'bullmq';
import type { AppContext } from '../src/context.ts';
import { classify } from '../src/mail/classify.ts';
import { parseRawEmail } from '../src/mail/parse.ts';
import { detectPhi } from '../src/mail/phi.ts';
import { extractNewText } from '../src/mail/reply-text.ts';
import { parseDateOfService } from '../src/drafting/dos.ts';
import { parseTicketTag, replyTokenFromAddresses, resolveThread } from '../src/mail/threading.ts';
import type { ClassifyContext, InboundMessage } from '../src/mail/types.ts';
import type { IngestJob } from '../src/queue/contracts.ts';
import { renderEmail } from '../src/send/render.ts';
import { angle, newMessageId, replyAddress, replyReferences, replySubject } from '../src/send/threading-headers.ts';
import { resolveSender } from '../src/store/accounts.ts';
import { audit } from '../src/store/audit.ts';
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
import { finishInbound, getInbound } from '../src/store/inbound.ts';
import { enqueueOutbound, outboundByMessageId } from '../src/store/outbox.ts';

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

export async function handleIngest(ctx: AppContext, data: IngestJob): Promise<string> {
  const row = await getInbound(ctx.db, data.inboundId);
  if (!row) throw new UnrecoverableError(`inbound ${data.inboundId} not found`);
  if (row.status === 'processed' && row.consultation_id) {
    // Processed before, but a crash may have come between the commit and the enqueues.
    await enqueueDownstream(ctx, row.consultation_id);
    return 'already-processed';
  }
  if (row.status !== 'received') return `already-${row.status}`;

  let msg: InboundMessage;
  try {
    msg = await parseRawEmail(row.raw, { maxBytes: ctx.config.MAX_MESSAGE_BYTES });
  } catch (err) {
    // Kept, marked and visible; retrying cannot make a broken message parse.
    await finishInbound(ctx.db, row.id, { status: 'failed', error: `${(err as Error).name}: ${(err as Error).message}`.slice(0, 500) });
    return 'failed';
  }

  const cls = classify(msg, classifyContext(ctx.config));
  if (cls.machine || cls.kind === 'rejected') {
    if (cls.kind === 'bounce' && cls.bounce?.outcome === 'failed') await recordBounce(ctx, cls.bounce.originalMessageId);
    await finishInbound(ctx.db, row.id, {
      status: cls.kind === 'rejected' ? 'quarantined' : 'ignored',
      kind: cls.kind,
      reason: cls.reason,
      messageId: msg.messageId,
    });
    ctx.log.info({ inboundId: row.id, kind: cls.kind, reason: cls.reason }, 'inbound not answered');
    return cls.kind;
  }
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

  const result = await ctx.db.tx(async (q) => {
    if (msg.messageId) {
      const dup = await q.query<{ consultation_id: number }>(
        `SELECT consultation_id FROM consultation_messages WHERE direction = 'in' AND message_id = $1`,
        [angle(msg.messageId)],
      );
      if (dup.rows[0]) {
        await finishInbound(q, row.id, { status: 'duplicate', kind: 'question', messageId: msg.messageId, consultationId: dup.rows[0].consultation_id });
        return { consultationId: dup.rows[0].consultation_id, kind: 'duplicate' as const, round: 0 };
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
    if (decision.consultationId) {
      const c = (await getConsultation(q, decision.consultationId, true))!;
      await addThreadMessage(q, {
        consultationId: c.id,
        direction: 'in',
        inboundId: row.id,
        messageId: msg.messageId ? angle(msg.messageId) : null,
        references: msg.references.map(angle).join(' ') || null,
        subject: maskedSubject,
        bodyText: bodyPhi.masked,
        phiKinds,
        dateOfService,
      });
      let round = c.round;
      if (REDRAFT_ON_FOLLOW_UP.has(c.status)) {
        round = c.round + 1;
        await setConsultation(q, c.id, { status: 'received', round });
      }
      await finishInbound(q, row.id, { status: 'processed', kind: 'follow_up', reason: decision.via, messageId: msg.messageId, consultationId: c.id });
      await audit(q, { action: decision.reopen ? 'consultation.reopened' : 'consultation.follow_up', consultationId: c.id, detail: { inboundId: row.id, via: decision.via } });
      return { consultationId: c.id, kind: 'follow_up' as const, round: round !== c.round ? round : 0 };
    }

    const dueAt = new Date(Date.now() + sender.dueHours * 3600_000);
    const c = await createConsultation(q, {
      subject: maskedSubject || '(no subject)',
      fromAddress: from.address.toLowerCase(),
      fromName: from.name || null,
      contactId: sender.contactId,
      accountId: sender.accountId,
      rootMessageId: msg.messageId ? angle(msg.messageId) : null,
      rootReferences: msg.references.map(angle).join(' ') || null,
      dueAt,
    });
    await addThreadMessage(q, {
      consultationId: c.id,
      direction: 'in',
      inboundId: row.id,
      messageId: msg.messageId ? angle(msg.messageId) : null,
      references: msg.references.map(angle).join(' ') || null,
      subject: maskedSubject,
      bodyText: bodyPhi.masked,
      phiKinds,
      dateOfService,
    });
    const ticket = formatTicketNo(c.ticket_no);
    const ack = renderEmail('ack', { name: from.name || null, ticket, phiDetected: phiKinds.length > 0, dueText: `by ${dueAt.toUTCString()}` });
    const refs = replyReferences(msg.references, msg.messageId);
    await enqueueOutbound(q, {
      consultationId: c.id,
      kind: 'ack',
      dedupKey: `ack:${c.id}`,
      messageId: newMessageId(ctx.config.MESSAGE_ID_DOMAIN, 'ack'),
      to: from.address,
      subject: replySubject(ticket, maskedSubject),
      inReplyTo: msg.messageId ? angle(msg.messageId) : null,
      references: refs.join(' ') || null,
      headers: {
        'Auto-Submitted': 'auto-replied',
        'X-Auto-Response-Suppress': 'All',
        Precedence: 'bulk',
        'Reply-To': replyAddress(ctx.config.mailFromAddress, c.reply_token),
      },
      text: ack.text,
      html: ack.html,
    });
    await finishInbound(q, row.id, { status: 'processed', kind: 'question', messageId: msg.messageId, consultationId: c.id });
    await audit(q, { action: 'consultation.created', consultationId: c.id, detail: { inboundId: row.id, phiKinds } });
    return { consultationId: c.id, kind: 'question' as const, round: 1 };
  });

  if (result.kind !== 'duplicate') await enqueueDownstream(ctx, result.consultationId);
  ctx.log.info({ inboundId: row.id, consultationId: result.consultationId, kind: result.kind }, 'inbound ingested');
  return result.kind;
}

/** Enqueues whatever the consultation's rows say is due: its draft and its unsent messages. */
export async function enqueueDownstream(ctx: AppContext, consultationId: number): Promise<void> {
  const c = await getConsultation(ctx.db, consultationId);
  if (!c) return;
  if (c.status === 'received' || c.status === 'drafting') await ctx.producers.add('draft', { consultationId, round: c.round });
  const pending = await ctx.db.query<{ id: number }>(`SELECT id FROM outbound_messages WHERE consultation_id = $1 AND status IN ('queued', 'sending')`, [consultationId]);
  for (const o of pending.rows) await ctx.producers.add('send', { outboundId: o.id });
}

async function recordBounce(ctx: AppContext, originalMessageId: string | null): Promise<void> {
  if (!originalMessageId) return;
  const out = await outboundByMessageId(ctx.db, angle(originalMessageId));
  if (!out) return;
  await ctx.db.query(`UPDATE outbound_messages SET status = 'bounced' WHERE id = $1`, [out.id]);
  await audit(ctx.db, { action: 'outbound.bounced', consultationId: out.consultation_id, detail: { outboundId: out.id } });
}
