// Prometheus metrics. Counters and histograms live in the process that does the work; gauges that
// describe the whole system (queue depths, overdue consultations) are read at scrape time
// (metrics-system.ts). This module imports nothing of ours, so any layer may count.
import client from 'prom-client';

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
export const SYSTEM_GAUGES: ReadonlySet<string> = new Set([
  'cc_queue_jobs',
  'cc_consultations',
  'cc_due_breaches',
  'cc_outbound_messages',
  'cc_inbound_messages',
  'cc_mailbox_lease',
]);
