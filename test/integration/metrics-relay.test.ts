// A deployment split into processes (web, poller, worker, as in the Procfile) still shows on the web's
// /metrics what the poller and the worker did: each publishes its metrics through Redis, and each
// series carries the process it came from; a process that stopped drops out after three intervals.
import assert from 'node:assert/strict';
import { jest, beforeAll, afterAll, describe, it } from '@jest/globals';
import { startDovecot, appendMessage, type Dovecot } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { ProcessGroup } from '../support/processes.ts';
import { waitFor } from '../support/net.ts';
import { mail } from '../support/mail.ts';
import { parseMetrics, samples, sumOf } from '../support/metrics.ts';

// node:test bounded the whole suite by this; jest bounds each test and hook by it.
jest.setTimeout(90_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const MAILBOX = 'consult@example.test';

describe('metrics of poller and worker processes on the web’s /metrics', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let web: TestApp;
  let group: ProcessGroup;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    [dovecot, smtp, db] = await Promise.all([startDovecot(), startSmtpSink(), createTestDatabase()]);
    const env = {
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: REDIS_URL, prefix }),
      METRICS_PUBLISH_SECONDS: '1',
      LOG_LEVEL: 'silent',
    };
    web = await startTestApp(env, { poller: false, workers: false });
    group = new ProcessGroup(env);
    group.add('poller', ['poller']);
    group.add('worker', ['worker']);
  });

  afterAll(async () => {
    await group?.stopAll();
    await web?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  const scrape = async () => parseMetrics(await (await fetch(`${web.baseUrl}/metrics`)).text());
  const fromWorker = { process: /^worker@/ };

  it('shows each process’s work under its own label, and drops a stopped process', async () => {
    for (let i = 0; i < 3; i++) {
      await appendMessage(
        dovecot,
        MAILBOX,
        mail({
          from: `Coder ${i} <coder${i}@clinic${i}.example>`,
          subject: `Is M80.0${i} billable?`,
          body: 'Or does it need a 7th character?',
          messageId: `<relay-${i}@clinic.example>`,
        }),
      );
    }
    const q = (sql: string) => web.ctx.db.query<{ n: number }>(sql).then((r) => r.rows[0].n);
    await waitFor(
      'three drafts and three acknowledgements sent',
      async () =>
        (await q(`SELECT count(*)::int AS n FROM consultations WHERE status = 'awaiting_review'`)) === 3 &&
        (await q(`SELECT count(*)::int AS n FROM outbound_messages WHERE kind = 'ack' AND status = 'sent'`)) === 3,
      60_000,
      100,
    );

    // Published at least once more after the last job finished. A draft job's duration is observed when
    // the job completes, after its consultation is already awaiting review, and the acknowledgements go
    // out independently of drafting: so wait for both the sends and the draft jobs to be relayed.
    const all = await waitFor(
      'the worker’s sends and draft jobs on /metrics',
      async () => {
        const m = await scrape();
        const sent = sumOf(m, 'cc_sends_total', { kind: 'ack', outcome: 'sent', ...fromWorker });
        const drafted = sumOf(m, 'cc_job_duration_seconds_count', { queue: 'draft', outcome: 'completed', ...fromWorker });
        return sent === 3 && drafted >= 3 ? m : null;
      },
      10_000,
      250,
    );
    assert.equal(sumOf(all, 'cc_ingest_lag_seconds_count', fromWorker), 3, 'ingest lag, once per question');
    assert.equal(sumOf(all, 'cc_job_duration_seconds_count', { queue: 'draft', outcome: 'completed', ...fromWorker }), 3, 'draft job durations');
    assert.ok(sumOf(all, 'cc_job_duration_seconds_count', { queue: 'ingest', outcome: 'completed', ...fromWorker }) >= 3, 'ingest job durations');
    assert.ok(samples(all, 'cc_process_cpu_user_seconds_total', { process: /^poller@/ }).length === 1, 'the poller is there too');
    assert.ok(samples(all, 'cc_process_cpu_user_seconds_total', { process: /^app@/ }).length === 1, 'and the web process itself');
    // Whole-deployment gauges come once, from the web process, without a process label.
    const depth = samples(all, 'cc_queue_jobs', { queue: 'ingest', state: 'waiting' });
    assert.equal(depth.length, 1);
    assert.equal(depth[0].labels.process, undefined);

    await group.kill(group.parts[1], 'SIGTERM');
    const gone = await waitFor(
      'the stopped worker dropped',
      async () => {
        const m = await scrape();
        return samples(m, 'cc_process_cpu_user_seconds_total', fromWorker).length === 0 ? m : null;
      },
      10_000,
      500,
    );
    assert.equal(samples(gone, 'cc_process_cpu_user_seconds_total', { process: /^poller@/ }).length, 1, 'while the running poller stays');
  });
});
