// No message lost, no reply sent twice: the poller and two workers run as separate processes and are
// SIGKILLed at random moments (and the send worker also dies right after the SMTP server accepted a
// message), while questions arrive in a real Dovecot mailbox and are approved through the API.
import assert from 'node:assert/strict';
import { jest, beforeAll, afterAll, describe, it } from '@jest/globals';
import type { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot, imapClient } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink, type Received } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { ProcessGroup } from '../support/processes.ts';
import { waitFor } from '../support/net.ts';

// node:test bounded the whole suite by this; jest bounds each test and hook by it.
jest.setTimeout(600_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const MAILBOX = 'consult@example.test';
const QUESTIONS = Number(process.env.CRASH_TEST_QUESTIONS ?? 300);

function question(i: number): string {
  const codes = [['20610', '99213'], ['29881', '29877'], ['J1885'], ['64483', '64484'], ['M80.08'], ['72292', '72291']][i % 6];
  return [
    `From: Coder ${i} <coder${i}@clinic${i % 7}.example>`,
    `To: ${MAILBOX}`,
    `Subject: Question ${i} about ${codes.join(' and ')}`,
    `Message-ID: <crash-${i}@clinic.example>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Can we bill ${codes.join(' with ')}? Thanks.`,
    '',
  ].join('\r\n');
}

describe('crash safety under SIGKILL', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let web: TestApp;
  let group: ProcessGroup;
  let sentFiler: ImapFlow;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    dovecot = await startDovecot();
    // The test SMTP server files every accepted message in Sent, as hosted providers do; the send
    // worker reconciles against that folder.
    sentFiler = imapClient(dovecot, MAILBOX);
    await sentFiler.connect();
    let filing = Promise.resolve();
    smtp = await startSmtpSink({
      onMessage: (m: Received) => {
        filing = filing.then(() => sentFiler.append('Sent', m.raw).then(() => undefined));
        return filing;
      },
    });
    db = await createTestDatabase();
    const env = {
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: REDIS_URL, prefix }),
      JOB_ATTEMPTS: '20',
      JOB_LOCK_SECONDS: '4',
      SWEEP_INTERVAL_SECONDS: '5',
      // The poller is killed at random too: its restart waits out the dead one's lease.
      POLLER_LEASE_SECONDS: '3',
      LOG_LEVEL: 'silent',
    };
    web = await startTestApp(env, { poller: false, workers: false });
    await web.addUser({ email: 'lead@reviewers.example', name: 'Lee Lead', role: 'lead' });
    group = new ProcessGroup({ ...env, WORKER_CONCURRENCY: '8' });
    group.add('poller', ['poller']);
    group.add('worker-a', ['worker']);
    group.add('worker-b', ['worker', '--queues', 'send', 'ingest', 'draft', 'notify']);
    // This one dies in the worst place on purpose; the others die at random.
    group.add('sender-faulty', ['worker', '--queues', 'send'], { FAULT_KILL_AFTER_SMTP_ACCEPT: '0.2' });
  });

  afterAll(async () => {
    await group?.stopAll();
    await web?.stop();
    await sentFiler?.logout().catch(() => {});
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  it(`delivers ${QUESTIONS} questions exactly once each through random crashes`, async () => {
    let chaos = true;
    let killed = 0;
    const killer = (async () => {
      while (chaos) {
        await new Promise((r) => setTimeout(r, 1500 + Math.random() * 3000));
        if (!chaos) break;
        const p = group.parts[Math.floor(Math.random() * 3)];
        await group.kill(p);
        killed++;
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 800));
        group.start(p);
      }
    })();
    // The faulty sender restarts itself whenever it died.
    const faulty = group.parts[3];
    const restarter = setInterval(() => {
      if (!group.alive(faulty)) group.start(faulty);
    }, 200);

    const feeder = imapClient(dovecot, MAILBOX);
    await feeder.connect();
    const feeding = (async () => {
      for (let i = 0; i < QUESTIONS; i++) {
        await feeder.append('INBOX', question(i));
        if (i % 10 === 9) await new Promise((r) => setTimeout(r, 50));
      }
      await feeder.logout();
    })();

    // Approve through the API as drafts appear.
    const approved = new Set<number>();
    const approving = (async () => {
      while (approved.size < QUESTIONS && chaos) {
        const r = await web.api('/api/consultations?status=awaiting_review&limit=1000');
        for (const c of Array.isArray(r.body) ? r.body : []) {
          const a = await web.api(`/api/consultations/${c.id}/approve`, { method: 'POST', body: { text: `Answer for ${c.ticket}.` } });
          if (a.status === 202 || a.status === 409) approved.add(c.id);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    const statusCounts = async () => JSON.stringify((await web.ctx.db.query('SELECT status, count(*)::int AS n FROM consultations GROUP BY status')).rows);
    try {
      await feeding;
      await waitFor('all approved', () => approved.size >= QUESTIONS, 300_000, 500).catch(async (err) => {
        throw new Error(`${(err as Error).message}; approved ${approved.size}; consultations ${await statusCounts()}`);
      });
      await approving;
    } finally {
      // Whatever happened, the chaos ends here: no process may outlive the test's servers.
      chaos = false;
      await killer;
      clearInterval(restarter);
    }
    for (const p of group.parts) if (!group.alive(p)) group.start(p);

    const q = (sql: string) => web.ctx.db.query<{ n: number }>(sql).then((r) => r.rows[0].n);
    await waitFor('every answer sent', async () => (await q(`SELECT count(*)::int AS n FROM consultations WHERE status = 'sent'`)) === QUESTIONS, 240_000, 500);
    await waitFor('outbox drained', async () => (await q(`SELECT count(*)::int AS n FROM outbound_messages WHERE status <> 'sent'`)) === 0, 120_000, 500);

    const inbound = await q('SELECT count(*)::int AS n FROM inbound_messages');
    const consultations = await q('SELECT count(*)::int AS n FROM consultations');
    const answers = await q(`SELECT count(*)::int AS n FROM outbound_messages WHERE kind = 'answer'`);
    const outbound = await web.ctx.db.query<{ message_id: string; kind: string }>('SELECT message_id, kind FROM outbound_messages');
    const received = new Map<string, number>();
    for (const m of smtp.messages) received.set(m.parsed.messageId ?? '', (received.get(m.parsed.messageId ?? '') ?? 0) + 1);
    const duplicates = [...received.values()].filter((n) => n > 1).length;
    const missing = outbound.rows.filter((o) => !received.has(o.message_id)).length;
    const answersOnce = outbound.rows.filter((o) => o.kind === 'answer' && received.get(o.message_id) === 1).length;
    const counts = await Promise.all(
      ['ingest', 'draft', 'notify', 'send'].map(
        async (name) => [name, await web.ctx.producers.queue(name as 'ingest').getJobCounts('waiting', 'active', 'delayed')] as const,
      ),
    );
    const stuck = counts.reduce((n, [, c]) => n + (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0), 0);
    const reconciled = await q(`SELECT count(*)::int AS n FROM outbound_messages WHERE attempts > 1`);

    console.log(
      `crash-safety: questions=${QUESTIONS} inbound=${inbound} consultations=${consultations} answers=${answers} answersDeliveredOnce=${answersOnce} ` +
        `outbound=${outbound.rows.length} smtpReceived=${smtp.messages.length} duplicates=${duplicates} missing=${missing} ` +
        `randomKills=${killed} faultyRestarts=${faulty.starts - 1} sendsRetried=${reconciled} stuckJobs=${stuck}`,
    );
    assert.equal(inbound, QUESTIONS, 'every email stored once');
    assert.equal(consultations, QUESTIONS, 'every email is exactly one consultation');
    assert.equal(answers, QUESTIONS);
    assert.equal(answersOnce, QUESTIONS, 'every approved reply reached the SMTP server exactly once');
    assert.equal(duplicates, 0, 'no message of ours reached the SMTP server twice');
    assert.equal(missing, 0, 'every outbound message arrived');
    assert.ok(killed > 0 && faulty.starts > 1, 'the chaos really happened');
    await waitFor(
      'no job stuck',
      async () => {
        let n = 0;
        for (const name of ['ingest', 'draft', 'notify', 'send'] as const) {
          const c = await web.ctx.producers.queue(name).getJobCounts('waiting', 'active', 'delayed');
          n += (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0);
        }
        return n === 0;
      },
      60_000,
      500,
    );
  });
});
