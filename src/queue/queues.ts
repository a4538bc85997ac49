// Connections and producers. Workers get connections that retry forever; producers fail fast
// (BullMQ "going to production"), so an API call never hangs on a missing Redis.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { Config } from '../config.ts';
import { contracts, jobIds, QueueNames, type JobDataOf, type QueueName } from './contracts.ts';

export function redisConnection(url: string, role: 'worker' | 'producer'): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number(u.pathname.replace('/', '') || 0),
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (times: number) => Math.min(200 * 2 ** Math.min(times, 6), 10_000),
  };
}

export function defaultJobOptions(config: Pick<Config, 'JOB_ATTEMPTS'>): DefaultJobOptions {
  return {
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: 1000 },
    // Completed jobs are kept a while so a duplicate enqueue within that window is a no-op;
    // failed ones stay visible (the database keeps the truth either way).
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

export class Producers {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly config: Pick<Config, 'REDIS_URL' | 'JOB_ATTEMPTS'>;
  private readonly prefix: string;

  /** prefix: the database's namespace, QUEUE_PREFIX:<installation id> (AppContext.queuePrefix). */
  constructor(config: Pick<Config, 'REDIS_URL' | 'JOB_ATTEMPTS'>, prefix: string) {
    this.config = config;
    this.prefix = prefix;
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: redisConnection(this.config.REDIS_URL, 'producer'),
        prefix: this.prefix,
        defaultJobOptions: defaultJobOptions(this.config),
      });
      q.on('error', () => {});
      this.queues.set(name, q);
    }
    return q;
  }

  /** Validates the data against its contract and enqueues it under its deterministic id. */
  async add<K extends QueueName>(name: K, data: JobDataOf[K]): Promise<void> {
    const parsed = contracts[name].parse(data) as JobDataOf[K];
    await this.queue(name).add(name, parsed, { jobId: (jobIds[name] as (d: JobDataOf[K]) => string)(parsed) });
  }

  /** Many jobs of one queue in one round trip; ids stay deterministic, so duplicates are no-ops. */
  async addBulk<K extends QueueName>(name: K, items: JobDataOf[K][]): Promise<void> {
    if (!items.length) return;
    const jobs = items.map((d) => {
      const parsed = contracts[name].parse(d) as JobDataOf[K];
      return { name, data: parsed, opts: { jobId: (jobIds[name] as (x: JobDataOf[K]) => string)(parsed) } };
    });
    await this.queue(name).addBulk(jobs);
  }

  /**
   * Makes sure the job for this work exists and will run: adds it when missing, retries it when it
   * failed only because its workers kept dying (stalled), never when its handler failed it, and runs a
   * completed one again ('rerun'). The caller knows the work is not done: a completed job under its id
   * is one left in Redis from before the database was restored from a backup (its rows since then were
   * made again with the same ids), or a run that ended without finishing. Handlers are idempotent, so it is safe.
   */
  async ensure<K extends QueueName>(name: K, data: JobDataOf[K]): Promise<'added' | 'retried' | 'rerun' | 'present'> {
    const parsed = contracts[name].parse(data) as JobDataOf[K];
    const id = (jobIds[name] as (d: JobDataOf[K]) => string)(parsed);
    const job = await this.queue(name).getJob(id);
    if (!job) {
      await this.queue(name).add(name, parsed, { jobId: id });
      return 'added';
    }
    const state = await job.getState();
    if (state === 'failed' && /stalled/i.test(job.failedReason ?? '')) {
      await job.retry('failed');
      return 'retried';
    }
    if (state === 'completed') {
      await job.retry('completed');
      return 'rerun';
    }
    return 'present';
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

export const allQueues = Object.values(QueueNames);
