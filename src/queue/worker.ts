// Runs one queue's handler with validated job data, retries with backoff, and a clean close.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { AppContext } from '../context.ts';
import { contracts, type JobDataOf, type QueueName } from './contracts.ts';
import { redisConnection } from './queues.ts';
import { jobDuration } from '../metrics.ts';
import { errorFields } from '../log-error.ts';

export type Handler<K extends QueueName> = (ctx: AppContext, data: JobDataOf[K], job: Job) => Promise<unknown>;

export function startWorker<K extends QueueName>(ctx: AppContext, name: K, handler: Handler<K>, concurrency = ctx.config.WORKER_CONCURRENCY): Worker {
  const worker = new Worker(
    name,
    async (job) => {
      const parsed = contracts[name].safeParse(job.data);
      // A job that breaks its contract can never succeed: fail it at once, visibly.
      if (!parsed.success) throw new UnrecoverableError(`job ${job.id} breaks the ${name} contract`);
      const end = jobDuration.startTimer({ queue: name });
      try {
        const out = await handler(ctx, parsed.data as JobDataOf[K], job);
        end({ outcome: 'completed' });
        return out;
      } catch (err) {
        end({ outcome: 'failed' });
        throw err;
      }
    },
    {
      connection: redisConnection(ctx.config.REDIS_URL, 'worker'),
      prefix: ctx.queuePrefix,
      concurrency,
      autorun: true,
      lockDuration: ctx.config.JOB_LOCK_SECONDS * 1000,
      stalledInterval: ctx.config.JOB_LOCK_SECONDS * 1000,
      // A worker killed mid-job is not the job's fault: let it be picked up again several times.
      maxStalledCount: 10,
    },
  );
  worker.on('failed', (job, err) => ctx.log.warn({ queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: errorFields(err) }, 'job failed'));
  worker.on('error', (err) => ctx.log.error({ queue: name, err: errorFields(err) }, 'worker error'));
  return worker;
}
