// What reviewers read instead of the stored status names, and short spans of time.

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

/** "3d 4h", "2h 5m", "12m", "just now". */
export function shortSpan(ms: number): string {
  const mins = Math.floor(Math.abs(ms) / 60_000);
  if (mins < 1) return 'just now';
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}

/** The question as one line, cut at a word: enough to tell cases apart in the queue. */
export function snippet(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
