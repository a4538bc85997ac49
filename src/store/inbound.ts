import { AppError, ErrorCodes } from '../errors.ts';
import { openRaw } from '../mail/raw-crypto.ts';
import type { Queryable } from './db.ts';
import type { InboundStatus } from './message-status.ts';

export interface InboundRow {
  id: number;
  mailbox: string;
  uidvalidity: number;
  uid: number;
  sha256: string;
  raw: Buffer;
  size: number;
  status: InboundStatus;
  kind: string | null;
  reason: string | null;
  error: string | null;
  message_id: string | null;
  attempts: number;
  consultation_id: number | null;
  received_at: Date;
}

export interface NewInbound {
  mailbox: string;
  uidvalidity: number;
  uid: number;
  sourceKey?: string | null;
  /** SHA-256 of the plaintext: dedup key and integrity check. */
  sha256: string;
  /** The bytes to keep: already encrypted by the caller (src/mail/accept.ts). */
  raw: Buffer;
  /** Size of the plaintext message. */
  size: number;
}

/**
 * Stores raw bytes once per mailbox. A second copy (same mailbox position or same bytes in the same
 * mailbox) returns the first row,
 * so the caller can still make sure its job exists.
 */
export async function storeInbound(q: Queryable, m: NewInbound): Promise<{ id: number; created: boolean; status: InboundStatus }> {
  const ins = await q.query<{ id: number; status: InboundStatus }>(
    `INSERT INTO inbound_messages (mailbox, uidvalidity, uid, source_key, sha256, raw, size)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT DO NOTHING RETURNING id, status`,
    [m.mailbox, m.uidvalidity, m.uid, m.sourceKey ?? null, m.sha256, m.raw, m.size],
  );
  if (ins.rows[0]) return { ...ins.rows[0], created: true };
  const existing = await q.query<{ id: number; status: InboundStatus }>(
    `SELECT id, status FROM inbound_messages WHERE mailbox = $2 AND (sha256 = $1 OR (uidvalidity = $3 AND uid = $4)) ORDER BY id LIMIT 1`,
    [m.sha256, m.mailbox, m.uidvalidity, m.uid],
  );
  return { ...existing.rows[0], created: false };
}

// Named columns, not *: a prepared statement whose result shape changes under it (a migration adding
// a column while workers run) would fail until the connection is replaced.
const INBOUND_COLUMNS = 'id, mailbox, uidvalidity, uid, sha256, raw, size, status, kind, reason, error, message_id, attempts, consultation_id, received_at';

/**
 * storeInbound for a batch: new rows in one statement; the few that collide with a stored copy (or
 * with each other) are then resolved one by one. Results are in the order given.
 */
export async function storeInbounds(q: Queryable, items: NewInbound[]): Promise<{ id: number; created: boolean; status: InboundStatus }[]> {
  if (!items.length) return [];
  const input = items.map((m, i) => ({
    i,
    mailbox: m.mailbox,
    uidvalidity: m.uidvalidity,
    uid: m.uid,
    source_key: m.sourceKey ?? null,
    sha256: m.sha256,
    raw: m.raw.toString('base64'),
    size: m.size,
  }));
  const r = await q.query<{ id: number; status: InboundStatus; mailbox: string; uidvalidity: number; uid: number }>(
    `INSERT INTO inbound_messages (mailbox, uidvalidity, uid, source_key, sha256, raw, size)
     SELECT mailbox, uidvalidity, uid, source_key, sha256, decode(raw, 'base64'), size
     FROM jsonb_to_recordset($1::jsonb) AS x(i int, mailbox text, uidvalidity bigint, uid bigint, source_key text, sha256 text, raw text, size int)
     ORDER BY i
     ON CONFLICT DO NOTHING RETURNING id, status, mailbox, uidvalidity, uid`,
    [JSON.stringify(input)],
  );
  const key = (m: { mailbox: string; uidvalidity: number; uid: number }) => `${m.mailbox}\n${Number(m.uidvalidity)}\n${Number(m.uid)}`;
  const inserted = new Map(r.rows.map((row) => [key(row), row]));
  const out: { id: number; created: boolean; status: InboundStatus }[] = [];
  for (const m of items) {
    const row = inserted.get(key(m));
    // Only an insert from this statement counts as created; anything else is the stored copy.
    out.push(row ? { id: row.id, status: row.status, created: true } : await storeInbound(q, m));
  }
  return out;
}

export async function getInbound(q: Queryable, id: number): Promise<InboundRow | null> {
  return ((await getInbounds(q, [id])).get(id) as InboundRow | undefined) ?? null;
}

/**
 * Several rows in one round trip, by id. With rawUpTo, a message larger than that comes without its
 * bytes (raw null), so a batch never holds many large messages in memory at once.
 */
export async function getInbounds(
  q: Queryable,
  ids: number[],
  opts: { rawUpTo?: number } = {},
): Promise<Map<number, Omit<InboundRow, 'raw'> & { raw: Buffer | null }>> {
  const r =
    opts.rawUpTo === undefined
      ? await q.query<InboundRow>(`SELECT ${INBOUND_COLUMNS} FROM inbound_messages WHERE id = ANY($1::int[])`, [ids], { prepare: true })
      : await q.query<InboundRow>(
          `SELECT ${INBOUND_COLUMNS.replace('raw,', 'CASE WHEN size <= $2 THEN raw END AS raw,')} FROM inbound_messages WHERE id = ANY($1::int[])`,
          [ids, opts.rawUpTo],
          { prepare: true },
        );
  return new Map(r.rows.map((row) => [row.id, row]));
}

/**
 * The plaintext of a stored message, decrypted and checked against its stored hash (PROPERTIES 37).
 * Throws AppError(RAW_INTEGRITY) when it cannot be opened or does not match: never guess.
 */
export function inboundPlaintext(row: Pick<InboundRow, 'raw' | 'sha256'>, key: Buffer): Buffer {
  const opened = openRaw(row.raw, key, row.sha256);
  if (!opened.ok) throw new AppError(ErrorCodes.RAW_INTEGRITY, `raw message ${opened.reason}`);
  return opened.raw;
}

/** Marks the row done; returns its ingest lag in seconds, on the database's clock (null if no row). */
export async function finishInbound(
  q: Queryable,
  id: number,
  f: {
    status: InboundStatus;
    kind?: string | null;
    reason?: string | null;
    error?: string | null;
    messageId?: string | null;
    consultationId?: number | null;
    /** How many times ingest tried it (the job's attempts), for a message held after repeated failures. */
    attempts?: number | null;
  },
): Promise<number | null> {
  const r = await q.query<{ lag: number }>(
    `UPDATE inbound_messages SET status = $2, kind = $3, reason = $4, error = $5, message_id = COALESCE($6, message_id),
       consultation_id = COALESCE($7, consultation_id), attempts = COALESCE($8, attempts), processed_at = now() WHERE id = $1
     RETURNING EXTRACT(EPOCH FROM (processed_at - received_at))::float8 AS lag`,
    [id, f.status, f.kind ?? null, f.reason ?? null, f.error ?? null, f.messageId ?? null, f.consultationId ?? null, f.attempts ?? null],
  );
  return r.rows[0]?.lag ?? null;
}
