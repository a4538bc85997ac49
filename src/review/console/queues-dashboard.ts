// /admin/queues: job counts per queue and the latest failures, read straight from BullMQ.
// Job data holds ids only, so showing it exposes no case text.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { allQueues } from '../../queue/queues.ts';
import type { QueueName } from '../../queue/contracts.ts';
import { requireAdmin } from '../admin-actions.ts';
import { page, signedIn } from './state.ts';

const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'] as const;

export async function queueOverview(ctx: AppContext) {
  return Promise.all(
    allQueues.map(async (name) => {
      const q = ctx.producers.queue(name as QueueName);
      try {
        const [counts, failed] = await Promise.all([q.getJobCounts(...STATES), q.getFailed(0, 9)]);
        return {
          name,
          counts: STATES.map((s) => ({ state: s, n: counts[s] ?? 0 })),
          failed: failed.map((j) => ({
            id: j.id,
            data: JSON.stringify(j.data),
            attempts: j.attemptsMade,
            reason: String(j.failedReason ?? '').slice(0, 300),
            at: j.finishedOn ? new Date(j.finishedOn) : null,
          })),
          error: null as string | null,
        };
      } catch (err) {
        return { name, counts: [], failed: [], error: `Redis unavailable: ${(err as Error).message}` };
      }
    }),
  );
}

export async function registerQueuesDashboard(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/admin/queues', async (req, reply) => {
    requireAdmin(signedIn(req));
    return page(ctx, req, reply, 'admin-queues', 'Queues', { nav: 'admin', tab: 'queues', states: STATES, queues: await queueOverview(ctx) });
  });
}
