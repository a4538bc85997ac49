// What every process part needs, opened once and closed once.
import type { Config } from './config.ts';
import { log, type Logger } from './log.ts';
import { Producers } from './queue/queues.ts';
import { createTransport, type MailTransport } from './send/transport.ts';
import type { Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { openDb } from './store/open.ts';

export interface AppContext {
  config: Readonly<Config>;
  db: Db;
  producers: Producers;
  transport: MailTransport;
  log: Logger;
}

/** name: which parts this process runs ("poller", "worker"), shown to the database as caseconsultant-<name>. */
export async function createContext(config: Readonly<Config>, opts: { migrate?: boolean; name?: string } = {}): Promise<AppContext> {
  const db = await openDb(config, opts.name ? `caseconsultant-${opts.name}` : undefined);
  if (opts.migrate) await migrate(db);
  return { config, db, producers: new Producers(config), transport: createTransport(config), log };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.producers.close().catch(() => {});
  ctx.transport.close();
  await ctx.db.close().catch(() => {});
}
