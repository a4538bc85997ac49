// Counts for the system gauges (metrics-system.ts), read at scrape time.
import { DUE_CLOCK_STATUSES } from './consultation-status.ts';
import type { Queryable } from './db.ts';

export type CountedTable = 'consultations' | 'outbound_messages' | 'inbound_messages';

/** Open consultations past their due time. */
export async function countDueBreaches(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM consultations WHERE due_at < now() AND status = ANY($1::text[])`, [
    [...DUE_CLOCK_STATUSES],
  ]);
  return r.rows[0].n;
}

/**
 * Rows per label values, of the statuses in `open` (live: through the status index) or of all the
 * others (settled). Labels are column names chosen by our code, never input.
 */
export async function countByStatus(
  q: Queryable,
  table: CountedTable,
  labels: string[],
  open: readonly string[],
  live: boolean,
): Promise<(Record<string, string> & { n: number })[]> {
  const cols = labels.join(', ');
  const where = live ? 'status = ANY($1::text[])' : 'status <> ALL($1::text[])';
  return (
    await q.query<Record<string, string> & { n: number }>(`SELECT ${cols}, count(*)::int AS n FROM ${table} WHERE ${where} GROUP BY ${cols}`, [[...open]])
  ).rows;
}
