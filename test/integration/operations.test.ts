// Production readiness on real servers: UIDVALIDITY changes, poison messages, the sweeper, /readyz,
// /metrics, exactly-once replies after a kill right after the SMTP server accepted, and a graceful
// SIGTERM with jobs active.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { jest, beforeAll, afterAll, describe, it } from '@jest/globals';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { freePort, waitFor } from '../support/net.ts';
import { ProcessGroup } from '../support/processes.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/redis.ts';
import { MAILBOX, appendWithRetry, question, spyLog, startFilingSink, type LogRecord } from '../support/ops.ts';
import { startWorkers, type Running } from '../../src/app.ts';
import { handleSweep } from '../../workers/sweep.ts';
import { parseMetrics, sumOf } from '../support/metrics.ts';

// node:test bounded the whole suite by this; jest bounds each test and hook by it.
jest.setTimeout(240_000);

const SHARED_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dsnFor(originalMessageId: string, to: string): string {
  return [
    'From: MAILER-DAEMON@mx.clinic.example (Mail Delivery System)',
    `To: ${MAILBOX}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <dsn-${Date.now()}@mx.clinic.example>`,
    'MIME-Version: 1.0',
    'Auto-Submitted: auto-replied',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsnb"',
    '',
    '--dsnb',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered.',
    '',
    '--dsnb',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.clinic.example',
    '',
    `Final-Recipient: rfc822; ${to}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    '--dsnb',
    'Content-Type: message/rfc822',
    '',
    `From: CaseConsultant <${MAILBOX}>`,
    `To: ${to}`,
    'Subject: Re: your question',
    `Message-ID: ${originalMessageId}`,
    '',
    'Thank you.',
    '',
    '--dsnb--',
    '',
  ].join('\r\n');
}

describe('operations on one running app', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let redis: PrivateRedis;
  let app: TestApp;
  let adminToken: string;
  let logs: LogRecord[];
  const prefix = uniquePrefix();
  // The admin is routed drafts too, so notifications arrive beside the acknowledgements.
  const acks = () => smtp.messages.filter((m) => m.parsed.headers.get('auto-submitted') === 'auto-replied');
  const q = (sql: string, params: unknown[] = []) => app.ctx.db.query<{ n: number }>(sql, params).then((r) => r.rows[0].n);
  const consultationFor = async (messageId: string) =>
    (await app.ctx.db.query<{ id: number }>(`SELECT consultation_id AS id FROM consultation_messages WHERE direction = 'in' AND message_id = $1`, [messageId]))
      .rows[0]?.id;

  beforeAll(async () => {
    [dovecot, db, redis] = await Promise.all([startDovecot(), createTestDatabase(), startPrivateRedis()]);
    smtp = await startFilingSink(dovecot);
    app = await startTestApp({
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: redis.url, prefix }),
      JOB_ATTEMPTS: '3',
      JOB_LOCK_SECONDS: '4',
      SWEEP_INTERVAL_SECONDS: '5',
    });
    logs = spyLog(app.ctx);
    adminToken = (await app.addUser({ email: 'ada@ops.example', name: 'Ada Admin', role: 'admin' })).token;
  });

  afterAll(async () => {
    await app?.stop().catch(() => {});
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), redis?.stop()]);
  });

  it('/readyz is 200 when all is up and 503 naming Redis or the mailbox when either is down', async () => {
    const ready = async () => {
      const res = await fetch(`${app.baseUrl}/readyz`);
      return { status: res.status, body: (await res.json()) as { ok: boolean; checks: Record<string, { ok: boolean; error?: string }> } };
    };
    const up = await ready();
    assert.equal(up.status, 200);
    assert.deepEqual(Object.fromEntries(Object.entries(up.body.checks).map(([k, v]) => [k, v.ok])), { redis: true, database: true, mailbox: true });

    await redis.stop();
    const t0 = Date.now();
    const noRedis = await ready();
    const noRedisMs = Date.now() - t0;
    await redis.start();
    assert.equal(noRedis.status, 503);
    assert.equal(noRedis.body.checks.redis.ok, false);
    assert.ok(noRedis.body.checks.redis.error, 'the failed check says why');
    assert.equal(noRedis.body.checks.database.ok, true);
    assert.equal(noRedis.body.checks.mailbox.ok, true);
    assert.ok(noRedisMs < 5000, `answers promptly while Redis is down (${noRedisMs} ms)`);
    await waitFor('ready again after Redis', async () => (await ready()).status === 200, 20_000, 200);

    let noMailbox: Awaited<ReturnType<typeof ready>> | null = null;
    await dovecot.restart(async () => {
      noMailbox = await ready();
    });
    assert.equal(noMailbox!.status, 503);
    assert.equal(noMailbox!.body.checks.mailbox.ok, false);
    assert.equal(noMailbox!.body.checks.redis.ok, true);
    await waitFor('ready again after Dovecot', async () => (await ready()).status === 200, 20_000, 200);
    console.log(`readyz: redis-down answered in ${noRedisMs} ms`);
  });

  it('a changed UIDVALIDITY re-lists the mailbox without duplicates, and new mail still comes in', async () => {
    for (let i = 0; i < 3; i++) await appendWithRetry(dovecot, question(i, 'uv'));
    await waitFor('3 consultations', async () => (await q(`SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'processed'`)) >= 3, 30_000, 100);
    await waitFor('3 acknowledgements', () => acks().length >= 3, 30_000, 100);
    const before = {
      inbound: await q('SELECT count(*)::int AS n FROM inbound_messages'),
      consultations: await q('SELECT count(*)::int AS n FROM consultations'),
      acks: acks().length,
      uidvalidity: await q('SELECT uidvalidity::bigint AS n FROM mailbox_cursors'),
    };
    // Dovecot hands out a new UIDVALIDITY when its uid list and index are gone: the same messages reappear
    // under new UIDs (as after a server migration or a mailbox restore).
    const maildir = dovecot.maildir(MAILBOX);
    await dovecot.restart(() => {
      for (const f of fs.readdirSync(maildir)) if (f === 'dovecot-uidlist' || f.startsWith('dovecot.index')) fs.rmSync(path.join(maildir, f));
    });
    await waitFor('cursor reset', async () => (await q('SELECT uidvalidity::bigint AS n FROM mailbox_cursors')) !== before.uidvalidity, 30_000, 100);
    await appendWithRetry(dovecot, question(3, 'uv'));
    await waitFor('new mail after the reset', () => consultationFor('<uv-3@clinic.example>'), 30_000, 100);
    await waitFor('its acknowledgement', () => smtp.messages.some((m) => m.parsed.inReplyTo === '<uv-3@clinic.example>'), 30_000, 100);
    await sleep(1000);

    const inbound = await q('SELECT count(*)::int AS n FROM inbound_messages');
    const consultations = await q('SELECT count(*)::int AS n FROM consultations');
    const resets = logs.filter((l) => l.msg === 'UIDVALIDITY changed, cursor reset');
    console.log(
      `uidvalidity: before=${JSON.stringify(before)} inboundAfter=${inbound} consultationsAfter=${consultations} acksAfter=${acks().length} resetsLogged=${resets.length}`,
    );
    assert.equal(inbound, before.inbound + 1, 'the re-listed messages were recognised, only the new one stored');
    assert.equal(consultations, before.consultations + 1, 'no duplicate consultation');
    assert.equal(acks().length, before.acks + 1, 'no second acknowledgement for the re-listed messages');
    assert.equal(resets.length, 1, 'the cursor reset is logged');
    assert.deepEqual(Object.keys(resets[0].obj).sort(), ['mailbox', 'new', 'old'], 'with no message identifiers');
    const cursor = await app.ctx.db.query<{ last_uid: number }>('SELECT last_uid FROM mailbox_cursors');
    assert.ok(Number(cursor.rows[0].last_uid) >= 4, 'the cursor covers the whole re-listed mailbox');
  });

  it('quarantines a poison message after JOB_ATTEMPTS without blocking the next, then reprocesses or discards it', async () => {
    // A realistic persistent failure: the database refuses this one consultation (a constraint or a
    // trigger gone wrong), on every attempt.
    await app.ctx.db.exec(`
      CREATE FUNCTION cc_test_poison() RETURNS trigger AS $$
      BEGIN IF NEW.subject LIKE 'poison%' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER cc_test_poison BEFORE INSERT ON consultations FOR EACH ROW EXECUTE FUNCTION cc_test_poison();`);
    const t0 = Date.now();
    await appendWithRetry(dovecot, question(1, 'poison'));
    await appendWithRetry(dovecot, question(2, 'poison'));
    await appendWithRetry(dovecot, question(1, 'after'));
    await appendWithRetry(dovecot, question(2, 'after'));
    await waitFor(
      'the next messages',
      async () => (await consultationFor('<after-1@clinic.example>')) && (await consultationFor('<after-2@clinic.example>')),
      30_000,
      100,
    );
    const nextDoneMs = Date.now() - t0;
    const held = await waitFor(
      'both quarantined',
      async () => {
        const r = await app.ctx.db.query<{ id: number; status: string; reason: string; error: string; message_id: string | null; attempts: number }>(
          `SELECT id, status, reason, error, message_id, attempts FROM inbound_messages WHERE status = 'quarantined' AND reason = 'poison' ORDER BY id`,
        );
        return r.rows.length === 2 ? r.rows : null;
      },
      30_000,
      100,
    );
    const quarantinedMs = Date.now() - t0;
    const attempts = await Promise.all(
      held.map((h) =>
        app.ctx.producers
          .queue('ingest')
          .getJob(`in-${h.id}`)
          .then((j) => j?.attemptsMade),
      ),
    );
    console.log(
      `poison: next messages done after ${nextDoneMs} ms, both poison messages quarantined after ${quarantinedMs} ms, job attempts=${attempts.join(',')}`,
    );
    assert.ok(nextDoneMs < quarantinedMs, 'the messages behind the poison ones were not held up');
    for (const h of held) assert.match(h.error, /refused by a test trigger/, 'quarantined with its error');
    assert.deepEqual(attempts, [3, 3], 'after JOB_ATTEMPTS attempts');
    // The admin's held-inbound page shows this column; nothing filled it before.
    assert.deepEqual(
      held.map((h) => h.attempts),
      [3, 3],
      'the row records how many times ingest tried it',
    );
    const listed = await app.api('/api/admin/inbound', { token: adminToken });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body
        .filter((r: { reason: string }) => r.reason === 'poison')
        .map((r: { id: number }) => r.id)
        .sort(),
      held.map((h) => h.id).sort(),
    );

    // The cause is fixed: reprocess one, discard the other.
    await app.ctx.db.exec('DROP TRIGGER cc_test_poison ON consultations; DROP FUNCTION cc_test_poison();');
    const [keep, drop] = held;
    assert.equal((await app.api(`/api/admin/inbound/${keep.id}/reprocess`, { method: 'POST', token: adminToken })).status, 202);
    assert.equal((await app.api(`/api/admin/inbound/${drop.id}/discard`, { method: 'POST', token: adminToken })).status, 200);
    await waitFor(
      'reprocessed into a consultation',
      async () =>
        (await q(`SELECT count(*)::int AS n FROM inbound_messages WHERE id = $1 AND status = 'processed' AND consultation_id IS NOT NULL`, [keep.id])) === 1,
      30_000,
      100,
    );
    await waitFor('its acknowledgement', () => smtp.messages.some((m) => m.parsed.inReplyTo === '<poison-1@clinic.example>'), 30_000, 100);
    // A sweep leaves a discarded message alone.
    await handleSweep(app.ctx, { staleSeconds: 0 });
    await sleep(1500);
    assert.equal(await q(`SELECT count(*)::int AS n FROM inbound_messages WHERE id = $1 AND status = 'discarded' AND consultation_id IS NULL`, [drop.id]), 1);
    assert.equal(smtp.messages.filter((m) => m.parsed.inReplyTo === '<poison-2@clinic.example>').length, 0, 'a discarded message is never answered');
  });

  it('the sweeper re-enqueues work whose jobs Redis lost, escalates near-due consultations and purges old raw mail', async () => {
    // Jobs that wait in Redis when Redis loses its data: stored rows, no jobs.
    await app.ctx.producers.queue('ingest').pause();
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) await appendWithRetry(dovecot, question(i, 'lost'));
    await waitFor(
      'stored, not ingested',
      async () => (await q(`SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'received'`)) === 3,
      30_000,
      100,
    );
    await redis.restart(500);
    // Producers fail fast until their connection is back.
    const counts = await waitFor('producers reconnected', () => app.ctx.producers.queue('ingest').getJobCounts('waiting'), 20_000, 100);
    assert.equal(counts.waiting ?? 0, 0, 'the jobs are gone');
    // No manual step: the scheduled sweep (registered again after the reconnect) heals them.
    for (let i = 0; i < 3; i++) await waitFor(`lost ${i} ingested`, () => consultationFor(`<lost-${i}@clinic.example>`), 45_000, 200);
    for (let i = 0; i < 3; i++)
      await waitFor(`lost ${i} acknowledged`, () => smtp.messages.some((m) => m.parsed.inReplyTo === `<lost-${i}@clinic.example>`), 30_000, 200);
    const healedMs = Date.now() - t0;
    const heals = logs.filter((l) => l.msg === 'sweep' && Number(l.obj.ingest) > 0).length;
    assert.ok(heals >= 1, 'a sweep re-enqueued them');

    // Escalation: one consultation due in 10 minutes (inside the 60-minute window), one due in 5 hours.
    const near = await consultationFor('<lost-0@clinic.example>');
    const far = await consultationFor('<lost-1@clinic.example>');
    const overdue = await consultationFor('<lost-2@clinic.example>');
    await app.ctx.db.query(`UPDATE consultations SET due_at = now() + interval '10 minutes' WHERE id = $1`, [near]);
    await app.ctx.db.query(`UPDATE consultations SET due_at = now() + interval '5 hours', escalated_at = NULL WHERE id = $1`, [far]);
    await app.ctx.db.query(`UPDATE consultations SET due_at = now() - interval '1 minute' WHERE id = $1`, [overdue]);
    // Retention: one processed message past RAW_RETENTION_DAYS (30), one just inside it.
    const old = await app.ctx.db.query<{ id: number; sha256: string }>(
      `SELECT id, sha256 FROM inbound_messages WHERE status = 'processed' ORDER BY id LIMIT 2`,
    );
    await app.ctx.db.query(`UPDATE inbound_messages SET received_at = now() - interval '31 days' WHERE id = $1`, [old.rows[0].id]);
    await app.ctx.db.query(`UPDATE inbound_messages SET received_at = now() - interval '29 days' WHERE id = $1`, [old.rows[1].id]);
    await handleSweep(app.ctx);

    const escalations = await app.ctx.db.query<{ consultation_id: number }>(`SELECT consultation_id FROM audit_log WHERE action = 'consultation.escalated'`);
    const escalated = new Set(escalations.rows.map((r) => r.consultation_id));
    assert.ok(escalated.has(near!), 'the near-due consultation is escalated');
    assert.ok(escalated.has(overdue!), 'so is the overdue one');
    assert.ok(!escalated.has(far!), 'one due in 5 hours is not');
    await handleSweep(app.ctx);
    assert.equal(
      (await app.ctx.db.query(`SELECT 1 FROM audit_log WHERE action = 'consultation.escalated' AND consultation_id = $1`, [near])).rows.length,
      1,
      'escalated once',
    );

    const purged = await app.ctx.db.query<{ id: number; len: number; sha256: string; purged: boolean }>(
      `SELECT id, length(raw)::int AS len, sha256, raw_purged_at IS NOT NULL AS purged FROM inbound_messages WHERE id = ANY($1::int[]) ORDER BY id`,
      [old.rows.map((r) => r.id)],
    );
    assert.deepEqual(purged.rows[0], { id: old.rows[0].id, len: 0, sha256: old.rows[0].sha256, purged: true }, 'raw emptied, hash kept');
    assert.equal(purged.rows[1].purged, false, 'a message inside the retention period keeps its raw bytes');
    assert.ok(purged.rows[1].len > 0);
    // A purged message can no longer be reprocessed (nothing to parse).
    console.log(`sweeper: 3 jobs lost with Redis's data, all healed and acknowledged ${healedMs} ms after arrival; escalated=${escalated.size}`);
  });

  it('/metrics exposes queue depths, job durations, ingest lag, due breaches, sends and bounces', async () => {
    // A bounce of one of our acknowledgements.
    const ack = await app.ctx.db.query<{ message_id: string; to_address: string }>(
      `SELECT message_id, to_address FROM outbound_messages WHERE kind = 'ack' AND status = 'sent' ORDER BY id LIMIT 1`,
    );
    await appendWithRetry(dovecot, dsnFor(ack.rows[0].message_id, ack.rows[0].to_address));
    await waitFor('bounce recorded', async () => (await q(`SELECT count(*)::int AS n FROM outbound_messages WHERE status = 'bounced'`)) === 1, 30_000, 100);

    const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
    const all = parseMetrics(text);
    const sum = (name: string, labels: Record<string, string> = {}) => sumOf(all, name, labels);
    assert.ok(!Number.isNaN(sum('cc_queue_jobs', { queue: 'ingest', state: 'waiting' })), 'queue depths per queue and state');
    assert.ok(sum('cc_job_duration_seconds_count', { queue: 'ingest', outcome: 'completed' }) > 0, 'ingest job durations');
    assert.ok(sum('cc_job_duration_seconds_count', { queue: 'send', outcome: 'completed' }) > 0, 'send job durations');
    assert.ok(sum('cc_job_duration_seconds_count', { queue: 'ingest', outcome: 'failed' }) >= 6, 'the poison attempts show as failures');
    const lagCount = sum('cc_ingest_lag_seconds_count');
    const ingested = await q(`SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'processed' AND kind IN ('question', 'follow_up')`);
    assert.equal(lagCount, ingested, 'ingest lag observed once for each message that became (part of) a consultation');
    assert.ok(sum('cc_due_breaches') >= 1, 'the overdue consultation counts as a breach');
    assert.ok(sum('cc_sends_total', { kind: 'ack', outcome: 'sent' }) >= 10, 'sends by kind and outcome');
    assert.equal(sum('cc_outbound_messages', { kind: 'ack', status: 'bounced' }), 1, 'bounces by kind');
    assert.ok(
      sum('cc_inbound_total', { kind: 'bounce' }) >= 1,
      `inbound outcomes include the bounce: ${text
        .split('\n')
        .filter((l) => l.startsWith('cc_inbound_total'))
        .join('; ')}`,
    );
    assert.equal(sum('cc_inbound_messages', { status: 'discarded' }), 1, 'held and discarded mail is visible too');

    // Backlog statuses are counted afresh at every scrape; settled ones are reused for
    // METRICS_SETTLED_SECONDS (300 s here), since counting them takes a pass over the table.
    const processed = sum('cc_inbound_messages', { status: 'processed' });
    const quarantined = sum('cc_inbound_messages', { status: 'quarantined' }) || 0; // NaN: no such series yet
    const moved = await app.ctx.db.query<{ id: number }>(
      `UPDATE inbound_messages SET status = 'quarantined' WHERE id = (SELECT min(id) FROM inbound_messages WHERE status = 'processed') RETURNING id`,
    );
    try {
      const again = parseMetrics(await (await fetch(`${app.baseUrl}/metrics`)).text());
      assert.equal(sumOf(again, 'cc_inbound_messages', { status: 'quarantined' }), quarantined + 1, 'a backlog status is counted at every scrape');
      assert.equal(sumOf(again, 'cc_inbound_messages', { status: 'processed' }), processed, 'a settled status is reused until METRICS_SETTLED_SECONDS pass');
    } finally {
      await app.ctx.db.query(`UPDATE inbound_messages SET status = 'processed' WHERE id = $1`, [moved.rows[0].id]);
    }
    console.log(
      `metrics: ingestLagCount=${lagCount} p50<=${sum('cc_ingest_lag_seconds_bucket', { le: '0.5' })}/${lagCount} dueBreaches=${sum('cc_due_breaches')}`,
    );
  });
});

