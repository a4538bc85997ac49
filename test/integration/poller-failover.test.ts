// Poller failover, the chaos way: two poller processes on one mailbox, questions arriving all the
// time, and the poller holding the lease SIGKILLed. The other takes the mailbox over when the lease
// runs out and catches up by UID from the committed cursor: every question is stored exactly once and
// becomes exactly one consultation, none skipped. The gap (kill to takeover, kill to the next message
// stored) is measured and printed. Then a SIGTERM: the holder releases its lease and the other takes
// over at its next tick, without waiting for the lease to run out. Last, a holder paused (SIGSTOP)
// past its lease wakes to find its fencing token refused and lets the mailbox go.
import assert from 'node:assert/strict';
import { jest, beforeAll, afterAll, describe, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { ProcessGroup, type Part } from '../support/processes.ts';
import { waitFor } from '../support/net.ts';
import { MAILBOX, appendWithRetry, question } from '../support/ops.ts';
import { MailboxLeases } from '../../src/mail/poller-lease.ts';
import { mailboxKey, parseImapUrl } from '../../src/mail/sources/imap.ts';

// node:test bounded the whole suite by this; jest bounds each test and hook by it.
jest.setTimeout(240_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const LEASE_SECONDS = 15; // the default
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('poller failover', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let app: TestApp;
  let group: ProcessGroup;
  let leases: MailboxLeases;
  let key: string;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    [dovecot, smtp, db] = await Promise.all([startDovecot(), startSmtpSink(), createTestDatabase()]);
    const env: Record<string, string> = {
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: REDIS_URL, prefix }),
      POLLER_LEASE_SECONDS: String(LEASE_SECONDS),
      AUTO_REPLY_MIN_INTERVAL_MINUTES: '0',
      LOG_LEVEL: 'silent',
    };
    // Workers in this process; the pollers are the processes under test.
    app = await startTestApp(env, { poller: false, web: false });
    key = mailboxKey(parseImapUrl(env.IMAP_URL));
    leases = new MailboxLeases(
      () => app.ctx.producers.queue('sweep').getBackend().client as unknown as Promise<Redis>,
      app.ctx.queuePrefix,
      'test-observer',
      1000,
    );
    group = new ProcessGroup(env);
    group.add('poller-a', ['poller']);
    await sleep(300);
    group.add('poller-b', ['poller']);
  });

  afterAll(async () => {
    await group?.stopAll();
    await app?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  const holderPart = async (): Promise<{ part: Part; fence: number }> => {
    const h = await waitFor('a lease holder', () => leases.holderOf(key), 30_000);
    const part = group.parts.find((p) => p.child && h.holder.includes(`:${p.child.pid}:`));
    assert.ok(part, `the holder ${h.holder} is one of our pollers`);
    return { part, fence: h.fence };
  };
  const count = async (sql: string) => Number((await app.ctx.db.query<{ n: number }>(sql)).rows[0].n);

  it('loses and doubles nothing when the lease holder is SIGKILLed while mail keeps arriving', async () => {
    let appended = 0;
    let feeding = true;
    const feeder = (async () => {
      for (let i = 0; feeding; i++) {
        await appendWithRetry(dovecot, question(i, 'fo'));
        appended++;
        await sleep(100);
      }
    })();
    try {
      await waitFor('first questions stored', async () => (await count('SELECT count(*)::int AS n FROM inbound_messages')) >= 10, 30_000);
      const first = await holderPart();
      const other = group.parts.find((p) => p !== first.part)!;
      const killedAt = Date.now();
      const storedAtKill = await count('SELECT count(*)::int AS n FROM inbound_messages');
      await group.kill(first.part, 'SIGKILL');

      // Takeover: the lease changes hands once the dead holder's lease runs out.
      const next = await waitFor(
        'takeover',
        async () => {
          const h = await leases.holderOf(key);
          return h && h.fence > first.fence ? h : null;
        },
        60_000,
        100,
      );
      const takeoverMs = Date.now() - killedAt;
      assert.ok(next.holder.includes(`:${other.child!.pid}:`), 'the surviving poller took the mailbox');
      const resumed = await waitFor('storing again', async () => (await count('SELECT count(*)::int AS n FROM inbound_messages')) > storedAtKill, 30_000, 100);
      const firstStoreMs = Date.now() - killedAt;
      assert.ok(resumed);
      const gap = await app.ctx.db.query<{ gap: number }>(
        `SELECT EXTRACT(EPOCH FROM max(received_at) FILTER (WHERE received_at > to_timestamp($1 / 1000.0)) - max(received_at) FILTER (WHERE received_at <= to_timestamp($1 / 1000.0)))::float8 AS gap FROM inbound_messages`,
        [killedAt],
      );
      await sleep(3000);
      feeding = false;
      await feeder;

      await waitFor('every question stored and ingested', async () => (await count(`SELECT count(*)::int AS n FROM consultations`)) >= appended, 60_000, 250);
      const inbound = await count('SELECT count(*)::int AS n FROM inbound_messages');
      const distinct = await count(`SELECT count(DISTINCT message_id)::int AS n FROM inbound_messages`);
      const consultations = await count('SELECT count(*)::int AS n FROM consultations');
      const cursor = await app.ctx.db.query<{ last_uid: number; fence: number }>('SELECT last_uid, fence FROM mailbox_cursors WHERE mailbox = $1', [key]);
      console.log(
        `failover: lease ${LEASE_SECONDS} s, holder SIGKILLed with ${storedAtKill} of ${appended} stored; lease taken over after ${(takeoverMs / 1000).toFixed(1)} s, ` +
          `first message stored after ${(firstStoreMs / 1000).toFixed(1)} s (gap between stored messages ${gap.rows[0].gap?.toFixed(1)} s); ${appended} appended, ${inbound} stored, ${consultations} consultations`,
      );
      assert.equal(inbound, appended, 'every message stored once');
      assert.equal(distinct, appended, 'none twice');
      assert.equal(consultations, appended, 'each one consultation');
      for (let i = 0; i < appended; i++) {
        const n = await count(`SELECT count(*)::int AS n FROM inbound_messages WHERE message_id IN ('<fo-${i}@clinic.example>', 'fo-${i}@clinic.example')`);
        assert.equal(n, 1, `question ${i} stored exactly once`);
      }
      assert.equal(Number(cursor.rows[0].last_uid), appended, 'the cursor caught up by UID');
      assert.equal(Number(cursor.rows[0].fence), next.fence, 'the new holder owns the cursor');
      assert.ok(takeoverMs <= 30_000, `taken over within 30 s (${takeoverMs} ms)`);
    } finally {
      feeding = false;
      await feeder.catch(() => {});
    }
  });

  it('hands the mailbox over at once on SIGTERM (the lease is released, not left to run out)', async () => {
    const dead = group.parts.find((p) => !group.alive(p))!;
    group.start(dead);
    const holder = await holderPart();
    const t0 = Date.now();
    assert.equal(await group.kill(holder.part, 'SIGTERM'), 0, 'a clean exit');
    const next = await waitFor(
      'takeover after SIGTERM',
      async () => {
        const h = await leases.holderOf(key);
        return h && h.fence > holder.fence ? h : null;
      },
      30_000,
      100,
    );
    const ms = Date.now() - t0;
    console.log(`failover on SIGTERM: taken over after ${(ms / 1000).toFixed(1)} s`);
    assert.ok(next.holder.includes(`:${dead.child!.pid}:`));
    assert.ok(ms < LEASE_SECONDS * 1000, `before the lease would have run out (${ms} ms)`);
    await appendWithRetry(dovecot, question(10_000, 'fo'));
    await waitFor(
      'read by the new holder',
      async () => (await count(`SELECT count(*)::int AS n FROM inbound_messages WHERE message_id LIKE '%fo-10000@%'`)) === 1,
      30_000,
    );
  });

  it('fences out a holder that was paused past its lease: it wakes, finds the cursor taken and stops', async () => {
    const stopped = group.parts.find((p) => !group.alive(p))!;
    group.start(stopped);
    const paused = await holderPart();
    paused.part.child!.kill('SIGSTOP');
    let resumed = false;
    try {
      for (let i = 20_000; i < 20_010; i++) await appendWithRetry(dovecot, question(i, 'fo'));
      const next = await waitFor(
        'takeover from the paused holder',
        async () => {
          const h = await leases.holderOf(key);
          return h && h.fence > paused.fence ? h : null;
        },
        40_000,
        100,
      );
      await waitFor(
        'the ten read by the new holder',
        async () => (await count(`SELECT count(*)::int AS n FROM inbound_messages WHERE message_id LIKE '%fo-200__@%'`)) === 10,
        30_000,
      );
      // Wakes with its IMAP session, its stale lease and mail it has not seen: its writes are refused.
      paused.part.child!.kill('SIGCONT');
      resumed = true;
      for (let i = 20_010; i < 20_020; i++) await appendWithRetry(dovecot, question(i, 'fo'));
      await waitFor(
        'the next ten stored',
        async () => (await count(`SELECT count(*)::int AS n FROM inbound_messages WHERE message_id LIKE '%fo-200__@%'`)) === 20,
        30_000,
      );
      await sleep((LEASE_SECONDS * 1000) / 3 + 1000);
      assert.ok(group.alive(paused.part), 'the woken poller is still running (it let the mailbox go, it did not crash)');
      assert.equal((await leases.holderOf(key))?.fence, next.fence, 'the lease stayed with the new holder');
      const cursor = await app.ctx.db.query<{ fence: number }>('SELECT fence FROM mailbox_cursors WHERE mailbox = $1', [key]);
      assert.equal(Number(cursor.rows[0].fence), next.fence, 'the cursor was never written with the stale fence');
      const doubled = await count(`SELECT count(*)::int AS n FROM (SELECT message_id FROM inbound_messages GROUP BY message_id HAVING count(*) > 1) d`);
      assert.equal(doubled, 0, 'nothing stored twice');
      await waitFor(
        'all ingested once',
        async () => (await count(`SELECT count(*)::int AS n FROM consultations`)) === (await count('SELECT count(*)::int AS n FROM inbound_messages')),
        30_000,
      );
    } finally {
      if (!resumed) paused.part.child?.kill('SIGCONT');
    }
  });
});
