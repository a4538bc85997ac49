// What the console pages read: the queue, the consultation's surroundings, presence and notes.
import type { Queryable } from './db.ts';
import { formatTicketNo } from './consultations.ts';
import { ANSWERED_STATUSES, OPEN_STATUSES, type ConsultationStatus } from './consultation-status.ts';
import type { OutboundStatus } from './message-status.ts';
import { effectiveDueSql, pausedSql } from './due-clock.ts';

const PRESENCE_SECONDS = 90;

export interface QueueFilter {
  status?: string;
  /** 'mine', 'unassigned', or a user id. */
  assignee?: string;
  specialty?: string;
  plan?: string;
}

export interface QueueRow {
  id: number;
  ticket: string;
  status: ConsultationStatus;
  subject: string;
  from: string;
  specialty: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  plan: string;
  dueAt: Date | null;
  paused: boolean;
  createdAt: Date;
  /** The start of the customer's first message (masked text), for a snippet. */
  question: string;
  /** Codes the current draft's facts name. */
  codes: string[];
  /** Other users with the page open within the presence window. */
  viewers: string[];
}

const codesOf = (facts: unknown): string[] =>
  Array.isArray(facts) ? [...new Set(facts.map((f) => (f && typeof f === 'object' ? String((f as { code?: unknown }).code ?? '') : '')).filter(Boolean))] : [];

/** Overdue first, then by due time; a paused clock sorts by the time it will have left. */
export async function queue(q: Queryable, f: QueueFilter, me: number, limit = 300): Promise<QueueRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.status) where.push(`c.status = ${p(f.status)}`);
  else where.push(`c.status = ANY(${p([...OPEN_STATUSES])}::text[])`);
  if (f.assignee === 'mine') where.push(`c.assignee_id = ${p(me)}`);
  else if (f.assignee === 'unassigned') where.push('c.assignee_id IS NULL');
  else if (f.assignee && /^\d+$/.test(f.assignee)) where.push(`c.assignee_id = ${p(Number(f.assignee))}`);
  if (f.specialty) where.push(`COALESCE(c.specialty, 'general') = ${p(f.specialty)}`);
  if (f.plan) where.push(`COALESCE(a.plan, 'guest') = ${p(f.plan)}`);
  const r = await q.query<{
    id: number;
    ticket_no: number;
    status: ConsultationStatus;
    subject: string;
    from_address: string;
    specialty: string | null;
    assignee_id: number | null;
    assignee_name: string | null;
    plan: string;
    due: Date | null;
    paused: boolean;
    created_at: Date;
    question: string | null;
    codes: unknown;
    viewers: string[];
  }>(
    `SELECT c.id, c.ticket_no, c.status, c.subject, c.from_address, c.specialty, c.assignee_id, u.name AS assignee_name,
            COALESCE(a.plan, 'guest') AS plan, ${effectiveDueSql('c')} AS due, ${pausedSql('c')} AS paused, c.created_at,
            (SELECT left(m.body_text, 400) FROM consultation_messages m WHERE m.consultation_id = c.id AND m.direction = 'in' ORDER BY m.id LIMIT 1) AS question,
            (SELECT d.facts->'codes' FROM drafts d WHERE d.consultation_id = c.id ORDER BY d.round DESC, d.version DESC LIMIT 1) AS codes,
            ARRAY(SELECT pu.name FROM consultation_presence p JOIN users pu ON pu.id = p.user_id
                  WHERE p.consultation_id = c.id AND p.user_id <> ${p(me)} AND p.seen_at > now() - make_interval(secs => ${PRESENCE_SECONDS}) ORDER BY pu.name) AS viewers
     FROM consultations c LEFT JOIN users u ON u.id = c.assignee_id LEFT JOIN accounts a ON a.id = c.account_id
     WHERE ${where.join(' AND ')}
     ORDER BY (${effectiveDueSql('c')} < now() AND NOT ${pausedSql('c')}) DESC, ${effectiveDueSql('c')} NULLS LAST, c.id
     LIMIT ${p(limit)}`,
    params,
  );
  return r.rows.map((c) => ({
    id: c.id,
    ticket: formatTicketNo(c.ticket_no),
    status: c.status,
    subject: c.subject,
    from: c.from_address,
    specialty: c.specialty,
    assigneeId: c.assignee_id,
    assigneeName: c.assignee_name,
    plan: c.plan,
    dueAt: c.due ? new Date(c.due) : null,
    paused: c.paused,
    createdAt: new Date(c.created_at),
    question: c.question ?? '',
    codes: codesOf(c.codes),
    viewers: c.viewers ?? [],
  }));
}

