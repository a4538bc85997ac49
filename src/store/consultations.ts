import { randomBytes } from '../random-pool.ts';
import { effectiveDueSql, pausedSql } from './due-clock.ts';
import type { Queryable } from './db.ts';

import type { ConsultationStatus } from './consultation-status.ts';

// The status sets live in consultation-status.ts; OPEN_STATUSES is re-exported for its readers.
export { OPEN_STATUSES } from './consultation-status.ts';

export interface ConsultationRow {
  id: number;
  ticket_no: number;
  status: ConsultationStatus;
  round: number;
  subject: string;
  from_address: string;
  from_name: string | null;
  contact_id: number | null;
  account_id: number | null;
  specialty: string | null;
  assignee_id: number | null;
  reply_token: string;
  root_message_id: string | null;
  root_references: string | null;
  due_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ThreadMessage {
  id: number;
  direction: 'in' | 'out';
  message_id: string | null;
  references_header: string | null;
  subject: string;
  body_text: string;
  phi_kinds: string[];
  date_of_service: string | null;
  created_at: Date;
}

/** The secret in a consultation's reply address (consult+TOKEN@…): lower-case, so address case-folding keeps it. */
export const newReplyToken = () =>
  randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x');

export async function getConsultation(q: Queryable, id: number, forUpdate = false): Promise<ConsultationRow | null> {
  const r = await q.query<ConsultationRow>(`SELECT * FROM consultations WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0] ?? null;
}

/** Fields other than the status; the status changes only through the transitions below. */
export async function setConsultation(
  q: Queryable,
  id: number,
  f: Partial<{ round: number; specialty: string | null; assignee_id: number | null; due_at: Date | null }>,
): Promise<void> {
  const keys = Object.keys(f) as (keyof typeof f)[];
  if (!keys.length) return;
  const sets = keys.map((k, i) => `${k} = $${i + 2}`).join(', ');
  await q.query(`UPDATE consultations SET ${sets}, updated_at = now() WHERE id = $1`, [id, ...keys.map((k) => f[k])]);
}

/** Several consultations by id, in one read. */
export async function getConsultations(q: Queryable, ids: number[]): Promise<Map<number, ConsultationRow>> {
  const r = await q.query<ConsultationRow>('SELECT * FROM consultations WHERE id = ANY($1::int[])', [ids]);
  return new Map(r.rows.map((c) => [c.id, c]));
}

// ---- Status transitions: the only code that writes consultations.status (the diagram is in
// consultation-status.ts). A new consultation starts as 'received' (intake.ts inserts it so).

async function setStatusOf(
  q: Queryable,
  ids: number[],
  status: ConsultationStatus,
  extra: Partial<{ assignee_id: number | null; round: number }> = {},
  onlyFrom?: readonly ConsultationStatus[],
): Promise<void> {
  const keys = Object.keys(extra) as (keyof typeof extra)[];
  const sets = keys.map((k, i) => `, ${k} = $${i + 3}`).join('');
  const guard = onlyFrom ? ` AND status = ANY($${keys.length + 3}::text[])` : '';
  await q.query(`UPDATE consultations SET status = $2${sets}, updated_at = now() WHERE id = ANY($1::int[])${guard}`, [
    ids,
    status,
    ...keys.map((k) => extra[k]),
    ...(onlyFrom ? [[...onlyFrom]] : []),
  ]);
}

/** The draft worker took these up. */
export const markDrafting = (q: Queryable, ids: number[]) => setStatusOf(q, ids, 'drafting');

/** A reviewer approved the answer; it is in the outbox. */
export const markApproved = (q: Queryable, id: number, assigneeId: number) => setStatusOf(q, [id], 'approved', { assignee_id: assigneeId });

/** A reviewer asked the customer for more; the due clock pauses (due-clock.ts). */
export const markWaitingOnCustomer = (q: Queryable, id: number, assigneeId: number) => setStatusOf(q, [id], 'waiting_on_customer', { assignee_id: assigneeId });

/** Closed without an answer, with the reviewer's reason; a pause no longer matters. */
export async function markRejected(q: Queryable, id: number, reason: string): Promise<void> {
  await q.query(`UPDATE consultations SET status = 'rejected', rejected_reason = $2, paused_at = NULL, updated_at = now() WHERE id = $1`, [id, reason]);
}

/** The customer wrote again: the next round starts from 'received' and is drafted anew. */
export const startNextRound = (q: Queryable, c: Pick<ConsultationRow, 'id' | 'round'>) => setStatusOf(q, [c.id], 'received', { round: c.round + 1 });

/** The answer went out (only an approved consultation becomes sent: a newer round keeps its status). */
export const markAnswerSent = (q: Queryable, id: number) => setStatusOf(q, [id], 'sent', {}, ['approved']);

/** The answer cannot be delivered (a permanent SMTP refusal). */
export const markAnswerFailed = (q: Queryable, id: number) => setStatusOf(q, [id], 'failed');

/** Drafted: awaiting review (a transition too) with the draft's specialty and its reviewer, for many consultations in one statement. */
export async function setConsultationsDrafted(q: Queryable, items: { id: number; specialty: string; assigneeId: number | null }[]): Promise<void> {
  if (!items.length) return;
  await q.query(
    `UPDATE consultations c SET status = 'awaiting_review', specialty = x.specialty, assignee_id = x.assignee_id, updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS x(id int, specialty text, assignee_id int) WHERE c.id = x.id`,
    [JSON.stringify(items.map((i) => ({ id: i.id, specialty: i.specialty, assignee_id: i.assigneeId })))],
  );
}

/** The customer's messages of each consultation, oldest first: what a draft answers. */
export async function inboundTexts(q: Queryable, ids: number[]): Promise<Map<number, Pick<ThreadMessage, 'body_text' | 'date_of_service'>[]>> {
  const r = await q.query<{ consultation_id: number; body_text: string; date_of_service: string | null }>(
    `SELECT consultation_id, body_text, date_of_service FROM consultation_messages
     WHERE consultation_id = ANY($1::int[]) AND direction = 'in' ORDER BY consultation_id, id`,
    [ids],
  );
  const out = new Map<number, Pick<ThreadMessage, 'body_text' | 'date_of_service'>[]>();
  for (const m of r.rows) {
    const list = out.get(m.consultation_id) ?? [];
    list.push({ body_text: m.body_text, date_of_service: m.date_of_service });
    out.set(m.consultation_id, list);
  }
  return out;
}

export async function addThreadMessage(
  q: Queryable,
  m: {
    consultationId: number;
    direction: 'in' | 'out';
    inboundId?: number | null;
    outboundId?: number | null;
    messageId: string | null;
    references?: string | null;
    subject: string;
    bodyText: string;
    phiKinds?: string[];
    dateOfService?: string | null;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO consultation_messages (consultation_id, direction, inbound_id, outbound_id, message_id, references_header, subject, body_text, phi_kinds, date_of_service)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [
      m.consultationId,
      m.direction,
      m.inboundId ?? null,
      m.outboundId ?? null,
      m.messageId,
      m.references ?? null,
      m.subject,
      m.bodyText,
      m.phiKinds ?? [],
      m.dateOfService ?? null,
    ],
  );
}

export async function thread(q: Queryable, consultationId: number): Promise<ThreadMessage[]> {
  const r = await q.query<ThreadMessage>(
    'SELECT id, direction, message_id, references_header, subject, body_text, phi_kinds, date_of_service, created_at FROM consultation_messages WHERE consultation_id = $1 ORDER BY id',
    [consultationId],
  );
  return r.rows;
}

/** Consultations that own any of these Message-IDs, in or out. */
export async function consultationsByMessageIds(
  q: Queryable,
  ids: string[],
): Promise<Pick<ConsultationRow, 'id' | 'account_id' | 'status' | 'from_address'>[]> {
  if (!ids.length) return [];
  const r = await q.query<Pick<ConsultationRow, 'id' | 'account_id' | 'status' | 'from_address'>>(
    `SELECT DISTINCT c.id, c.account_id, c.status, c.from_address FROM consultation_messages m JOIN consultations c ON c.id = m.consultation_id
     WHERE m.message_id = ANY($1::text[])
     UNION SELECT c.id, c.account_id, c.status, c.from_address FROM outbound_messages o JOIN consultations c ON c.id = o.consultation_id
     WHERE o.message_id = ANY($1::text[])`,
    [ids],
  );
  return r.rows;
}

export interface ConsultationListItem {
  id: number;
  ticket: string;
  status: ConsultationStatus;
  subject: string;
  from: string;
  assignee: { id: number; name: string } | null;
  specialty: string | null;
  /** The due time with any current pause added (the console's due time), and whether the clock is stopped. */
  dueAt: string | null;
  duePaused: boolean;
  createdAt: string;
}

export const formatTicketNo = (n: number) => `CC-${String(n).padStart(6, '0')}`;

export async function listConsultations(
  q: Queryable,
  f: { status?: ConsultationStatus; assigneeId?: number; limit?: number },
): Promise<ConsultationListItem[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.status) {
    params.push(f.status);
    where.push(`c.status = $${params.length}`);
  }
  if (f.assigneeId) {
    params.push(f.assigneeId);
    where.push(`c.assignee_id = $${params.length}`);
  }
  params.push(Math.min(f.limit ?? 200, 1000));
  const r = await q.query<ConsultationRow & { assignee_name: string | null; due: Date | null; paused: boolean }>(
    `SELECT c.*, u.name AS assignee_name, ${effectiveDueSql('c')} AS due, ${pausedSql('c')} AS paused
     FROM consultations c LEFT JOIN users u ON u.id = c.assignee_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY c.due_at NULLS LAST, c.id LIMIT $${params.length}`,
    params,
  );
  return r.rows.map((c) => ({
    id: c.id,
    ticket: formatTicketNo(c.ticket_no),
    status: c.status,
    subject: c.subject,
    from: c.from_address,
    assignee: c.assignee_id ? { id: c.assignee_id, name: c.assignee_name ?? '' } : null,
    specialty: c.specialty,
    dueAt: c.due ? new Date(c.due).toISOString() : null,
    duePaused: c.paused,
    createdAt: new Date(c.created_at).toISOString(),
  }));
}

/** The mailbox a consultation's question came to (its replies leave from there); null: the default. */
export async function mailboxOfConsultation(q: Queryable, id: number): Promise<string | null> {
  const r = await q.query<{ mailbox: string | null }>('SELECT mailbox FROM consultations WHERE id = $1', [id]);
  return r.rows[0]?.mailbox ?? null;
}

/** The customer message a reply answers: the newest one in the thread. */
export async function lastInbound(
  q: Queryable,
  consultationId: number,
): Promise<{ message_id: string | null; references_header: string | null; body_text: string | null }> {
  const r = await q.query<{ message_id: string | null; references_header: string | null; body_text: string | null }>(
    `SELECT message_id, references_header, body_text FROM consultation_messages WHERE consultation_id = $1 AND direction = 'in' ORDER BY id DESC LIMIT 1`,
    [consultationId],
  );
  return r.rows[0] ?? { message_id: null, references_header: null, body_text: null };
}
