// The one definition of a consultation's status and of the sets of statuses the rest of the code
// asks about. Pure: SQL receives these lists as parameters ($n::text[]); the few statements that must
// spell a list out (migration 007's partial index and the query that has to match it for the
// planner) are checked against this file by test/unit/consultation-status.test.ts.
//
//   received ─▶ drafting ─▶ awaiting_review ─▶ approved ─▶ sent
//                               │      │                  └▶ failed (permanent delivery failure)
//                               │      └▶ waiting_on_customer ─(reply)─▶ received (next round)
//                               └▶ rejected
//   A follow-up reopens sent / closed / rejected (and restarts an open one) as received, next round.

export const CONSULTATION_STATUSES = [
  'received',
  'drafting',
  'awaiting_review',
  'waiting_on_customer',
  'approved',
  'sent',
  'ignored',
  'rejected',
  'failed',
  'closed',
] as const;

export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

/** A reviewer can still act on it (claim, reassign, reject): the assignee's workload. */
export const REVIEWABLE_STATUSES = ['received', 'drafting', 'awaiting_review', 'waiting_on_customer'] as const satisfies readonly ConsultationStatus[];

/** The customer is still owed an answer: reviewable, or approved with the answer queued but not sent. */
export const OPEN_STATUSES = [...REVIEWABLE_STATUSES, 'approved'] as const satisfies readonly ConsultationStatus[];

/** The due clock runs: open, except while waiting on the customer (that pause is the customer's time). */
export const DUE_CLOCK_STATUSES = ['received', 'drafting', 'awaiting_review', 'approved'] as const satisfies readonly ConsultationStatus[];

/** No draft yet: the sweeper re-enqueues drafting for these when they sit too long. */
export const UNDRAFTED_STATUSES = ['received', 'drafting'] as const satisfies readonly ConsultationStatus[];

/** Over: a follow-up reopens the consultation as a new round. */
export const SETTLED_STATUSES = ['sent', 'closed', 'rejected'] as const satisfies readonly ConsultationStatus[];

/** Answered: other consultations' replies a reviewer may reuse. */
export const ANSWERED_STATUSES = ['sent', 'closed'] as const satisfies readonly ConsultationStatus[];

/** The answer is written: queued (approved) or sent. */
export const ANSWER_WRITTEN_STATUSES = ['approved', ...ANSWERED_STATUSES] as const satisfies readonly ConsultationStatus[];

/** A follow-up in one of these starts the next round (received, redrafted with the new message). */
export const REDRAFT_ON_FOLLOW_UP = [...REVIEWABLE_STATUSES, ...SETTLED_STATUSES] as const satisfies readonly ConsultationStatus[];

export function statusIn(s: string, set: readonly ConsultationStatus[]): boolean {
  return (set as readonly string[]).includes(s);
}

/** `('a', 'b')` for the statements that must spell a list out; the values are the constants above. */
export function sqlStatusList(set: readonly ConsultationStatus[]): string {
  return `(${set.map((s) => `'${s}'`).join(', ')})`;
}
