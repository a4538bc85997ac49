// The process parts (web, poller, workers) and their orderly shutdown.
// Each part loads its own modules when it starts (dynamic imports below), so a poller holds no
// drafting, knowledge base or web console, and a draft worker no mail parser: a process's memory is
// what its part needs (see README, Memory).
import type { Worker, Job } from 'bullmq';
import type { AppContext } from './context.ts';
import { closeContext } from './context.ts';
import type { MailSource } from './mail/sources/types.ts';
import type { QueueName, IngestJob } from './queue/contracts.ts';
import { startWorker } from './queue/worker.ts';
import { warmTransport } from './send/lazy-transport.ts';
import { MicroBatcher } from './queue/batcher.ts';
import { finishInbound, getInbound } from './store/inbound.ts';
import { inboundClassified } from './metrics.ts';
import { outcomeRule, type IngestOutcome } from './mail/ingest-outcome.ts';
import { errorFields, errorText } from './log-error.ts';

export interface Running {
  stop(): Promise<void>;
  /** The web server's port, when the web part runs. */
  port?: number;
}

/**
 * A message that keeps failing is quarantined with its error on its last attempt, where an admin can
 * reprocess or discard it; it never blocks the ones behind it.
 */
async function ingestOrQuarantine(ctx: AppContext, batcher: MicroBatcher<number, IngestOutcome>, data: IngestJob, job: Job): Promise<unknown> {
  let outcome: IngestOutcome;
  try {
    outcome = await batcher.submit(data.inboundId);
  } catch (err) {
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      // Only a message still waiting is quarantined: one whose ingest committed and then failed on a
      // later step (an enqueue during a Redis outage) keeps its consultation and its 'processed' status.
      // A failed quarantine write is logged, not swallowed, and the job's own error still goes up.
      try {
        const row = await getInbound(ctx.db, data.inboundId);
        if (row?.status === 'received') {
          await finishInbound(ctx.db, data.inboundId, { status: 'quarantined', reason: 'poison', error: errorText(err, 500), attempts: job.attemptsMade + 1 });
          ctx.log.error({ inboundId: data.inboundId, err: errorFields(err) }, 'inbound quarantined after repeated failures');
        }
      } catch (qerr) {
        ctx.log.error(
          { inboundId: data.inboundId, err: errorFields(qerr), jobErr: errorFields(err) },
          'inbound not quarantined: recording the quarantine failed',
        );
      }
    }
    throw err;
  }
  // Ingest lag is observed where the consultation is committed (workers/ingest-message.ts).
  const metric = outcomeRule(outcome).metric;
  if (metric) inboundClassified.inc({ kind: metric });
  return outcome;
}

export const ALL_WORKER_QUEUES: QueueName[] = ['ingest', 'draft', 'notify', 'send', 'sweep'];

export async function startWorkers(ctx: AppContext, queues: QueueName[] = ALL_WORKER_QUEUES): Promise<Running> {
  const workers: Worker[] = [];
  for (const q of queues) {
    if (q === 'ingest') {
      const { handleIngestBatch } = await import('../workers/ingest.ts');
      const batcher = new MicroBatcher<number, IngestOutcome>((ids) => handleIngestBatch(ctx, ids), ctx.config.INGEST_CONCURRENCY);
      workers.push(startWorker(ctx, 'ingest', (c, d, job) => ingestOrQuarantine(c, batcher, d, job), ctx.config.INGEST_CONCURRENCY));
    }
    if (q === 'draft') {
      const { draftKey, handleDraftBatch } = await import('../workers/draft.ts');
      const batcher = new MicroBatcher<string, string>((keys) => handleDraftBatch(ctx, keys), ctx.config.DRAFT_CONCURRENCY);
      workers.push(startWorker(ctx, 'draft', (_c, d) => batcher.submit(draftKey(d)), ctx.config.DRAFT_CONCURRENCY));
    }
    if (q === 'notify') {
      const { handleNotify } = await import('../workers/notify.ts');
      workers.push(startWorker(ctx, 'notify', (c, d) => handleNotify(c, d)));
    }
    if (q === 'send') {
      const [{ handleSend }, { createReconciler }, { envImapTarget }] = await Promise.all([
        import('../workers/send.ts'),
        import('./send/reconcile.ts'),
        import('./mail/mailbox-specs.ts'),
      ]);
      const reconcile = createReconciler(ctx.config, envImapTarget(ctx));
      await warmTransport(ctx.transport);
      // A few SMTP connections at a time per process keeps the receiving server's rate limits happy.
      workers.push(startWorker(ctx, 'send', (c, d) => handleSend(c, d, reconcile), Math.min(4, ctx.config.WORKER_CONCURRENCY)));
    }
    if (q === 'sweep') {
      const { handleSweep, scheduleSweep } = await import('../workers/sweep.ts');
      workers.push(startWorker(ctx, 'sweep', (c) => handleSweep(c), 1));
      const schedule = () =>
        scheduleSweep(ctx, ctx.config.SWEEP_INTERVAL_SECONDS * 1000).catch((err) => ctx.log.warn({ err: errorFields(err) }, 'sweep not scheduled'));
      schedule();
      // A Redis that lost its data (restart without persistence, failover to an empty replica) lost the
      // schedule with it, and the sweep is what heals the other lost jobs: register it again on every
      // reconnect. Upserting the same scheduler is idempotent.
      ctx.producers
        .queue('sweep')
        .getBackend()
        .client.then((c) => c.on('ready', () => void schedule()))
        .catch((err) => ctx.log.warn({ err: errorFields(err) }, 'sweep not re-scheduled on Redis reconnects'));
    }
  }
  return {
    // close() lets active jobs finish and takes no new ones.
    stop: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/**
 * IMAP mailboxes (IMAP_URL and the mailboxes table) under a lease each, so several pollers fail over;
 * mailboxes added later are taken up as they come. Without any at start, also the Maildir inbox of
 * the embedded default.
 */
export async function startPoller(ctx: AppContext): Promise<Running> {
  const [{ startMailboxPoller }, { listMailboxes }, { startMaildirSource }] = await Promise.all([
    import('./mail/poller.ts'),
    import('./store/mailboxes.ts'),
    import('./mail/sources/maildir.ts'),
  ]);
  const sources: MailSource[] = [startMailboxPoller(ctx)];
  if (!ctx.config.IMAP_URL && !(await listMailboxes(ctx.db)).length) sources.push(startMaildirSource(ctx, ctx.config.paths.maildir));
  return { stop: async () => void (await Promise.all(sources.map((s) => s.stop()))) };
}

export async function startWeb(ctx: AppContext): Promise<Running> {
  const { buildServer } = await import('./review/server.ts');
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
      for (const p of [...parts].reverse()) await p.stop().catch((err) => ctx.log.warn({ err: errorFields(err) }, 'stop failed'));
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
