// send: deliver one outbox row exactly once. The row and its Message-ID exist before sending; a row
// found in 'sending' means an earlier attempt died mid-send and is reconciled before any resend.
import { UnrecoverableError } from 'bullmq';
import type { AppContext } from '../src/context.ts';
import type { SendJob } from '../src/queue/contracts.ts';
import { classifyDeliveryError } from '../src/send/delivery-error.ts';
import { audit } from '../src/store/audit.ts';
import { addThreadMessage, markAnswerFailed, markAnswerSent } from '../src/store/consultations.ts';
import { getOutbound, markOutbound, type OutboundRow } from '../src/store/outbox.ts';
import { outboundStatusIn, UNSENT_OUTBOUND_STATUSES } from '../src/store/message-status.ts';
import type { Reconciler } from '../src/send/reconcile.ts';
import { sends } from '../src/metrics.ts';
import { secretKey } from '../src/secrets.ts';
import { verpAddress } from '../src/send/verp.ts';
import { replyToFor, senderFor } from '../src/send/mailbox-sender.ts';
import { errorText } from '../src/log-error.ts';
import { faultAfterSmtpAccept } from '../src/fault-injection.ts';

export async function handleSend(ctx: AppContext, data: SendJob, reconcile?: Reconciler): Promise<string> {
  const row = await getOutbound(ctx.db, data.outboundId);
  if (!row) throw new UnrecoverableError(`outbound ${data.outboundId} not found`);
  if (!outboundStatusIn(row.status, UNSENT_OUTBOUND_STATUSES)) return `already-${row.status}`;
  // Every pass over a row counts as an attempt, one that only looks for an earlier copy too, so the row
  // shows that an attempt died mid-send.
  await markOutbound(ctx.db, row.id, 'sending');
  // A reply leaves from the mailbox its question came to: its From, its SMTP server, its Sent folder.
  const sender = await senderFor(ctx, row);
  const lookup = sender.reconcile ?? reconcile;
  if (row.status === 'sending' && lookup && (await lookup(row))) {
    await markSent(ctx, row);
    sends.inc({ kind: row.kind, outcome: 'reconciled' });
    return 'reconciled';
  }
  try {
    await sender.transport.send({
      from: sender.from,
      to: row.to_address,
      // VERP: the envelope sender names this row, so its bounce comes back to us attributable.
      envelope: ctx.config.BOUNCE_VERP ? { from: verpAddress(sender.fromAddress, secretKey(ctx.config), row.id), to: row.to_address } : undefined,
      subject: row.subject,
      messageId: row.message_id,
      inReplyTo: row.in_reply_to ?? undefined,
      references: row.references_header ?? undefined,
      headers: replyToFor(row.headers, ctx.config.mailFromAddress, sender.fromAddress),
      text: row.body_text,
      html: row.body_html ?? undefined,
    });
  } catch (err) {
    const verdict = classifyDeliveryError(err as { code?: string; responseCode?: number; command?: string });
    const message = errorText(err);
    if (verdict === 'permanent') {
      await markOutbound(ctx.db, row.id, 'failed', message);
      sends.inc({ kind: row.kind, outcome: 'failed' });
      if (row.kind === 'answer' && row.consultation_id) await markAnswerFailed(ctx.db, row.consultation_id);
      await audit(ctx.db, { action: 'outbound.failed', consultationId: row.consultation_id, detail: { outboundId: row.id } });
      throw new UnrecoverableError(`permanent delivery failure: ${message}`);
    }
    // Transient: nothing was accepted, back to queued. Ambiguous: stays 'sending' so the retry reconciles.
    if (verdict === 'transient') await markOutbound(ctx.db, row.id, 'queued', message);
    // The job's failed reason is kept in Redis and shown on the queues page: the text without the
    // addresses an SMTP reply quotes; the original stays as the cause (its code too) for this process.
    throw Object.assign(new Error(message, { cause: err }), { code: (err as { code?: unknown }).code });
  }
  faultAfterSmtpAccept(ctx.config);
  await markSent(ctx, row);
  sends.inc({ kind: row.kind, outcome: 'sent' });
  return 'sent';
}

async function markSent(ctx: AppContext, row: OutboundRow): Promise<void> {
  await ctx.db.tx(async (q) => {
    await markOutbound(q, row.id, 'sent');
    if (row.consultation_id && (row.kind === 'answer' || row.kind === 'request_info')) {
      await addThreadMessage(q, {
        consultationId: row.consultation_id,
        direction: 'out',
        outboundId: row.id,
        messageId: row.message_id,
        subject: row.subject,
        bodyText: row.body_text,
      });
      if (row.kind === 'answer') await markAnswerSent(q, row.consultation_id);
    }
    await audit(q, { action: `outbound.sent`, consultationId: row.consultation_id, detail: { outboundId: row.id, kind: row.kind } });
  });
}
