// Which consultation does an inbound message continue? Pure: the caller looks the candidates up.
// Strongest evidence first: our own Message-IDs in In-Reply-To/References, then the unguessable
// reply-address token, then the human-readable ticket tag. Message-IDs and ticket tags are no secret
// (every Cc recipient sees the customer's Message-ID; anyone can type a tag), so they join only mail
// from the consultation's own address or its authenticated account; only the per-case reply address
// lets anyone else in. Nothing ever joins two customers' mail.

import { SETTLED_STATUSES } from '../store/consultation-status.ts';

/** A follow-up to one of these reopens it. */
export const CLOSED_STATUSES: ReadonlySet<string> = new Set(SETTLED_STATUSES);

export interface ThreadCandidate<Id extends string | number = string | number> {
  id: Id;
  accountId: string | number | null;
  status: string;
  /** The consultation's customer address; decides the ticket tag when there is no account. */
  fromAddress?: string | null;
}

export interface ThreadInput<Id extends string | number = string | number> {
  /** In-Reply-To first, then References; informational (the caller already looked them up). */
  messageIds?: string[];
  replyToken: string | null;
  ticketTag: string | null;
  senderAddress: string;
  senderAccountId: string | number | null;
  /** Consultations owning one of messageIds, in the order of messageIds. */
  byMessageId: ThreadCandidate<Id>[];
  byToken: ThreadCandidate<Id> | null;
  byTicket: ThreadCandidate<Id> | null;
}

export interface ThreadDecision<Id extends string | number = string | number> {
  consultationId: Id | null;
  via: 'message-id' | 'reply-token' | 'ticket-tag' | null;
  /** The matched consultation was finished (sent, closed, rejected) and this message re-opens it. */
  reopen: boolean;
  /** A consultation the message named but may not join (another sender), for the audit log. */
  refused?: { consultationId: Id; via: 'message-id' | 'ticket-tag' };
}

function sameKey(a: string | number | null | undefined, b: string | number | null | undefined): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b);
}

// Message-id and token matches prove the sender saw our mail, but a reply-all from another customer
// proves the same; such mail starts its own consultation rather than joining someone else's.
function notAnotherCustomer(c: ThreadCandidate, senderAccountId: string | number | null): boolean {
  return c.accountId === null || c.accountId === undefined || senderAccountId === null || sameKey(c.accountId, senderAccountId);
}

/** The same address, or the same account (senderAccountId is set only for authenticated senders). */
function sameCustomer(c: ThreadCandidate, input: ThreadInput): boolean {
  if (c.fromAddress && c.fromAddress.toLowerCase() === input.senderAddress.toLowerCase()) return notAnotherCustomer(c, input.senderAccountId);
  return c.accountId !== null && c.accountId !== undefined && sameKey(c.accountId, input.senderAccountId);
}

function decide<Id extends string | number>(c: ThreadCandidate<Id>, via: ThreadDecision['via']): ThreadDecision<Id> {
  return { consultationId: c.id, via, reopen: CLOSED_STATUSES.has(c.status) };
}

export function resolveThread<Id extends string | number>(input: ThreadInput<Id>): ThreadDecision<Id> {
  const byId = input.byMessageId.find((c) => c && sameCustomer(c, input));
  if (byId) return decide(byId, 'message-id');
  if (input.replyToken && input.byToken && notAnotherCustomer(input.byToken, input.senderAccountId)) {
    return decide(input.byToken, 'reply-token');
  }
  if (input.ticketTag && input.byTicket && sameCustomer(input.byTicket, input)) return decide(input.byTicket, 'ticket-tag');
  const named = input.byMessageId.find((c) => !!c);
  const refused = named
    ? { consultationId: named.id, via: 'message-id' as const }
    : input.ticketTag && input.byTicket
      ? { consultationId: input.byTicket.id, via: 'ticket-tag' as const }
      : undefined;
  return refused ? { consultationId: null, via: null, reopen: false, refused } : { consultationId: null, via: null, reopen: false };
}

const TICKET_RE = /\[\s*CC-(\d{1,12})\s*\]/i;

/** `CC-000123` from a subject carrying `[CC-000123]`, or null. */
export function parseTicketTag(subject: string): string | null {
  const m = TICKET_RE.exec(subject ?? '');
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? formatTicket(n) : null;
}

/** Ticket number as shown to customers: `CC-` and at least six digits. */
export function formatTicket(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`invalid ticket number ${n}`);
  return `CC-${String(n).padStart(6, '0')}`;
}

/** The token of a `consult+TOKEN@domain` reply address among `addresses`, or null. */
export function replyTokenFromAddresses(addresses: string[], localPart = 'consult'): string | null {
  const prefix = `${localPart.toLowerCase()}+`;
  for (const raw of addresses) {
    const address = (raw ?? '').trim();
    const at = address.lastIndexOf('@');
    if (at < 0) continue;
    const local = address.slice(0, at);
    if (!local.toLowerCase().startsWith(prefix)) continue;
    const token = local.slice(prefix.length);
    if (/^[A-Za-z0-9_-]{4,128}$/.test(token)) return token;
  }
  return null;
}
