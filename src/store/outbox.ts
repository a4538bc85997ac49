import type { Queryable } from './db.ts';
import { UNSENT_OUTBOUND_STATUSES, type OutboundStatus } from './message-status.ts';

export interface OutboundRow {
  id: number;
  consultation_id: number | null;
  kind: string;
  dedup_key: string;
  message_id: string;
  to_address: string;
  subject: string;
  in_reply_to: string | null;
  references_header: string | null;
  headers: Record<string, string>;
  body_text: string;
  body_html: string | null;
  status: OutboundStatus;
  attempts: number;
  error: string | null;
  created_at: Date;
  sent_at: Date | null;
  /** The mailbox it leaves from (NULL: its consultation's). */
  mailbox?: string | null;
}

export interface NewOutbound {
  consultationId: number | null;
  kind: string;
  dedupKey: string;
  messageId: string;
  to: string;
  subject: string;
  inReplyTo: string | null;
  references: string | null;
  headers?: Record<string, string>;
  text: string;
  html: string | null;
}

/** One row per logical send (dedup_key): asking twice returns the first row. */
export async function enqueueOutbound(q: Queryable, m: NewOutbound): Promise<{ row: OutboundRow; created: boolean }> {
  const ins = await q.query<OutboundRow>(
    `INSERT INTO outbound_messages (consultation_id, kind, dedup_key, message_id, to_address, subject, in_reply_to, references_header, headers, body_text, body_html)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (dedup_key) DO NOTHING RETURNING *`,
    [m.consultationId, m.kind, m.dedupKey, m.messageId, m.to, m.subject, m.inReplyTo, m.references, JSON.stringify(m.headers ?? {}), m.text, m.html],
  );
  if (ins.rows[0]) return { row: ins.rows[0], created: true };
  const r = await q.query<OutboundRow>('SELECT * FROM outbound_messages WHERE dedup_key = $1', [m.dedupKey]);
  return { row: r.rows[0], created: false };
}

export async function getOutbound(q: Queryable, id: number, forUpdate = false): Promise<OutboundRow | null> {
  const r = await q.query<OutboundRow>(`SELECT * FROM outbound_messages WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0] ?? null;
}

export async function markOutbound(q: Queryable, id: number, status: OutboundStatus, error: string | null = null): Promise<void> {
  await q.query(
    `UPDATE outbound_messages SET status = $2, error = $3,
       attempts = attempts + CASE WHEN $2 = 'sending' THEN 1 ELSE 0 END,
       sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END WHERE id = $1`,
    [id, status, error],
  );
}

export async function outboundByMessageId(q: Queryable, messageId: string): Promise<OutboundRow | null> {
  const r = await q.query<OutboundRow>('SELECT * FROM outbound_messages WHERE message_id = $1', [messageId]);
  return r.rows[0] ?? null;
}

/** A row with no consultation (quota notice) leaves from the mailbox its question came to. */
export async function setOutboundMailbox(q: Queryable, id: number, mailbox: string): Promise<void> {
  await q.query('UPDATE outbound_messages SET mailbox = $2 WHERE id = $1', [id, mailbox]);
}

/** A consultation's rows not sent yet (queued, or sending when a worker died). */
export async function unsentOutboundIds(q: Queryable, consultationId: number): Promise<number[]> {
  const r = await q.query<{ id: number }>('SELECT id FROM outbound_messages WHERE consultation_id = $1 AND status = ANY($2::text[])', [
    consultationId,
    [...UNSENT_OUTBOUND_STATUSES],
  ]);
  return r.rows.map((x) => x.id);
}
