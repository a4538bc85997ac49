// A mailbox's cursor: (UIDVALIDITY, last committed UID), and the fencing token of the poller lease
// that last wrote it. A poller whose lease passed to another holds a lower token: every write of its
// is refused, so a stale holder (paused, partitioned, slow to notice) can never move the cursor.
import { AppError, ErrorCodes } from '../errors.ts';
import type { Queryable } from './db.ts';

export interface MailboxCursor {
  uidvalidity: number;
  lastUid: number;
}

export class FencedOut extends AppError {
  constructor(mailbox: string, fence: number) {
    super(ErrorCodes.LEASE_LOST, `poller lease on ${mailbox} passed to another holder (our fence ${fence} is stale)`);
  }
}

export async function getCursor(q: Queryable, mailbox: string): Promise<MailboxCursor | null> {
  const r = await q.query<{ uidvalidity: string | number; last_uid: string | number }>('SELECT uidvalidity, last_uid FROM mailbox_cursors WHERE mailbox = $1', [
    mailbox,
  ]);
  const row = r.rows[0];
  return row ? { uidvalidity: Number(row.uidvalidity), lastUid: Number(row.last_uid) } : null;
}

/**
 * Takes the cursor for a lease holder: records its fencing token (refused when a newer holder's is
 * there) and returns the cursor (null: none yet, created at this UIDVALIDITY from 0).
 */
export async function claimCursor(q: Queryable, mailbox: string, uidvalidity: number, fence: number): Promise<{ cursor: MailboxCursor | null }> {
  const before = await getCursor(q, mailbox);
  const r = await q.query(
    `INSERT INTO mailbox_cursors (mailbox, uidvalidity, last_uid, fence) VALUES ($1, $2, 0, $3)
     ON CONFLICT (mailbox) DO UPDATE SET fence = EXCLUDED.fence, updated_at = now() WHERE mailbox_cursors.fence <= EXCLUDED.fence`,
    [mailbox, uidvalidity, fence],
  );
  if (r.rowCount === 0) throw new FencedOut(mailbox, fence);
  return { cursor: before };
}

/**
 * Moves the cursor forward only; a new UIDVALIDITY resets it. Refused (FencedOut) when a newer lease
 * holder has claimed the cursor since.
 */
export async function saveCursor(q: Queryable, mailbox: string, c: MailboxCursor, fence = 0): Promise<void> {
  const r = await q.query(
    `INSERT INTO mailbox_cursors (mailbox, uidvalidity, last_uid, fence) VALUES ($1, $2, $3, $4)
     ON CONFLICT (mailbox) DO UPDATE SET
       last_uid = CASE WHEN mailbox_cursors.uidvalidity = EXCLUDED.uidvalidity
                       THEN GREATEST(mailbox_cursors.last_uid, EXCLUDED.last_uid) ELSE EXCLUDED.last_uid END,
       uidvalidity = EXCLUDED.uidvalidity, fence = EXCLUDED.fence, updated_at = now()
     WHERE mailbox_cursors.fence <= EXCLUDED.fence`,
    [mailbox, c.uidvalidity, c.lastUid, fence],
  );
  if (r.rowCount === 0) throw new FencedOut(mailbox, fence);
}