/**
 * The case to open after an action: the first one in queue order that waits for review and is this
 * reviewer's or nobody's, other than the one just done.
 */
export async function nextCase(q: Queryable, me: number, after: number): Promise<QueueRow | null> {
  const rows = await queue(q, { status: 'awaiting_review' }, me);
  return rows.find((r) => r.id !== after && (r.assigneeId === me || r.assigneeId === null)) ?? null;
}

/** The consultations before and after this one in the default queue order (for j/k). */
export async function neighbours(q: Queryable, me: number, id: number): Promise<{ prev: number | null; next: number | null }> {
  const rows = await queue(q, {}, me);
  const i = rows.findIndex((r) => r.id === id);
  if (i < 0) return { prev: null, next: rows[0]?.id ?? null };
  return { prev: rows[i - 1]?.id ?? null, next: rows[i + 1]?.id ?? null };
}

/** The engine's draft of the round (version 1, no author): what the reviewer's edits are compared with. */
export async function engineDraftText(q: Queryable, consultationId: number, round: number): Promise<string | null> {
  const r = await q.query<{ body_text: string }>(
    'SELECT body_text FROM drafts WHERE consultation_id = $1 AND round = $2 AND author_id IS NULL ORDER BY version LIMIT 1',
    [consultationId, round],
  );
  return r.rows[0]?.body_text ?? null;
}

export interface SentAnswer {
  status: OutboundStatus;
  messageId: string;
  queuedAt: Date;
  sentAt: Date | null;
  error: string | null;
  text: string;
  approvedBy: string | null;
  approverCredential: string;
}

/** The round's answer in the outbox (found by its dedup key) and who approved it. */
export async function sentAnswer(q: Queryable, consultationId: number, round: number): Promise<SentAnswer | null> {
  const r = await q.query<{
    status: OutboundStatus;
    message_id: string;
    created_at: Date;
    sent_at: Date | null;
    error: string | null;
    body_text: string;
    name: string | null;
    credential: string | null;
  }>(
    `SELECT o.status, o.message_id, o.created_at, o.sent_at, o.error, o.body_text, u.name, u.credential
     FROM outbound_messages o
     LEFT JOIN LATERAL (SELECT user_id FROM reviews WHERE consultation_id = $1 AND action = 'approve' ORDER BY id DESC LIMIT 1) rv ON true
     LEFT JOIN users u ON u.id = rv.user_id
     WHERE o.dedup_key = $2`,
    [consultationId, `answer:${consultationId}:${round}`],
  );
  const o = r.rows[0];
  if (!o) return null;
  return {
    status: o.status,
    messageId: o.message_id,
    queuedAt: new Date(o.created_at),
    sentAt: o.sent_at ? new Date(o.sent_at) : null,
    error: o.error,
    text: o.body_text,
    approvedBy: o.name,
    approverCredential: o.credential ?? '',
  };
}

export async function dueState(
  q: Queryable,
  id: number,
): Promise<{ dueAt: Date | null; paused: boolean; plan: string; pausedSeconds: number; rejectedReason: string | null }> {
  const r = await q.query<{ due: Date | null; paused: boolean; plan: string; paused_seconds: number; rejected_reason: string | null }>(
    `SELECT ${effectiveDueSql('c')} AS due, ${pausedSql('c')} AS paused, COALESCE(a.plan, 'guest') AS plan, c.paused_seconds, c.rejected_reason
     FROM consultations c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id = $1`,
    [id],
  );
  const row = r.rows[0];
  return {
    dueAt: row?.due ? new Date(row.due) : null,
    paused: !!row?.paused,
    plan: row?.plan ?? 'guest',
    pausedSeconds: row?.paused_seconds ?? 0,
    rejectedReason: row?.rejected_reason ?? null,
  };
}

