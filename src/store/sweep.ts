// What the sweeper looks for: rows whose job seems lost, consultations near their due time, raw
// messages past their retention. Each read is bounded by `limit`; the sweeper takes the rest next time.
import { DUE_CLOCK_STATUSES, UNDRAFTED_STATUSES } from './consultation-status.ts';
import type { Queryable } from './db.ts';
import { UNSENT_OUTBOUND_STATUSES } from './message-status.ts';

/** Inbound rows still 'received' after staleSeconds: their ingest job may be lost. */
export async function staleInbound(q: Queryable, staleSeconds: number, limit: number): Promise<number[]> {
  const r = await q.query<{ id: number }>(
    `SELECT id FROM inbound_messages WHERE status = 'received' AND received_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
    [staleSeconds, limit],
  );
  return r.rows.map((x) => x.id);
}

/** Consultations without a draft and without progress for staleSeconds. */
export async function staleUndrafted(q: Queryable, staleSeconds: number, limit: number): Promise<{ id: number; round: number }[]> {
  const r = await q.query<{ id: number; round: number }>(
    `SELECT id, round FROM consultations WHERE status = ANY($3::text[]) AND updated_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
    [staleSeconds, limit, [...UNDRAFTED_STATUSES]],
  );
  return r.rows;
}

/** Outbound rows still queued or sending after staleSeconds. */
export async function staleOutbound(q: Queryable, staleSeconds: number, limit: number): Promise<number[]> {
  const r = await q.query<{ id: number }>(
    `SELECT id FROM outbound_messages WHERE status = ANY($3::text[]) AND created_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
    [staleSeconds, limit, [...UNSENT_OUTBOUND_STATUSES]],
  );
  return r.rows.map((x) => x.id);
}

/** Marks open consultations due within beforeSeconds as escalated (once each); returns their ids. */
export async function escalateNearDue(q: Queryable, beforeSeconds: number): Promise<number[]> {
  const r = await q.query<{ id: number }>(
    `UPDATE consultations SET escalated_at = now()
     WHERE escalated_at IS NULL AND status = ANY($2::text[])
       AND due_at < now() + make_interval(secs => $1)
     RETURNING id`,
    [beforeSeconds, [...DUE_CLOCK_STATUSES]],
  );
  return r.rows.map((x) => x.id);
}

/**
 * Blanks the raw bytes of handled messages older than retentionDays, oldest first and at most limit,
 * so the first sweep after a long pause is not one huge transaction.
 */
export async function purgeRaw(q: Queryable, retentionDays: number, limit: number): Promise<number> {
  const r = await q.query<{ id: number }>(
    `UPDATE inbound_messages SET raw = ''::bytea, raw_purged_at = now()
     WHERE id IN (SELECT id FROM inbound_messages
                  WHERE raw_purged_at IS NULL AND status <> 'received' AND received_at < now() - make_interval(days => $1)
                  ORDER BY received_at LIMIT $2)
     RETURNING id`,
    [retentionDays, limit],
  );
  return r.rows.length;
}
