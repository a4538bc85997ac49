import type { Queryable } from './db.ts';

/** This database's identity (migration 006), which names its queues' namespace in Redis. */
export async function installationId(q: Queryable): Promise<string> {
  const r = await q.query<{ id: string }>('SELECT id FROM installation');
  if (!r.rows[0]) throw new Error('installation: no identity row; run the migrations');
  return r.rows[0].id;
}
