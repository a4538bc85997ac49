// One small interface over PostgreSQL (pg) and PGlite, so every repository runs the same SQL on both.
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Keep the statement prepared on each connection, so the server parses and plans it once. Only for
   * statements whose best plan cannot depend on table sizes (lookups by primary key): a generic plan
   * chosen while a table was nearly empty (a sequential scan) is kept as the table grows, which made
   * the batched quota count read every consultation. PGlite ignores it.
   */
  prepare?: boolean;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<QueryResult<T>>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** Runs fn in one transaction; rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements at once (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
