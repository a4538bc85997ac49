// The ingest transaction's statements. Each takes a list of messages, so a batch of new questions
// costs the same three statements as one: the database was spending more on per-statement overhead
// (round trips, parsing, planning) than on the work. They are planned at each run (not prepared), so
// the plan follows the tables' sizes, and their lookups are written as per-row probes (LATERAL ...
// LIMIT 1, id = ANY) that an index serves however large the outbox or the inbound table grows. The
// order between the three is what makes quotas and rate limits safe: locks first, then reads in a
// later statement that sees every transaction that held those locks before us.
import type { PlanRow, QuotaUsage } from '../mail/quota.ts';
import type { ConsultationStatus } from './consultation-status.ts';
import type { Queryable } from './db.ts';
import type { OutboundStatus } from './message-status.ts';

export interface ThreadCandidate {
  id: number;
  accountId: number | null;
  status: ConsultationStatus;
  fromAddress: string;
}

export interface IntakeRequest {
  /** The inbound row: its mailbox may give guests a default plan. */
  inboundId?: number;
  address: string;
  name: string | null;
  /** Our Message-ID form (angle brackets) of the message, for the duplicate check. */
  messageId: string | null;
  threadIds: string[];
  replyToken: string | null;
  ticketNo: number | null;
  /** The sender's domain is authenticated (DKIM/DMARC): only then does its account count. */
  authenticated: boolean;
}

export interface Intake {
  contactId: number;
  /** The sender's account when authenticated; null for guests and unauthenticated senders. */
  accountId: number | null;
  /** The account the address or domain belongs to, authenticated or not. */
  claimedAccountId: number | null;
  plan: string;
  /** The plan's row as stored; PLANS overrides are applied by the caller (effectivePlan). */
  planRow: PlanRow;
  /** The consultation that already holds this Message-ID as an inbound message. */
  duplicateOf: number | null;
  byMessageId: ThreadCandidate[];
  byToken: ThreadCandidate | null;
  byTicket: ThreadCandidate | null;
}

type CandidateJson = { id: number; account_id: number | null; status: ConsultationStatus; from_address: string };
const candidate = (c: CandidateJson | null): ThreadCandidate | null =>
  c ? { id: c.id, accountId: c.account_id, status: c.status, fromAddress: c.from_address } : null;

const CANDIDATE = `json_build_object('id', c.id, 'account_id', c.account_id, 'status', c.status, 'from_address', c.from_address)`;

/**
 * First statement of the transaction, for each message: the sender's contact (created on first
 * contact) and account, the duplicate check, its thread candidates, and the locks a new question
 * needs: the sender's quota lock (`quota:account:N` or `quota:address:A`) and the acknowledgement's
 * rate-limit lock (`auto:ack:A`). All quota locks are taken before all acknowledgement locks, each
 * kind in key order, so two transactions never wait on each other in a circle.
 */
