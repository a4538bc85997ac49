import type { Queryable } from './db.ts';

export interface MailboxCursor {
  uidvalidity: number;
  lastUid: number;
}

export async function getCursor(q: Queryable, mailbox: string): Promise<MailboxCursor | null> {
  const r = await q.query<{ uidvalidity: string | number; last_uid: string | number }>(
    'SELECT uidvalidity, last_uid FROM mailbox_cursors WHERE mailbox = $1',
    [mailbox],
  );
  const row = r.rows[0];
  return row ? { uidvalidity: Number(row.uidvalidity), lastUid: Number(row.last_uid) } : null;
}

/** Moves the cursor forward only; a stale writer can never move it back. A new UIDVALIDITY resets it. */
export async function saveCursor(q: Queryable, mailbox: string, c: MailboxCursor): Promise<void> {
  await q.query(
    `INSERT INTO mailbox_cursors (mailbox, uidvalidity, last_uid) VALUES ($1, $2, $3)
     ON CONFLICT (mailbox) DO UPDATE SET
       last_uid = CASE WHEN mailbox_cursors.uidvalidity = EXCLUDED.uidvalidity
                       THEN GREATEST(mailbox_cursors.last_uid, EXCLUDED.last_uid) ELSE EXCLUDED.last_uid END,
       uidvalidity = EXCLUDED.uidvalidity, updated_at = now()`,
    [mailbox, c.uidvalidity, c.lastUid],
  );
}