/** Answered consultations whose drafts named any of these codes: how colleagues answered before. */
export async function similarAnswered(
  q: Queryable,
  id: number,
  codes: string[],
  limit = 10,
): Promise<{ id: number; ticket: string; subject: string; codes: string[] }[]> {
  if (!codes.length) return [];
  const r = await q.query<{ id: number; ticket_no: number; subject: string; codes: string[] }>(
    `SELECT c.id, c.ticket_no, c.subject,
            ARRAY(SELECT DISTINCT e->>'code' FROM drafts d2, jsonb_array_elements(CASE WHEN jsonb_typeof(d2.facts->'codes') = 'array' THEN d2.facts->'codes' ELSE '[]'::jsonb END) e
                  WHERE d2.consultation_id = c.id AND e->>'code' = ANY($2::text[])) AS codes
     FROM consultations c
     WHERE c.id <> $1 AND c.status = ANY($4::text[])
       AND EXISTS (SELECT 1 FROM drafts d, jsonb_array_elements(CASE WHEN jsonb_typeof(d.facts->'codes') = 'array' THEN d.facts->'codes' ELSE '[]'::jsonb END) e
                   WHERE d.consultation_id = c.id AND e->>'code' = ANY($2::text[]))
     ORDER BY c.updated_at DESC LIMIT $3`,
    [id, codes, limit, [...ANSWERED_STATUSES]],
  );
  return r.rows.map((c) => ({ id: c.id, ticket: formatTicketNo(c.ticket_no), subject: c.subject, codes: c.codes }));
}

export async function touchPresence(q: Queryable, consultationId: number, userId: number): Promise<void> {
  await q.query(
    `INSERT INTO consultation_presence (consultation_id, user_id, seen_at) VALUES ($1, $2, now())
     ON CONFLICT (consultation_id, user_id) DO UPDATE SET seen_at = now()`,
    [consultationId, userId],
  );
}

/** Who else had the page open within the last heartbeat window. */
export async function othersViewing(q: Queryable, consultationId: number, userId: number): Promise<{ id: number; name: string }[]> {
  const r = await q.query<{ id: number; name: string }>(
    `SELECT u.id, u.name FROM consultation_presence p JOIN users u ON u.id = p.user_id
     WHERE p.consultation_id = $1 AND p.user_id <> $2 AND p.seen_at > now() - make_interval(secs => $3) ORDER BY u.name`,
    [consultationId, userId, PRESENCE_SECONDS],
  );
  return r.rows;
}

export async function notes(q: Queryable, consultationId: number): Promise<{ id: number; author: string; body: string; createdAt: Date }[]> {
  const r = await q.query<{ id: number; author: string; body: string; created_at: Date }>(
    `SELECT n.id, u.name AS author, n.body, n.created_at FROM consultation_notes n JOIN users u ON u.id = n.user_id
     WHERE n.consultation_id = $1 ORDER BY n.id`,
    [consultationId],
  );
  return r.rows.map((n) => ({ id: n.id, author: n.author, body: n.body, createdAt: new Date(n.created_at) }));
}

export async function activeUsers(q: Queryable): Promise<{ id: number; name: string; role: string }[]> {
  const r = await q.query<{ id: number; name: string; role: string }>('SELECT id, name, role FROM users WHERE active ORDER BY name');
  return r.rows;
}

export async function specialtiesInUse(q: Queryable): Promise<string[]> {
  const r = await q.query<{ s: string }>(`SELECT DISTINCT COALESCE(specialty, 'general') AS s FROM consultations ORDER BY 1`);
  return r.rows.map((x) => x.s);
}

export async function planNames(q: Queryable): Promise<string[]> {
  const r = await q.query<{ name: string }>('SELECT name FROM plans ORDER BY name');
  return r.rows.map((x) => x.name);
}