export async function beginIntake(q: Queryable, items: IntakeRequest[]): Promise<Intake[]> {
  const input = items.map((m, i) => {
    const email = m.address.toLowerCase();
    return {
      i,
      inbound_id: m.inboundId ?? null,
      email,
      name: m.name,
      domain: email.split('@')[1] ?? '',
      message_id: m.messageId,
      thread_ids: m.threadIds,
      reply_token: m.replyToken,
      ticket_no: m.ticketNo,
      authenticated: m.authenticated,
    };
  });
  const run = () =>
    q.query<{
      i: number;
      contact_id: number;
      account_id: number | null;
      claimed_account_id: number | null;
      plan: string;
      due_hours: number;
      instant_facts: boolean;
      monthly_quota: number | null;
      total_quota: number | null;
      duplicate_of: number | null;
      by_message_id: CandidateJson[];
      by_token: CandidateJson | null;
      by_ticket: CandidateJson | null;
    }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS x(i int, inbound_id int, email text, name text, domain text, message_id text, thread_ids text[], reply_token text, ticket_no int, authenticated boolean)
       ), ins AS (
         INSERT INTO contacts (email, name, account_id)
         SELECT DISTINCT ON (email) email, name, (SELECT id FROM accounts WHERE domain = input.domain) FROM input ORDER BY email, i
         ON CONFLICT (email) DO NOTHING RETURNING id, email, account_id
       ), ct AS (
         SELECT id, email, account_id FROM ins
         UNION ALL SELECT id, email, account_id FROM contacts WHERE email = ANY($2::text[])
       ), s AS (
         SELECT input.*, ct.id AS contact_id, claimed.id AS claimed_account_id, a.id AS account_id, COALESCE(a.plan, mbx.default_plan, 'guest') AS plan, p.due_hours, p.monthly_quota, p.total_quota, p.instant_facts
         FROM input
         JOIN ct ON ct.email = input.email
         LEFT JOIN accounts claimed ON claimed.id = COALESCE(ct.account_id, (SELECT id FROM accounts WHERE domain = input.domain))
         LEFT JOIN accounts a ON a.id = claimed.id AND input.authenticated
         -- A sender with no account gets the default plan of the mailbox they wrote to, if it names one.
         LEFT JOIN LATERAL (SELECT m.default_plan FROM inbound_messages im JOIN mailboxes m ON m.key = im.mailbox WHERE im.id = input.inbound_id) mbx ON true
         JOIN plans p ON p.name = COALESCE(a.plan, mbx.default_plan, 'guest')
       ), locks AS (
         SELECT count(pg_advisory_xact_lock(k)::text) AS n FROM (
           SELECT k FROM (
             SELECT 0 AS kind, hashtextextended(CASE WHEN account_id IS NOT NULL THEN 'quota:account:' || account_id ELSE 'quota:address:' || email END, 0) AS k FROM s
             UNION SELECT 1, hashtextextended('auto:ack:' || email, 0) FROM s
           ) u ORDER BY kind, k
         ) ordered
       )
       SELECT s.i, s.contact_id, s.account_id, s.claimed_account_id, s.plan, s.due_hours, s.monthly_quota, s.total_quota, s.instant_facts,
         (SELECT consultation_id FROM consultation_messages WHERE s.message_id IS NOT NULL AND direction = 'in' AND message_id = s.message_id) AS duplicate_of,
         (SELECT COALESCE(json_agg(${CANDIDATE} ORDER BY c.id), '[]'::json) FROM consultations c
           WHERE cardinality(s.thread_ids) > 0
             AND c.id = ANY(ARRAY(SELECT consultation_id FROM consultation_messages WHERE message_id = ANY(s.thread_ids)
                                  UNION SELECT consultation_id FROM outbound_messages WHERE message_id = ANY(s.thread_ids)))) AS by_message_id,
         (SELECT ${CANDIDATE} FROM consultations c WHERE s.reply_token IS NOT NULL AND c.reply_token = s.reply_token) AS by_token,
         (SELECT ${CANDIDATE} FROM consultations c WHERE s.ticket_no IS NOT NULL AND c.ticket_no = s.ticket_no) AS by_ticket
       FROM s CROSS JOIN locks ORDER BY s.i`,
      [JSON.stringify(input), [...new Set(input.map((m) => m.email))]],
    );
  let r = await run();
  // A contact created by a concurrent transaction after this statement's snapshot was taken is
  // neither inserted nor visible; the second run's snapshot sees it.
  if (r.rows.length < items.length) r = await run();
  if (r.rows.length < items.length) throw new Error('intake: sender contact missing after retry');
  return r.rows.map((row) => ({
    contactId: row.contact_id,
    accountId: row.account_id,
    claimedAccountId: row.claimed_account_id,
    plan: row.plan,
    planRow: { name: row.plan, monthly_quota: row.monthly_quota, total_quota: row.total_quota, due_hours: row.due_hours, instant_facts: row.instant_facts },
    duplicateOf: row.duplicate_of,
    byMessageId: (row.by_message_id ?? []).map((c) => candidate(c)!),
    byToken: candidate(row.by_token),
    byTicket: candidate(row.by_ticket),
  }));
}

/** Names a quota scope: an account, or a guest's address (the scope whose lock beginIntake takes). */
export const quotaScopeKey = (s: { accountId: number | null; address: string }) =>
  s.accountId !== null ? `account:${s.accountId}` : `address:${s.address.toLowerCase()}`;

/**
 * For each sender, its quota usage, read after beginIntake took the quota locks, and the ticket
 * number its new consultation will carry (so the acknowledgement can be rendered before the insert).
 * A question then refused leaves a gap in ticket numbers, which is harmless.
 */
export async function quotaUsageAndTickets(
  q: Queryable,
  scopes: { accountId: number | null; address: string }[],
  monthStart: Date,
): Promise<(QuotaUsage & { ticketNo: number })[]> {
  const input = scopes.map((s, i) => ({ i, account_id: s.accountId, address: s.address.toLowerCase() }));
  const r = await q.query<{ total: number; month: number; ticket_no: number }>(
    `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(i int, account_id int, address text))
     SELECT u.total, u.month, nextval('ticket_seq')::int AS ticket_no
     FROM input CROSS JOIN LATERAL (
       SELECT count(*)::int AS total, count(*) FILTER (WHERE c.created_at >= $2)::int AS month FROM consultations c
       WHERE (input.account_id IS NOT NULL AND c.account_id = input.account_id)
          OR (input.account_id IS NULL AND c.account_id IS NULL AND c.from_address = input.address)
     ) u ORDER BY input.i`,
    [JSON.stringify(input), monthStart],
  );
  return r.rows.map((row) => ({ total: row.total, thisMonth: row.month, ticketNo: row.ticket_no }));
}

export interface NewQuestion {
  inboundId: number;
  ticketNo: number;
  replyToken: string;
  subject: string;
  fromAddress: string;
  fromName: string | null;
  contactId: number;
  accountId: number | null;
  messageId: string | null;
  references: string | null;
  bodyText: string;
  phiKinds: string[];
  dateOfService: string | null;
  dueAt: Date;
  /** The Message-ID header as received, kept on the inbound row. */
  rawMessageId: string | null;
  audit: Record<string, unknown>;
  ack: {
    messageId: string;
    to: string;
    subject: string;
    inReplyTo: string | null;
    references: string | null;
    headers: Record<string, string>;
    text: string;
    html: string | null;
  };
}

export interface OpenedConsultation {
  consultationId: number;
  ackId: number;
  ackStatus: OutboundStatus;
  lagSeconds: number | null;
}

/**
 * One statement for the lot: each consultation, its first thread message, its acknowledgement in the
 * outbox (suppressed when one went to that address within the interval: RFC 3834 loop breaking,
 * decided under the lock beginIntake took), its inbound row marked processed, and its audit entry.
 * Callers give at most one question per address, so no two rows here rate-limit each other.
 */
export async function openConsultations(q: Queryable, items: NewQuestion[], ackIntervalMinutes: number): Promise<OpenedConsultation[]> {
  const input = items.map((n, i) => ({
    i,
    inbound_id: n.inboundId,
    ticket_no: n.ticketNo,
    subject: n.subject,
    from_address: n.fromAddress.toLowerCase(),
    from_name: n.fromName,
    contact_id: n.contactId,
    account_id: n.accountId,
    reply_token: n.replyToken,
    message_id: n.messageId,
    raw_message_id: n.rawMessageId,
    refs: n.references,
    body_text: n.bodyText,
    phi_kinds: n.phiKinds,
    date_of_service: n.dateOfService,
    due_at: n.dueAt.toISOString(),
    audit: n.audit,
    ack_message_id: n.ack.messageId,
    ack_to: n.ack.to.toLowerCase(),
    ack_subject: n.ack.subject,
    ack_in_reply_to: n.ack.inReplyTo,
    ack_references: n.ack.references,
    ack_headers: n.ack.headers,
    ack_text: n.ack.text,
    ack_html: n.ack.html,
  }));
  const r = await q.query<{ id: number; ack_id: number; ack_status: OutboundStatus; lag: number | null }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         i int, inbound_id int, ticket_no int, subject text, from_address text, from_name text, contact_id int, account_id int,
         reply_token text, message_id text, raw_message_id text, refs text, body_text text, phi_kinds text[], date_of_service text,
         due_at timestamptz, audit jsonb, ack_message_id text, ack_to text, ack_subject text, ack_in_reply_to text,
         ack_references text, ack_headers jsonb, ack_text text, ack_html text)
     ), c AS (
       INSERT INTO consultations (ticket_no, status, subject, from_address, from_name, contact_id, account_id, reply_token, root_message_id, root_references, due_at, mailbox, specialty)
       SELECT input.ticket_no, 'received', input.subject, input.from_address, input.from_name, input.contact_id, input.account_id, input.reply_token,
              input.message_id, input.refs, input.due_at, im.mailbox, mb.default_specialty
       FROM input LEFT JOIN inbound_messages im ON im.id = input.inbound_id LEFT JOIN mailboxes mb ON mb.key = im.mailbox ORDER BY input.i
       RETURNING id, ticket_no
     ), j AS (
       SELECT input.*, c.id AS cid FROM input JOIN c USING (ticket_no)
     ), m AS (
       INSERT INTO consultation_messages (consultation_id, direction, inbound_id, message_id, references_header, subject, body_text, phi_kinds, date_of_service)
       SELECT cid, 'in', inbound_id, message_id, refs, subject, body_text, phi_kinds, date_of_service FROM j ON CONFLICT DO NOTHING
     ), o AS (
       INSERT INTO outbound_messages (consultation_id, kind, dedup_key, message_id, to_address, subject, in_reply_to, references_header, headers, body_text, body_html, status, error)
       SELECT cid, 'ack', 'ack:' || cid, ack_message_id, ack_to, ack_subject, ack_in_reply_to, ack_references, ack_headers, ack_text, ack_html,
              CASE WHEN r.recent THEN 'suppressed' ELSE 'queued' END, CASE WHEN r.recent THEN 'auto-reply rate limit' END
       FROM j LEFT JOIN LATERAL (
         SELECT true AS recent FROM outbound_messages p
         WHERE $2::int > 0 AND p.to_address = j.ack_to AND p.kind = 'ack' AND p.status <> 'suppressed'
           AND p.created_at > now() - make_interval(mins => $2::int)
         LIMIT 1
       ) r ON true
       RETURNING id, consultation_id, status
     ), f AS (
       UPDATE inbound_messages im SET status = 'processed', kind = 'question', reason = NULL, error = NULL,
              message_id = COALESCE(j.raw_message_id, im.message_id), consultation_id = j.cid, processed_at = now()
       FROM j WHERE im.id = ANY($3::int[]) AND im.id = j.inbound_id RETURNING im.id, EXTRACT(EPOCH FROM (now() - im.received_at))::float8 AS lag
     ), a AS (
       INSERT INTO audit_log (action, consultation_id, detail) SELECT 'consultation.created', cid, audit FROM j
     )
     SELECT j.cid AS id, o.id AS ack_id, o.status AS ack_status, f.lag
     FROM j JOIN o ON o.consultation_id = j.cid LEFT JOIN f ON f.id = j.inbound_id ORDER BY j.i`,
    [JSON.stringify(input), ackIntervalMinutes, items.map((n) => n.inboundId)],
  );
  if (r.rows.length !== items.length) throw new Error(`intake: ${r.rows.length} of ${items.length} consultations opened`);
  return r.rows.map((row) => ({ consultationId: row.id, ackId: row.ack_id, ackStatus: row.ack_status, lagSeconds: row.lag }));
}
