// Delivery reports against what we sent. Correlated by our VERP envelope token or by the enclosed
// original's Message-ID, never by From or Subject (those are the reporting MTA's). A failure marks
// the outbound row 'bounced' with its status code; a delay is recorded and changes nothing.
import type { BounceInfo, BounceRecipient } from '../mail/types.ts';
import { audit } from './audit.ts';
import type { Queryable } from './db.ts';
import { getOutbound, outboundByMessageId, type OutboundRow } from './outbox.ts';

export interface ReportOutcome {
  outboundId: number;
  consultationId: number | null;
  via: 'verp' | 'message-id';
  outcome: BounceInfo['outcome'];
  status: string | null;
}

/** What the caller read from the report: the row its VERP token names, the enclosed Message-ID (angle form). */
export interface ReportRef {
  verpOutboundId: number | null;
  originalMessageId: string | null;
}

async function findOutbound(q: Queryable, ref: ReportRef): Promise<{ row: OutboundRow; via: ReportOutcome['via'] } | null> {
  const id = ref.verpOutboundId;
  if (id) {
    const row = await getOutbound(q, id, true);
    if (row) return { row, via: 'verp' };
  }
  if (ref.originalMessageId) {
    const row = await outboundByMessageId(q, ref.originalMessageId);
    if (row) return { row: (await getOutbound(q, row.id, true))!, via: 'message-id' };
  }
  return null;
}

/** The recipient line that speaks for our row: its own address first, else the first with this outcome. */
function recipientFor(bounce: BounceInfo, to: string): BounceRecipient | null {
  const wanted = bounce.outcome === 'failed' ? 'failed' : bounce.outcome === 'delayed' ? 'delayed' : null;
  const same = bounce.recipients.filter((r) => !wanted || r.action === wanted || r.action === 'unknown');
  return same.find((r) => r.address?.toLowerCase() === to.toLowerCase()) ?? same[0] ?? bounce.recipients[0] ?? null;
}

export async function recordDeliveryReport(q: Queryable, inboundId: number, bounce: BounceInfo, ref: ReportRef): Promise<ReportOutcome | null> {
  const found = await findOutbound(q, ref);
  if (!found) return null;
  const { row, via } = found;
  const status = recipientFor(bounce, row.to_address)?.status ?? null;
  const detail = { outboundId: row.id, kind: row.kind, inboundId, via, status };
  if (bounce.outcome === 'failed') {
    if (row.status !== 'bounced') {
      await q.query(`UPDATE outbound_messages SET status = 'bounced', bounce_status = $2, bounced_at = now(), error = $3 WHERE id = $1`, [
        row.id,
        status,
        `bounced${status ? ` ${status}` : ''}`,
      ]);
    }
    await audit(q, { action: 'outbound.bounced', consultationId: row.consultation_id, detail });
  } else if (bounce.outcome === 'delayed') {
    // Temporary (RFC 3464 Action: delayed, 4.x.x): the MTA is still trying; nothing to change.
    await audit(q, { action: 'outbound.delayed', consultationId: row.consultation_id, detail });
  }
  return { outboundId: row.id, consultationId: row.consultation_id, via, outcome: bounce.outcome, status };
}
