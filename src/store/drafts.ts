import type { Queryable } from './db.ts';

export interface DraftRow {
  id: number;
  consultation_id: number;
  round: number;
  version: number;
  subject: string;
  body_text: string;
  facts: Record<string, unknown>;
  author_id: number | null;
  created_at: Date;
}

/** The engine's drafts for many consultations in one statement; a retry finds its rows already there. */
export async function saveEngineDrafts(
  q: Queryable,
  ds: { consultationId: number; round: number; subject: string; bodyText: string; facts: unknown }[],
): Promise<void> {
  if (!ds.length) return;
  await q.query(
    `INSERT INTO drafts (consultation_id, round, version, subject, body_text, facts)
     SELECT x.consultation_id, x.round, 1, x.subject, x.body_text, x.facts
     FROM jsonb_to_recordset($1::jsonb) AS x(consultation_id int, round int, subject text, body_text text, facts jsonb)
     ON CONFLICT (consultation_id, round, version) DO NOTHING`,
    [JSON.stringify(ds.map((d) => ({ consultation_id: d.consultationId, round: d.round, subject: d.subject, body_text: d.bodyText, facts: d.facts })))],
  );
}

/** A reviewer's edit: a new version of the round's draft. */
export async function saveEditedDraft(
  q: Queryable,
  d: { consultationId: number; round: number; subject: string; bodyText: string; facts: unknown; authorId: number },
): Promise<DraftRow> {
  const r = await q.query<DraftRow>(
    `INSERT INTO drafts (consultation_id, round, version, subject, body_text, facts, author_id)
     SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6 FROM drafts WHERE consultation_id = $1 AND round = $2
     RETURNING *`,
    [d.consultationId, d.round, d.subject, d.bodyText, JSON.stringify(d.facts), d.authorId],
  );
  return r.rows[0];
}

export async function currentDraft(q: Queryable, consultationId: number, round?: number): Promise<DraftRow | null> {
  const r = await q.query<DraftRow>(
    `SELECT * FROM drafts WHERE consultation_id = $1 ${round ? 'AND round = $2' : ''} ORDER BY round DESC, version DESC LIMIT 1`,
    round ? [consultationId, round] : [consultationId],
  );
  return r.rows[0] ?? null;
}
