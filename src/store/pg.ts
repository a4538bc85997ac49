import crypto from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable, QueryOptions, QueryResult } from './db.ts';

// int8 (bigint counts) as numbers: our counts and ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * JIT off: our statements are short, and a batch statement whose estimated cost crosses
 * jit_above_cost spent ~200 ms compiling to save microseconds. Added after any PGOPTIONS, so it wins.
 */
const sessionOptions = () => [process.env.PGOPTIONS, '-c jit=off'].filter(Boolean).join(' ');

/** applicationName labels this process's sessions in pg_stat_activity, unless the URL or PGAPPNAME names them. */
export function openPg(url: string, applicationName = 'caseconsultant'): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 10_000,
    fallback_application_name: applicationName,
    options: sessionOptions(),
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // A client checked out of the pool has no error listener of its own: when the server goes away
  // between two statements of a transaction, pg emits 'error' on it, which would crash the process.
  // The failing query still rejects, and the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  // A prepared statement's name is derived from its text, so the same text always maps to the same name.
  const names = new Map<string, string>();
  const nameOf = (sql: string) => {
    let n = names.get(sql);
    if (!n) names.set(sql, (n = `cc_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 24)}`));
    return n;
  };
  const run = async <T>(c: pg.Pool | pg.PoolClient, sql: string, params?: unknown[], opts?: QueryOptions): Promise<QueryResult<T>> => {
    const r = opts?.prepare ? await c.query({ name: nameOf(sql), text: sql, values: params as unknown[] }) : await c.query(sql, params as unknown[]);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  };
  return {
    kind: 'pg',
    query: (sql, params, opts) => run(pool, sql, params, opts),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const q: Queryable = { query: (sql, params, opts) => run(client, sql, params, opts) };
        const out = await fn(q);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
