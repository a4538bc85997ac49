// The process parts (web, poller, workers) and their orderly shutdown.
import type { Worker } from 'bullmq';
import type { AppContext } from './context.ts';
import { closeContext } from './context.ts';
import { startImapSource, parseImapUrl } from './mail/sources/imap.ts';
import { startMaildirSource, type MailSource } from './mail/sources/maildir.ts';
import type { QueueName } from './queue/contracts.ts';
import { startWorker } from './queue/worker.ts';
import { buildServer } from './review/server.ts';
import { handleDraft } from '../workers/draft.ts';
import { handleIngest } from '../workers/ingest.ts';
import { handleNotify } from '../workers/notify.ts';
import { handleSend } from '../workers/send.ts';

export interface Running {
  stop(): Promise<void>;
  /** The web server's port, when the web part runs. */
  port?: number;
}

export function startWorkers(ctx: AppContext, queues: QueueName[] = ['ingest', 'draft', 'notify', 'send']): Running {
  const workers: Worker[] = [];
  for (const q of queues) {
    if (q === 'ingest') workers.push(startWorker(ctx, 'ingest', (c, d) => handleIngest(c, d)));
    if (q === 'draft') workers.push(startWorker(ctx, 'draft', (c, d) => handleDraft(c, d)));
    if (q === 'notify') workers.push(startWorker(ctx, 'notify', (c, d) => handleNotify(c, d)));
    // One SMTP connection at a time per worker keeps the receiving server's rate limits happy.
    if (q === 'send') workers.push(startWorker(ctx, 'send', (c, d) => handleSend(c, d), Math.min(4, ctx.config.WORKER_CONCURRENCY)));
  }
  return {
    // close() lets active jobs finish and takes no new ones.
    stop: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

export function startPoller(ctx: AppContext): Running {
  let source: MailSource;
  if (ctx.config.IMAP_URL) {
    source = startImapSource(ctx, parseImapUrl(ctx.config.IMAP_URL), { archiveMailbox: ctx.config.IMAP_ARCHIVE_MAILBOX || undefined });
  } else {
    source = startMaildirSource(ctx, ctx.config.paths.maildir);
  }
  return { stop: () => source.stop() };
}

export async function startWeb(ctx: AppContext): Promise<Running> {
  const app = await buildServer(ctx);
  await app.listen({ port: ctx.config.PORT, host: ctx.config.HOST });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : ctx.config.PORT;
  ctx.log.info({ port }, 'web listening');
  return { port, stop: () => app.close() };
}

/** Stops the parts in reverse order, then closes connections; exits hard if that takes over 25 s. */
export function onShutdown(ctx: AppContext, parts: Running[]): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      const hard = setTimeout(() => {
        ctx.log.error('shutdown took too long, exiting');
        process.exit(1);
      }, 25_000);
      hard.unref();
      for (const p of [...parts].reverse()) await p.stop().catch((err) => ctx.log.warn({ err: { message: (err as Error).message } }, 'stop failed'));
      await closeContext(ctx);
      clearTimeout(hard);
    })();
    return stopping;
  };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      ctx.log.info({ signal: sig }, 'shutting down');
      stop().then(() => process.exit(0));
    });
  }
  return stop;
}
