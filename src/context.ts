// What every process part needs, opened once and closed once.
import type { Config } from './config.ts';
import { log, type Logger } from './log.ts';
import { Producers } from './queue/queues.ts';
import type { MailTransport } from './send/transport.ts';
import { lazyTransport } from './send/lazy-transport.ts';
import type { Db } from './store/db.ts';
import { installationId } from './store/installation.ts';
import { migrate } from './store/migrate.ts';
import { openDb } from './store/open.ts';

export interface AppContext {
  config: Readonly<Config>;
  db: Db;
  producers: Producers;
  transport: MailTransport;
  log: Logger;
  /** Which parts this process runs (start, web, poller, worker): names its database sessions and metrics. */
  part: string;
  /** Where this database's queues live in Redis: QUEUE_PREFIX:<installation id>. */
  queuePrefix: string;
}

/** part: which parts this process runs ("poller", "worker"), shown to the database as caseconsultant-<part>. */
export async function createContext(config: Readonly<Config>, opts: { migrate?: boolean; part?: string } = {}): Promise<AppContext> {
  const db = await openDb(config, opts.part ? `caseconsultant-${opts.part}` : undefined);
  if (opts.migrate) await migrate(db);
  const queuePrefix = `${config.QUEUE_PREFIX}:${await installationId(db)}`;
  const transport = lazyTransport(config.SMTP_URL ? 'smtp' : 'file', async () => {
    const [{ createTransport }, { envSmtpTokens }] = await Promise.all([import('./send/transport.ts'), import('./mail/mailbox-specs.ts')]);
    return createTransport(config, envSmtpTokens({ db, config }));
  });
  return { config, db, producers: new Producers(config, queuePrefix), transport, log, part: opts.part ?? 'app', queuePrefix };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.producers.close().catch(() => {});
  ctx.transport.close();
  await ctx.db.close().catch(() => {});
}
