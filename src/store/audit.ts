import type { Queryable } from './db.ts';

/** Append-only: nothing in the project updates or deletes audit rows. */
export async function audit(
  q: Queryable,
  e: { userId?: number | null; action: string; consultationId?: number | null; detail?: Record<string, unknown> },
): Promise<void> {
  await q.query('INSERT INTO audit_log (user_id, action, consultation_id, detail) VALUES ($1, $2, $3, $4)', [
    e.userId ?? null,
    e.action,
    e.consultationId ?? null,
    JSON.stringify(e.detail ?? {}),
  ]);
}