describe('exactly-once reply when the send worker dies right after the SMTP server accepted', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let app: TestApp;
  let others: Running;
  let group: ProcessGroup;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    [dovecot, db] = await Promise.all([startDovecot(), createTestDatabase()]);
    smtp = await startFilingSink(dovecot);
    const env = {
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: SHARED_REDIS, prefix }),
      JOB_LOCK_SECONDS: '2',
      LOG_LEVEL: 'silent',
    };
    // Poller and the other workers here; the send worker alone in its own process.
    app = await startTestApp(env, { web: false, workers: false });
    others = await startWorkers(app.ctx, ['ingest', 'draft', 'notify']);
    group = new ProcessGroup(env);
  });

  afterAll(async () => {
    await group?.stopAll();
    await others?.stop();
    await app?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), obliterateQueues(SHARED_REDIS, prefix)]);
  });

  it('reconciles through the Sent folder instead of sending again', async () => {
    const sender = group.add('sender', ['worker', '--queues', 'send'], { FAULT_KILL_AFTER_SMTP_ACCEPT: '1' });
    const died = new Promise<NodeJS.Signals | null>((resolve) => sender.child!.once('exit', (_code, signal) => resolve(signal)));
    await appendWithRetry(dovecot, question(1, 'once'));
    const signal = await Promise.race([died, sleep(60_000).then(() => 'timeout' as const)]);
    assert.equal(signal, 'SIGKILL', 'the faulty sender died after the server accepted');
    const row = await app.ctx.db.query<{ id: number; message_id: string; status: string; attempts: number }>(
      `SELECT id, message_id, status, attempts FROM outbound_messages WHERE kind = 'ack'`,
    );
    assert.equal(row.rows.length, 1);
    assert.equal(row.rows[0].status, 'sending', 'our commit never happened');
    assert.equal(smtp.messages.filter((m) => m.parsed.messageId === row.rows[0].message_id).length, 1, 'the server has it');

    const t0 = Date.now();
    sender.env = { FAULT_KILL_AFTER_SMTP_ACCEPT: '0' };
    group.start(sender);
    const done = await waitFor(
      'row sent',
      async () => {
        const r = await app.ctx.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbound_messages WHERE id = $1', [
          row.rows[0].id,
        ]);
        return r.rows[0].status === 'sent' ? r.rows[0] : null;
      },
      60_000,
      100,
    );
    await sleep(1000);
    console.log(
      `exactly-once: reconciled ${Date.now() - t0} ms after the restart (lock ${2} s); attempts=${done.attempts}; copies at the server=${smtp.messages.length}`,
    );
    assert.ok(done.attempts > 1, 'the row records the second attempt');
    assert.equal(smtp.messages.length, 1, 'exactly one copy reached the SMTP server');
    assert.equal(smtp.messages[0].parsed.messageId, row.rows[0].message_id);
  });
});

