// Automatic emails (RFC 3834): marked so other robots never answer them (the headers below, set by
// customer-reply.ts), and rate-limited per recipient so two robots can never ping-pong (the interval
// rule lives with the outbox, store/auto-reply-interval.ts). Pure.

export { AUTO_KINDS, autoReplyDecision, isAutoKind, type AutoKind } from '../store/auto-reply-interval.ts';

/** RFC 3834 §5 and the Microsoft/list conventions other auto-responders honour. */
export const AUTO_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Auto-Submitted': 'auto-replied',
  'X-Auto-Response-Suppress': 'All',
  Precedence: 'bulk',
});
