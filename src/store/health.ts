// A real round trip to the database, for the readiness probe.
import type { Queryable } from './db.ts';

export async function pingDb(q: Queryable): Promise<void> {
  await q.query('SELECT 1');
}
