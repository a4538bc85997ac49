import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.ts';
import { acquirePgliteLock } from './pglite-lock.ts';

function normalize<T>(rows: unknown[]): T[] {
  // PGlite returns bytea as Uint8Array where pg returns Buffer; repositories expect Buffer.
  for (const row of rows as Record<string, unknown>[]) {
    for (const k of Object.keys(row)) {
      const v = row[k];
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      else if (typeof v === 'bigint') row[k] = Number(v);
    }
  }
  return rows as T[];
}

export async function openPglite(dir: string): Promise<Db> {
  fs.mkdirSync(dir, { recursive: true });
  // One process at a time (see pglite-lock.ts): refused here, before a write could be silently lost.
  const lock = acquirePgliteLock(dir);
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (err) {
    lock.release();
    throw err;
  }
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await q.query(sql, params as unknown[]);
      return { rows: normalize<T>(r.rows), rowCount: r.affectedRows ?? r.rows.length };
    },
  });
  const top = wrap(db);
  return {
    kind: 'pglite',
    query: top.query,
    tx: (fn) => db.transaction((t) => fn(wrap(t))),
    async exec(sql) {
      await db.exec(sql);
    },
    async close() {
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
