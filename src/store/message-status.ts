// The one definition of an inbound and an outbound message's status and of the sets of them the rest
// of the code asks about, as consultation-status.ts is for consultations. Pure: SQL receives the sets
// as parameters ($n::text[]); migration 001's CHECK constraints spell the unions out and
// test/unit/message-status.test.ts checks them against this file.
//
// Inbound:  received ─▶ processed | ignored | duplicate     (one ingest: src/mail/ingest-outcome.ts)
//                    └▶ quarantined | failed ─(admin)─▶ received (reprocess) | discarded
// Outbound: queued ─▶ sending ─▶ sent ─▶ bounced (a delivery report)
//                             ├▶ queued (transient SMTP failure) └▶ failed (permanent)
//           suppressed (an automatic reply held back by the RFC 3834 interval; never sent)

export const INBOUND_STATUSES = ['received', 'processed', 'ignored', 'duplicate', 'quarantined', 'failed', 'discarded'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

/** Held for an admin, who may reprocess or discard it. */
export const HELD_INBOUND_STATUSES = ['quarantined', 'failed'] as const satisfies readonly InboundStatus[];

/** A row can still leave these: waiting for ingest, or held. The backlog an operator watches. */
export const OPEN_INBOUND_STATUSES = ['received', ...HELD_INBOUND_STATUSES] as const satisfies readonly InboundStatus[];

export const OUTBOUND_STATUSES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed'] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

/** Not sent yet: queued, or sending when a worker died mid-send (reconciled before any resend). */
export const UNSENT_OUTBOUND_STATUSES = ['queued', 'sending'] as const satisfies readonly OutboundStatus[];

export function outboundStatusIn(s: string, set: readonly OutboundStatus[]): boolean {
  return (set as readonly string[]).includes(s);
}
