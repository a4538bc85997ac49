// The due clock stops while we wait on the customer (request for information) and restarts when
// they answer. The pause ends at the first inbound message after it, so a view computes the right
// due time even before anything folds the pause into due_at.
import type { Queryable } from './db.ts';

/** The end of the current pause: the customer's first message since, else now. */
const pauseEnd = (c: string) =>
  `COALESCE((SELECT min(pm.created_at) FROM consultation_messages pm WHERE pm.consultation_id = ${c}.id AND pm.direction = 'in' AND pm.created_at > ${c}.paused_at), now())`;

/** SQL for a consultation's due time with the current pause added; `c` is the table alias. */
export function effectiveDueSql(c = 'c'): string {
  return `CASE WHEN ${c}.paused_at IS NULL THEN ${c}.due_at ELSE ${c}.due_at + (${pauseEnd(c)} - ${c}.paused_at) END`;
}

/** SQL that is true while the clock is stopped (paused and no answer from the customer yet). */
export function pausedSql(c = 'c'): string {
  return `(${c}.paused_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM consultation_messages pm WHERE pm.consultation_id = ${c}.id AND pm.direction = 'in' AND pm.created_at > ${c}.paused_at))`;
}

export async function pauseDueClock(q: Queryable, consultationId: number): Promise<void> {
  await q.query('UPDATE consultations SET paused_at = COALESCE(paused_at, now()) WHERE id = $1', [consultationId]);
}

/**
 * Folds a finished pause into due_at. The ingest of a follow-up should call it; every console action
 * calls it too, so a missed call only delays the fold, never loses the paused time.
 */
export async function resumeDueClock(q: Queryable, consultationId: number): Promise<void> {
  await q.query(
    `UPDATE consultations c SET
       due_at = c.due_at + (${pauseEnd('c')} - c.paused_at),
       paused_seconds = c.paused_seconds + GREATEST(0, floor(extract(epoch FROM (${pauseEnd('c')} - c.paused_at))))::int,
       paused_at = NULL
     WHERE c.id = $1 AND c.paused_at IS NOT NULL AND (c.status <> 'waiting_on_customer' OR NOT ${pausedSql('c')})`,
    [consultationId],
  );
}
