// Outages during a run: questions keep arriving while Dovecot, then Redis (a private server that loses
// every key on restart), then the machine's PostgreSQL are restarted. Nothing may be lost or doubled:
// every appended question is exactly one consultation and its acknowledgement reaches the SMTP server
// exactly once. What the outages break (jobs lost with Redis's data, enqueues refused while it is down,
// transactions cut by PostgreSQL) the poller's catch-up and the sweeper must heal on their own.
import assert from 'node:assert/strict';
import { jest, beforeAll, afterAll, describe, it } from '@jest/globals';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import type { SmtpSink } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/net.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/redis.ts';
import { ensureMachinePgRunning, machineCluster, restartMachinePg } from '../support/machine-pg.ts';
import { MAILBOX, appendWithRetry, question, spyLog, startFilingSink, type LogRecord } from '../support/ops.ts';

// node:test bounded the whole suite by this; jest bounds each test and hook by it.
jest.setTimeout(150_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reconnects through Dovecot, Redis and PostgreSQL restarts', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let redis: PrivateRedis;
  let app: TestApp;
  let logs: LogRecord[];
  const prefix = uniquePrefix();

  beforeAll(async () => {
    [dovecot, db, redis] = await Promise.all([startDovecot(), createTestDatabase(), startPrivateRedis()]);
    smtp = await startFilingSink(dovecot);
    app = await startTestApp(
      {
        ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: redis.url, prefix }),
        JOB_LOCK_SECONDS: '4',
        SWEEP_INTERVAL_SECONDS: '5',
      },
      { web: false },
    );
    logs = spyLog(app.ctx);
  });

  afterAll(async () => {
    // The shared cluster must be up for whatever runs next, whatever happened here.
    await ensureMachinePgRunning();
    await app?.stop().catch(() => {});
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop().catch(() => {}), redis?.stop()]);
  });

  // Skipped when there is no local PostgreSQL cluster to restart.
  (machineCluster() ? it : it.skip)('loses nothing and sends nothing twice', async () => {
    const t0 = Date.now();
    let appended = 0;
    let feeding = true;
    const feeder = (async () => {
      for (let i = 0; feeding && i < 400; i++) {
        await appendWithRetry(dovecot, question(i, 'rc'));
        appended++;
        await sleep(50);
      }
    })();

    // However the test ends, the feeder stops with it.
    const stopFeeding = () => {
      feeding = false;
      return feeder.catch(() => {});
    };
    const events: string[] = [];
    let failFastMs = -1;
    try {
      await sleep(3000);
      events.push(`dovecot restart at ${Date.now() - t0} ms`);
      await dovecot.restart();

      await sleep(4000);
      events.push(`redis down at ${Date.now() - t0} ms`);
      await redis.stop();
      // Producers fail fast instead of queueing in memory: a call during the outage rejects at once.
      const t1 = Date.now();
      await assert.rejects(app.ctx.producers.queue('ingest').getJobCounts('waiting'));
      failFastMs = Date.now() - t1;
      await sleep(2500);
      await redis.start();
      events.push(`redis up (empty) at ${Date.now() - t0} ms`);

      await sleep(4000);
      events.push(`postgres restart at ${Date.now() - t0} ms`);
      // A transaction holding a pooled client, idle between two statements while the server goes away:
      // the process must survive it (pg emits 'error' on that client) and the transaction must fail.
      let release!: () => void;
      const held = app.ctx.db.tx(async (tx) => {
        await tx.query('SELECT 1');
        await new Promise<void>((r) => (release = r));
        await tx.query('SELECT 1');
      });
      held.catch(() => {});
      await sleep(100);
      await restartMachinePg();
      release();
      await assert.rejects(held, 'a transaction cut by the restart fails instead of hanging');
      events.push(`postgres up at ${Date.now() - t0} ms`);

      await sleep(3000);
    } finally {
      await stopFeeding();
    }
    await feeder;
    const fedMs = Date.now() - t0;

    const q = (sql: string) => app.ctx.db.query<{ n: number }>(sql).then((r) => r.rows[0].n);
    // On a timeout, say where the work stands (counts only).
    const state = async () => {
      const rows = async (sql: string) => JSON.stringify((await app.ctx.db.query(sql)).rows);
      const queues: Record<string, unknown> = {};
      for (const name of ['ingest', 'draft', 'send', 'sweep'] as const)
        queues[name] = await app.ctx.producers
          .queue(name)
          .getJobCounts()
          .catch((e: Error) => e.message);
      return `appended=${appended} inbound=${await rows('SELECT status, count(*)::int FROM inbound_messages GROUP BY 1')} consultations=${await rows('SELECT status, count(*)::int FROM consultations GROUP BY 1')} outbound=${await rows('SELECT kind, status, count(*)::int FROM outbound_messages GROUP BY 1, 2')} queues=${JSON.stringify(queues)} schedulers=${
        (
          await app.ctx.producers
            .queue('sweep')
            .getJobSchedulers()
            .catch(() => [])
        ).length
      }`;
    };
    try {
      await waitFor('every question a consultation', async () => (await q('SELECT count(*)::int AS n FROM consultations')) >= appended, 60_000, 250);
      await waitFor(
        'every acknowledgement sent',
        async () => (await q(`SELECT count(*)::int AS n FROM outbound_messages WHERE kind = 'ack' AND status = 'sent'`)) >= appended,
        60_000,
        250,
      );
    } catch (err) {
      console.log(`reconnect stuck: ${await state()} | ${events.join('; ')}`);
      throw err;
    }
    const drainedMs = Date.now() - t0;

    const inbound = await q('SELECT count(*)::int AS n FROM inbound_messages');
    const consultations = await q('SELECT count(*)::int AS n FROM consultations');
    const acks = await app.ctx.db.query<{ message_id: string; status: string; attempts: number; in_reply_to: string }>(
      `SELECT message_id, status, attempts, in_reply_to FROM outbound_messages WHERE kind = 'ack'`,
    );
    const received = new Map<string, number>();
    for (const m of smtp.messages) received.set(m.parsed.messageId ?? '', (received.get(m.parsed.messageId ?? '') ?? 0) + 1);
    const ackedQuestions = new Set(acks.rows.map((a) => a.in_reply_to));
    const retried = acks.rows.filter((a) => a.attempts > 1).length;
    const connects = logs.filter((l) => l.msg === 'imap connected').length;
    const sessionsEnded = logs.filter((l) => l.msg === 'imap session ended').length;
    const sweeps = logs.filter((l) => l.msg === 'sweep');
    const healed = sweeps.reduce((n, l) => n + Number(l.obj.ingest ?? 0) + Number(l.obj.draft ?? 0) + Number(l.obj.send ?? 0), 0);
    const schedulers = await app.ctx.producers.queue('sweep').getJobSchedulers();

    console.log(
      `reconnect: appended=${appended} inbound=${inbound} consultations=${consultations} acks=${acks.rows.length} smtpReceived=${smtp.messages.length} ` +
        `acksRetried=${retried} imapConnects=${connects} imapSessionsEnded=${sessionsEnded} sweepsThatHealed=${sweeps.length} rowsReEnsured=${healed} ` +
        `producerFailFastMs=${failFastMs} fedMs=${fedMs} drainedMs=${drainedMs} | ${events.join('; ')}`,
    );

    assert.ok(appended >= 30, `questions kept arriving through the outages (${appended})`);
    assert.equal(inbound, appended, 'every appended message stored once');
    assert.equal(consultations, appended, 'every appended message is exactly one consultation');
    for (let i = 0; i < appended; i++) assert.ok(ackedQuestions.has(`<rc-${i}@clinic.example>`), `question ${i} acknowledged`);
    assert.equal(acks.rows.length, appended, 'one acknowledgement per question');
    for (const a of acks.rows) assert.equal(received.get(a.message_id), 1, 'each acknowledgement reached the SMTP server exactly once');
    assert.equal(smtp.messages.length, appended, 'nothing else and nothing twice');
    assert.ok(failFastMs < 2000, `a producer call during the outage failed fast (${failFastMs} ms)`);
    assert.ok(connects >= 2, 'the poller reconnected after Dovecot restarted');
    assert.equal(schedulers.length, 1, 'the sweep schedule was registered again in the emptied Redis');
    // Cursor caught up with the mailbox: everything appended is behind it.
    const cursor = await app.ctx.db.query<{ last_uid: number }>('SELECT last_uid FROM mailbox_cursors');
    assert.ok(Number(cursor.rows[0].last_uid) >= appended, 'cursor moved past every message');
  });
});
