// Every email to a customer is built here: the answer, the request for information, the
// acknowledgement, the de-identification note and the quota notice. One rule for the subject
// (`Re: [CC-000123] <their subject>`, no piled-up Re: or tags; without a consultation, no tag), a
// fresh Message-ID, the threading headers of the message it answers, the per-consultation Reply-To,
// and the RFC 3834 headers on the automatic ones. Pure: the caller writes the result to the outbox.
// Mail to staff (assignment notices, sign-in links) goes through buildStaffMail below.
import type { NewOutbound } from '../store/outbox.ts';
import { AUTO_HEADERS, isAutoKind } from './auto-reply.ts';
import { angle, newMessageId, replyAddress, replyReferences, replySubject } from './threading-headers.ts';

export type CustomerReplyKind = 'answer' | 'request_info' | 'ack' | 'deidentify' | 'quota';

export interface MailIdentity {
  MESSAGE_ID_DOMAIN: string;
  mailFromAddress: string;
}

export interface CustomerReplyInput {
  kind: CustomerReplyKind;
  consultationId: number | null;
  dedupKey: string;
  to: string;
  /** CC-000123; null when the mail belongs to no consultation (quota notice). */
  ticket: string | null;
  /** The customer's subject (PHI-masked). */
  subject: string;
  /** The message answered: its Message-ID and References header (our angle form or raw). */
  parent: { messageId: string | null; references: string | null };
  /** The consultation's reply token: replies come back to consult+TOKEN@… and join it. */
  replyToken: string | null;
  body: { text: string; html: string | null };
}

export function buildCustomerReply<K extends CustomerReplyKind>(
  id: MailIdentity,
  m: CustomerReplyInput & { kind: K },
): NewOutbound & { kind: K; headers: Record<string, string> } {
  const refs = replyReferences((m.parent.references ?? '').split(/\s+/).filter(Boolean), m.parent.messageId);
  const headers: Record<string, string> = {};
  if (m.replyToken) headers['Reply-To'] = replyAddress(id.mailFromAddress, m.replyToken);
  if (isAutoKind(m.kind)) Object.assign(headers, AUTO_HEADERS);
  return {
    consultationId: m.consultationId,
    kind: m.kind,
    dedupKey: m.dedupKey,
    messageId: newMessageId(id.MESSAGE_ID_DOMAIN, m.kind),
    to: m.to,
    subject: replySubject(m.ticket, m.subject),
    inReplyTo: m.parent.messageId ? angle(m.parent.messageId) : null,
    references: refs.join(' ') || null,
    headers,
    text: m.body.text,
    html: m.body.html,
  };
}

/** Mail to a reviewer: not a reply to anything, marked automatic, no customer text in the subject. */
export function buildStaffMail(
  id: Pick<MailIdentity, 'MESSAGE_ID_DOMAIN'>,
  m: {
    kind: 'notify' | 'magic_link';
    consultationId: number | null;
    dedupKey: string;
    to: string;
    subject: string;
    body: { text: string; html: string | null };
  },
): NewOutbound {
  return {
    consultationId: m.consultationId,
    kind: m.kind,
    dedupKey: m.dedupKey,
    messageId: newMessageId(id.MESSAGE_ID_DOMAIN, m.kind === 'magic_link' ? 'magic' : m.kind),
    to: m.to,
    subject: m.subject,
    inReplyTo: null,
    references: null,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    text: m.body.text,
    html: m.body.html,
  };
}
