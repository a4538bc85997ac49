import type { Queryable } from './db.ts';

type AuditEntry = { userId?: number | null; action: string; consultationId?: number | null; detail?: Record<string, unknown> };

/** Many entries in one statement. */
export async function auditMany(q: Queryable, es: AuditEntry[]): Promise<void> {
  if (!es.length) return;
  await q.query(
    `INSERT INTO audit_log (user_id, action, consultation_id, detail)
     SELECT x.user_id, x.action, x.consultation_id, x.detail
     FROM jsonb_to_recordset($1::jsonb) AS x(user_id int, action text, consultation_id int, detail jsonb)`,
    [JSON.stringify(es.map((e) => ({ user_id: e.userId ?? null, action: e.action, consultation_id: e.consultationId ?? null, detail: e.detail ?? {} })))],
  );
}

/** Append-only: nothing in the project updates or deletes audit rows. */
export async function audit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query('INSERT INTO audit_log (user_id, action, consultation_id, detail) VALUES ($1, $2, $3, $4)', [
    e.userId ?? null,
    e.action,
    e.consultationId ?? null,
    JSON.stringify(e.detail ?? {}),
  ]);
}
