import type { Config } from '../config.ts';
import type { Db } from './db.ts';
import { openPg } from './pg.ts';

/** PostgreSQL when DATABASE_URL is set, else the embedded PGlite under DATA_DIR/db. */
export async function openDb(config: Pick<Config, 'DATABASE_URL' | 'paths'>, applicationName?: string): Promise<Db> {
  if (config.DATABASE_URL) return openPg(config.DATABASE_URL, applicationName);
  // Loaded only when used: PGlite's WebAssembly adds a quarter second to every process start.
  const { openPglite } = await import('./pglite.ts');
  return openPglite(config.paths.pglite);
}
