// What reviewers did to a consultation (the reviews table, one row per action) and their internal notes.
import type { Queryable } from './db.ts';

export type ReviewRecord = 'approve' | 'edit' | 'request_info' | 'reassign' | 'reject';

export async function recordReview(
  q: Queryable,
  r: { consultationId: number; userId: number; action: ReviewRecord; draftId?: number | null; note?: string | null },
): Promise<void> {
  await q.query('INSERT INTO reviews (consultation_id, draft_id, user_id, action, note) VALUES ($1, $2, $3, $4, $5)', [
    r.consultationId,
    r.draftId ?? null,
    r.userId,
    r.action,
    r.note ?? null,
  ]);
}

/** An internal note: for reviewers only, never part of a reply. Returns its id. */
export async function insertNote(q: Queryable, n: { consultationId: number; userId: number; body: string }): Promise<number> {
  const r = await q.query<{ id: number }>('INSERT INTO consultation_notes (consultation_id, user_id, body) VALUES ($1, $2, $3) RETURNING id', [
    n.consultationId,
    n.userId,
    n.body,
  ]);
  return r.rows[0].id;
}
