// What reviewers read instead of the stored status names, and short spans of time.
import { span } from './timeleft.ts';

export const STATUS_LABELS: Record<string, string> = {
  received: 'New',
  drafting: 'Drafting',
  awaiting_review: 'Ready for review',
  waiting_on_customer: 'Waiting on customer',
  approved: 'Approved, sending',
  sent: 'Answered',
  ignored: 'Ignored',
  rejected: 'Rejected',
  failed: 'Failed',
  closed: 'Closed',
};

export const statusLabel = (s: string): string => STATUS_LABELS[s] ?? s;

/** "3d 4h", "2h 5m", "12m", "just now": how long ago. */
export const shortSpan = (ms: number): string => (Math.abs(ms) < 60_000 ? 'just now' : span(ms));

/** The question as one line, cut at a word: enough to tell cases apart in the queue. */
export function snippet(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
