// Automatic emails go through here, limited to one of a kind per address per period (their RFC 3834
// headers come from send/customer-reply.ts). A suppressed one is still written, as status
// 'suppressed', so the console shows it.
import { autoReplyDecision, type AutoKind } from './auto-reply-interval.ts';
import type { Queryable } from './db.ts';
import { enqueueOutbound, type NewOutbound, type OutboundRow } from './outbox.ts';

export async function enqueueAutoReply(
  q: Queryable,
  m: NewOutbound & { kind: AutoKind },
  minIntervalMinutes: number,
): Promise<{ row: OutboundRow; suppressed: boolean }> {
  const to = m.to.toLowerCase();
  // Two workers ingesting mail from one sender at once must not both decide "send".
  await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`auto:${m.kind}:${to}`]);
  const last = await q.query<{ last: Date | null; now: Date }>(
    `SELECT max(created_at) AS last, now() AS now FROM outbound_messages WHERE to_address = $1 AND kind = $2 AND status <> 'suppressed'`,
    [to, m.kind],
  );
  const { last: lastAt, now } = last.rows[0];
  const decision = autoReplyDecision(lastAt ? new Date(lastAt) : null, new Date(now), minIntervalMinutes);
  const { row, created } = await enqueueOutbound(q, { ...m, to });
  if (created && decision === 'suppress') {
    await q.query(`UPDATE outbound_messages SET status = 'suppressed', error = 'auto-reply rate limit' WHERE id = $1`, [row.id]);
    return { row: { ...row, status: 'suppressed' }, suppressed: true };
  }
  return { row, suppressed: row.status === 'suppressed' };
}