describe('graceful shutdown of `caseconsultant start` with jobs active', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let app: TestApp;
  let group: ProcessGroup;
  const prefix = uniquePrefix();
  const SLOW_MS = 3000;

  beforeAll(async () => {
    [dovecot, db] = await Promise.all([startDovecot(), createTestDatabase()]);
    // A slow SMTP server keeps send jobs active for seconds.
    smtp = await startSmtpSink({
      onMessage: async () => {
        await sleep(SLOW_MS);
      },
    });
    const env = {
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: SHARED_REDIS, prefix }),
      LOG_LEVEL: 'silent',
    };
    // Only to read the database and the queues; runs no part.
    app = await startTestApp(env, { web: false, workers: false, poller: false });
    group = new ProcessGroup({ ...env, PORT: String(await freePort()) });
  });

  afterAll(async () => {
    await group?.stopAll();
    await app?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), obliterateQueues(SHARED_REDIS, prefix)]);
  });

  it('finishes its active jobs and exits 0 within 25 s on SIGTERM', async () => {
    const part = group.add('start', ['start']);
    for (let i = 0; i < 6; i++) await appendWithRetry(dovecot, question(i, 'term'));
    const send = app.ctx.producers.queue('send');
    const active = await waitFor(
      'send jobs active',
      async () => {
        const c = await send.getJobCounts('active');
        return (c.active ?? 0) > 0 ? c.active : null;
      },
      60_000,
      50,
    );
    const sendingBefore = await waitFor(
      'rows mid-send',
      async () => {
        const r = await app.ctx.db.query<{ id: number }>(`SELECT id FROM outbound_messages WHERE status = 'sending'`);
        return r.rows.length > 0 ? r : null;
      },
      10_000,
      20,
    );
    const t0 = Date.now();
    const exitCode = await group.kill(part, 'SIGTERM');
    const exitMs = Date.now() - t0;

    const counts = await send.getJobCounts('active', 'waiting', 'delayed', 'completed', 'failed');
    const rows = await app.ctx.db.query<{ id: number; status: string }>(`SELECT id, status FROM outbound_messages ORDER BY id`);
    const stillSending = rows.rows.filter((r) => r.status === 'sending').length;
    const finished = sendingBefore.rows.filter((s) => rows.rows.find((r) => r.id === s.id)?.status === 'sent').length;
    const allActive = (
      await Promise.all((['ingest', 'draft', 'notify', 'send', 'sweep'] as const).map((n) => app.ctx.producers.queue(n).getJobCounts('active')))
    ).reduce((n, c) => n + (c.active ?? 0), 0);
    console.log(
      `shutdown: activeAtSigterm=${active} sendingAtSigterm=${sendingBefore.rows.length} exitCode=${exitCode} exitMs=${exitMs} finishedAfterSigterm=${finished} ` +
        `stillSending=${stillSending} sendQueue=${JSON.stringify(counts)} smtpReceived=${smtp.messages.length}`,
    );
    assert.equal(exitCode, 0, 'exits 0');
    assert.ok(exitMs < 25_000, `within 25 s (${exitMs} ms)`);
    assert.ok(exitMs >= SLOW_MS / 2, 'it waited for the active sends instead of dropping them');
    assert.ok(sendingBefore.rows.length > 0);
    assert.equal(finished, sendingBefore.rows.length, 'every send active at SIGTERM completed');
    assert.equal(stillSending, 0, 'no row left mid-send');
    assert.equal(allActive, 0, 'no job left active (to stall) in any queue');
  });
});
