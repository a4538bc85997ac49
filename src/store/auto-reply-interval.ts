// How often an automatic email (RFC 3834) may go to one recipient: the rule the outbox applies when
// it writes one. Pure; the headers that mark such mail live with the mail builder (send/auto-reply.ts).

/** Kinds of outbound mail we send without a human: each is rate-limited per recipient. */
export const AUTO_KINDS = ['ack', 'quota', 'deidentify'] as const;
export type AutoKind = (typeof AUTO_KINDS)[number];

export const isAutoKind = (k: string): k is AutoKind => (AUTO_KINDS as readonly string[]).includes(k);

/**
 * 'send' unless the same kind went to the same address less than `minIntervalMinutes` ago.
 * Keyed by kind so a guest's acknowledgement does not swallow the quota notice right after it;
 * each kind is still at most one per period, which is what breaks a loop.
 */
export function autoReplyDecision(lastSentAt: Date | null, now: Date, minIntervalMinutes: number): 'send' | 'suppress' {
  if (!lastSentAt || minIntervalMinutes <= 0) return 'send';
  return now.getTime() - lastSentAt.getTime() < minIntervalMinutes * 60_000 ? 'suppress' : 'send';
}
