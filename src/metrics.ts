// Prometheus metrics. Counters and histograms live in the process that does the work; gauges that
// describe the whole system (queue depths, overdue consultations) are read at scrape time.
import client from 'prom-client';
import type { AppContext } from './context.ts';
import { allQueues } from './queue/queues.ts';
import { OPEN_STATUSES } from './store/consultations.ts';
import { ttlMemo } from './ttl-memo.ts';
import { mailboxOverview } from './mail/mailbox-overview.ts';

export const registry = new client.Registry();
// Node's own metrics as cc_process_cpu_seconds_total, cc_nodejs_heap_size_used_bytes, ...
client.collectDefaultMetrics({ register: registry, prefix: 'cc_' });

export const jobDuration = new client.Histogram({
  name: 'cc_job_duration_seconds',
  help: 'Time a job spent in its handler, by queue and outcome',
  labelNames: ['queue', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const ingestLag = new client.Histogram({
  name: 'cc_ingest_lag_seconds',
  help: 'From the raw message being stored to its consultation being persisted',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  registers: [registry],
});

export const sends = new client.Counter({
  name: 'cc_sends_total',
  help: 'Outbound messages by kind and outcome',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const inboundClassified = new client.Counter({
  name: 'cc_inbound_total',
  help: 'Inbound messages by outcome (question, follow_up, auto_reply, bounce, ...)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

export const oauth2Refreshes = new client.Counter({
  name: 'cc_oauth2_refreshes_total',
  help: 'OAuth2 access-token refreshes at the provider by outcome (ok, rotated: a new refresh token was stored, failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const pollerLeases = new client.Gauge({
  name: 'cc_poller_lease_held',
  help: 'Mailboxes this poller holds the lease of, valued by the fencing token',
  labelNames: ['mailbox'] as const,
  registers: [registry],
});

/** The gauges below describe the whole deployment, not one process: they carry no process label. */
export const SYSTEM_GAUGES: ReadonlySet<string> = new Set(['cc_queue_jobs', 'cc_consultations', 'cc_due_breaches', 'cc_outbound_messages', 'cc_inbound_messages', 'cc_mailbox_lease']);

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
      const r = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM consultations WHERE due_at < now() AND status IN ('received', 'drafting', 'awaiting_review', 'approved')`,
      );
      this.set(r.rows[0].n);
    },
  });
  statusGauge(ctx, {
    name: 'cc_outbound_messages',
    help: 'Outbound messages per kind and status (sent, bounced, failed, ...)',
    table: 'outbound_messages',
    labels: ['kind', 'status'],
    open: ['queued', 'sending'],
  });
  statusGauge(ctx, {
    name: 'cc_inbound_messages',
    help: 'Inbound messages per status (received, processed, ignored, quarantined, failed, ...)',
    table: 'inbound_messages',
    labels: ['status'],
    open: ['received', 'quarantined', 'failed'],
  });
}

/**
 * Rows per status (and other labels) of a table that only grows. The statuses a row can still leave,
 * the backlog an operator acts on, are counted at every scrape through the status index; the settled
 * ones grow without end and take a pass over the table (~130 ms per million rows here), so they are
 * counted at most once per METRICS_SETTLED_SECONDS.
 */
function statusGauge(ctx: AppContext, g: { name: string; help: string; table: string; labels: string[]; open: readonly string[] }): void {
  type Row = Record<string, string> & { n: number };
  const cols = g.labels.join(', ');
  const count = async (where: string) =>
    (await ctx.db.query<Row>(`SELECT ${cols}, count(*)::int AS n FROM ${g.table} WHERE ${where} GROUP BY ${cols}`, [[...g.open]])).rows;
  const settled = ttlMemo(() => ctx.config.METRICS_SETTLED_SECONDS * 1000, () => count('status <> ALL($1::text[])'));
  new client.Gauge({
    name: g.name,
    help: g.help,
    labelNames: g.labels,
    registers: [registry],
    async collect() {
      const [live, done] = await Promise.all([count('status = ANY($1::text[])'), settled()]);
      this.reset();
      for (const { n, ...labels } of [...live, ...done]) this.set(labels, n);
    },
  });
}
