import type { Config } from '../config.ts';
import type { Db } from './db.ts';
import { openPg } from './pg.ts';
import { openPglite } from './pglite.ts';

/** PostgreSQL when DATABASE_URL is set, else the embedded PGlite under DATA_DIR/db. */
export async function openDb(config: Pick<Config, 'DATABASE_URL' | 'paths'>): Promise<Db> {
  return config.DATABASE_URL ? openPg(config.DATABASE_URL) : openPglite(config.paths.pglite);
}
