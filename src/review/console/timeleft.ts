// "Time left" as a reviewer reads it in the queue.

export interface TimeLeft {
  text: string;
  overdue: boolean;
  paused: boolean;
  /** Milliseconds until due (negative when overdue); null when there is no due time. */
  ms: number | null;
}

/** "3d 4h", "2h 5m", "12m": a span as a reviewer reads it. */
export function span(ms: number): string {
  const mins = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}

export function timeLeft(dueAt: Date | string | null, now: Date, paused = false): TimeLeft {
  if (!dueAt) return { text: 'no due time', overdue: false, paused, ms: null };
  const ms = new Date(dueAt).getTime() - now.getTime();
  if (paused) return { text: `paused, ${span(ms)} left`, overdue: false, paused, ms };
  if (ms < 0) return { text: `overdue by ${span(ms)}`, overdue: true, paused, ms };
  return { text: `${span(ms)} left`, overdue: false, paused, ms };
}
