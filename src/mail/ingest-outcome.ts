// Every way the ingest of one inbound message can end, and what each means: the inbound row's status,
// the cc_inbound_total label, and the automatic email it sends. Modelled on Discourse's
// Email::Processor#handle_failure: if you add an outcome, add its row here; the compiler then asks
// for it everywhere the outcome is handled.
import type { InboundStatus } from '../store/message-status.ts';
import type { Classification, MessageKind } from './types.ts';

/** Machine mail and mail we refuse: recorded, never answered (classification kinds other than human ones). */
export type UnansweredKind = Exclude<MessageKind, 'question' | 'follow_up'>;

export type IngestOutcome =
  /** Handled by an earlier attempt (at-least-once delivery): nothing changes, nothing is counted. */
  | `already-${InboundStatus}`
  /** The stored bytes fail their hash or cannot be decrypted. */
  | 'integrity'
  /** The parser refused the message. */
  | 'unparseable'
  | 'question'
  | 'follow_up'
  | 'duplicate'
  | 'over_quota'
  | UnansweredKind;

export interface OutcomeRule {
  /** The inbound row's status afterwards (null: left as it was). */
  inbound: InboundStatus | null;
  /** cc_inbound_total{kind}; null: not counted. */
  metric: string | null;
  /** The automatic email it sends, if any ('deidentify' only when PHI was masked). */
  email: 'ack' | 'quota' | 'deidentify' | null;
}

type OutcomeKey = Exclude<IngestOutcome, `already-${string}`> | 'already';

export const INGEST_OUTCOMES: Readonly<Record<OutcomeKey, OutcomeRule>> = {
  already: { inbound: null, metric: null, email: null },
  integrity: { inbound: 'quarantined', metric: 'integrity', email: null },
  unparseable: { inbound: 'quarantined', metric: 'unparseable', email: null },
  question: { inbound: 'processed', metric: 'question', email: 'ack' },
  follow_up: { inbound: 'processed', metric: 'follow_up', email: 'deidentify' },
  duplicate: { inbound: 'duplicate', metric: 'duplicate', email: null },
  over_quota: { inbound: 'ignored', metric: 'over_quota', email: 'quota' },
  rejected: { inbound: 'quarantined', metric: 'rejected', email: null },
  auto_reply: { inbound: 'ignored', metric: 'auto_reply', email: null },
  bounce: { inbound: 'ignored', metric: 'bounce', email: null },
  feedback: { inbound: 'ignored', metric: 'feedback', email: null },
  loop: { inbound: 'ignored', metric: 'loop', email: null },
};

export const alreadyDone = (status: InboundStatus): IngestOutcome => `already-${status}`;

export function outcomeRule(o: IngestOutcome): OutcomeRule {
  return INGEST_OUTCOMES[o.startsWith('already-') ? 'already' : (o as OutcomeKey)];
}

/** The inbound status a machine or refused message ends in. */
export const unansweredStatus = (kind: UnansweredKind): InboundStatus => INGEST_OUTCOMES[kind].inbound!;

/** Machine mail and refused mail: the classifier's machine kinds and 'rejected'. */
export const isUnanswered = (cls: Classification): cls is Classification & { kind: UnansweredKind } => cls.kind !== 'question' && cls.kind !== 'follow_up';
