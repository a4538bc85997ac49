// Gauges that describe the whole deployment (queue depths, consultations per status, mailbox leases),
// read from Redis and the database when the web process is scraped.
import client from 'prom-client';
import type { AppContext } from './context.ts';
import { allQueues } from './queue/queues.ts';
import { OPEN_STATUSES } from './store/consultation-status.ts';
import { OPEN_INBOUND_STATUSES, UNSENT_OUTBOUND_STATUSES } from './store/message-status.ts';
import { countByStatus, countDueBreaches, type CountedTable } from './store/counts.ts';
import { ttlMemo } from './ttl-memo.ts';
import { mailboxOverview } from './mail/mailbox-overview.ts';
import { registry } from './metrics.ts';

/** Gauges read from Redis and the database when scraped; registered once per web process. */
export function registerSystemGauges(ctx: AppContext): void {
  if (registry.getSingleMetric('cc_queue_jobs')) return;
  new client.Gauge({
    name: 'cc_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of allQueues) {
        const counts = await ctx.producers.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
      }
    },
  });
  new client.Gauge({
    name: 'cc_mailbox_lease',
    help: 'Poller lease of each mailbox: 1 with the holder poller as label, 0 with holder="" when no poller holds it (nothing is read)',
    labelNames: ['mailbox', 'holder'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const m of await mailboxOverview(ctx)) this.set({ mailbox: m.name, holder: m.lease?.holder ?? '' }, m.lease ? 1 : 0);
    },
  });
  statusGauge(ctx, { name: 'cc_consultations', help: 'Consultations per status', table: 'consultations', labels: ['status'], open: OPEN_STATUSES });
  new client.Gauge({
    name: 'cc_due_breaches',
    help: 'Open consultations past their due time',
    registers: [registry],
    async collect() {
      this.set(await countDueBreaches(ctx.db));
    },
  });
  statusGauge(ctx, {
    name: 'cc_outbound_messages',
    help: 'Outbound messages per kind and status (sent, bounced, failed, ...)',
    table: 'outbound_messages',
    labels: ['kind', 'status'],
    open: UNSENT_OUTBOUND_STATUSES,
  });
  statusGauge(ctx, {
    name: 'cc_inbound_messages',
    help: 'Inbound messages per status (received, processed, ignored, quarantined, failed, ...)',
    table: 'inbound_messages',
    labels: ['status'],
    open: OPEN_INBOUND_STATUSES,
  });
}

/**
 * Rows per status (and other labels) of a table that only grows. The statuses a row can still leave,
 * the backlog an operator acts on, are counted at every scrape through the status index; the settled
 * ones grow without end and take a pass over the table (~130 ms per million rows here), so they are
 * counted at most once per METRICS_SETTLED_SECONDS.
 */
function statusGauge(ctx: AppContext, g: { name: string; help: string; table: CountedTable; labels: string[]; open: readonly string[] }): void {
  const count = (live: boolean) => countByStatus(ctx.db, g.table, g.labels, g.open, live);
  const settled = ttlMemo(
    () => ctx.config.METRICS_SETTLED_SECONDS * 1000,
    () => count(false),
  );
  new client.Gauge({
    name: g.name,
    help: g.help,
    labelNames: g.labels,
    registers: [registry],
    async collect() {
      const [live, done] = await Promise.all([count(true), settled()]);
      this.reset();
      for (const { n, ...labels } of [...live, ...done]) this.set(labels, n);
    },
  });
}
