// Batched ingest on real PostgreSQL and Redis: messages a worker takes together share one transaction
// when they are plain new questions, and every other case in the same batch still gets exactly what
// it would get alone: quotas across the batch, duplicates within it, follow-ups, machine mail, a
// missing row failing only its own job, and a sender's second question in the same batch.
import assert from 'node:assert/strict';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { acceptRawBatch } from '../../src/mail/accept.ts';
import { createAccount } from '../../src/store/accounts.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, startHandlerApp, type TestApp } from '../support/app.ts';
import { Worker } from 'bullmq';
import { BATCH_RAW_BYTES, handleIngestBatch } from '../../workers/ingest.ts';
import { handleSweep } from '../../workers/sweep.ts';
import { redisConnection } from '../../src/queue/queues.ts';
import { dmarcPass, mail, TEST_AUTHSERV_ID } from '../support/mail.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

describe('batched ingest on PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let app: TestApp;
  const prefix = uniquePrefix();
  let uid = 0;
  const q = <T = any>(sql: string, params: unknown[] = []) => app.ctx.db.query<T>(sql, params).then((r) => r.rows);
  const startApp = (databaseUrl: string) => startHandlerApp({ databaseUrl, redisUrl: REDIS_URL, prefix, env: { AUTHSERV_ID: TEST_AUTHSERV_ID } });
  const store = async (...raws: string[]) =>
    (
      await acceptRawBatch(
        app.ctx,
        raws.map((raw) => ({ mailbox: 'batch', uidvalidity: 1, uid: ++uid, raw: Buffer.from(raw) })),
      )
    ).map((r) => r.inboundId);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApp(db.url);
    await createAccount(app.ctx.db, { name: 'Big Clinic', domain: 'big.example', plan: 'pro' });
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  let annCase = 0;

  it('gives every message in a mixed batch the outcome it would get alone', async () => {
    const [ann1, ann2, bob, carl, pat1, pat2, robot] = await store(
      mail({ from: 'Ann <ann@a.example>', subject: 'Is 29881 bundled with 29877?', body: 'Same knee, same day.', messageId: '<ann1@a.example>' }),
      // A guest may ask one question: the second, in the same batch, is over quota.
      mail({ from: 'Ann <ann@a.example>', subject: 'Units for J1885', body: 'How many units per day?', messageId: '<ann2@a.example>' }),
      mail({ from: 'Bob <bob@b.example>', subject: 'Is M80.08 billable?', body: 'Or does it need a 7th character?', messageId: '<same@x.example>' }),
      // The same Message-ID with other bytes (another relay's copy): a duplicate of Bob's.
      mail({ from: 'Bob <bob@b.example>', subject: 'Is M80.08 billable?', body: 'Or does it need a 7th character? (copy)', messageId: '<same@x.example>' }),
      // Two addresses of one account: both answered, the second after the first is committed.
      mail({
        from: 'Pat <pat1@big.example>',
        subject: 'Modifier 59 on 20610?',
        body: 'With 99213 the same day.',
        messageId: '<pat1@big.example>',
        headers: [dmarcPass('big.example')],
      }),
      mail({
        from: 'Pat <pat2@big.example>',
        subject: 'Add-on 64484?',
        body: 'Two levels.',
        messageId: '<pat2@big.example>',
        headers: [dmarcPass('big.example')],
      }),
      mail({
        from: 'Ann <ann@a.example>',
        subject: 'Out of office',
        body: 'I am away until Monday.',
        messageId: '<ooo@a.example>',
        headers: ['Auto-Submitted: auto-replied'],
      }),
    );
    const missing = 987654;
    const out = await handleIngestBatch(app.ctx, [ann1, ann2, bob, carl, pat1, pat2, robot, missing]);

    assert.equal(out.get(ann1), 'question');
    assert.equal(out.get(ann2), 'over_quota');
    assert.equal(out.get(bob), 'question');
    assert.equal(out.get(carl), 'duplicate');
    assert.equal(out.get(pat1), 'question');
    assert.equal(out.get(pat2), 'question');
    assert.equal(out.get(robot), 'auto_reply');
    assert.ok(out.get(missing) instanceof Error, 'a missing row fails its own job only');

    const rows = await q<{ id: number; status: string; kind: string; consultation_id: number | null }>(
      'SELECT id, status, kind, consultation_id FROM inbound_messages WHERE id = ANY($1::int[]) ORDER BY id',
      [[ann1, ann2, bob, carl, pat1, pat2, robot]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    assert.equal(byId.get(carl)!.status, 'duplicate');
    assert.equal(byId.get(carl)!.consultation_id, byId.get(bob)!.consultation_id);
    assert.deepEqual([byId.get(ann2)!.status, byId.get(ann2)!.consultation_id], ['ignored', null]);

    const cases = await q<{
      id: number;
      ticket_no: number;
      from_address: string;
      account_id: number | null;
      reply_token: string;
      status: string;
      round: number;
    }>('SELECT id, ticket_no, from_address, account_id, reply_token, status, round FROM consultations ORDER BY id');
    assert.deepEqual(cases.map((c) => c.from_address).sort(), ['ann@a.example', 'bob@b.example', 'pat1@big.example', 'pat2@big.example']);
    assert.equal(new Set(cases.map((c) => c.ticket_no)).size, 4, 'distinct ticket numbers');
    assert.ok(cases.every((c) => c.status === 'received' && c.round === 1));
    annCase = cases.find((c) => c.from_address === 'ann@a.example')!.id;

    // Each new case: one thread message from its inbound row, one acknowledgement, one audit entry.
    for (const c of cases) {
      const msgs = await q('SELECT direction, inbound_id, message_id FROM consultation_messages WHERE consultation_id = $1', [c.id]);
      assert.equal(msgs.length, 1);
      const acks = await q<{ status: string; headers: Record<string, string>; body_text: string; dedup_key: string }>(
        `SELECT status, headers, body_text, dedup_key FROM outbound_messages WHERE consultation_id = $1 AND kind = 'ack'`,
        [c.id],
      );
      assert.equal(acks.length, 1);
      assert.equal(acks[0].status, 'queued');
      assert.equal(acks[0].dedup_key, `ack:${c.id}`);
      assert.equal(acks[0].headers['Auto-Submitted'], 'auto-replied');
      assert.match(acks[0].headers['Reply-To'], new RegExp(`\\+${c.reply_token}@`));
      assert.match(acks[0].body_text, new RegExp(`CC-${String(c.ticket_no).padStart(6, '0')}`));
      assert.equal((await q(`SELECT 1 FROM audit_log WHERE action = 'consultation.created' AND consultation_id = $1`, [c.id])).length, 1);
      // Its draft job and its acknowledgement's send job are in Redis.
      assert.ok(await app.ctx.producers.queue('draft').getJob(`dr-${c.id}-r1`), `draft job for ${c.id}`);
    }
    const quota = await q(`SELECT status FROM outbound_messages WHERE kind = 'quota' AND to_address = 'ann@a.example'`);
    assert.equal(quota.length, 1, 'the over-quota question got its notice');
    const accounts = new Set(cases.filter((c) => c.from_address.endsWith('@big.example')).map((c) => c.account_id));
    assert.equal(accounts.size, 1);
    assert.notEqual([...accounts][0], null);
  });

  it('puts the table facts in the acknowledgement, marked preliminary, only for a plan with instant facts', async () => {
    // Off by default: the mixed batch above got none.
    const before = await q<{ body_text: string }>(`SELECT body_text FROM outbound_messages WHERE kind = 'ack'`);
    assert.ok(before.length > 0 && before.every((a) => !a.body_text.includes('Preliminary facts')));
    await q(`UPDATE plans SET instant_facts = true WHERE name = 'pro'`);
    try {
      const [pro, guest] = await store(
        mail({
          from: 'Pia <pia@big.example>',
          subject: 'CMP and BMP',
          body: 'Can 80053 and 80048 be billed on the same DOS?',
          messageId: '<pia@big.example>',
          headers: [dmarcPass('big.example')],
        }),
        mail({ from: 'Gus <gus@g.example>', subject: 'CMP and BMP', body: 'Can 80053 and 80048 be billed on the same DOS?', messageId: '<gus@g.example>' }),
      );
      const out = await handleIngestBatch(app.ctx, [pro, guest]);
      assert.deepEqual([out.get(pro), out.get(guest)], ['question', 'question']);
      const ack = async (to: string) =>
        (
          await q<{ body_text: string; body_html: string }>(`SELECT body_text, body_html FROM outbound_messages WHERE kind = 'ack' AND to_address = $1`, [to])
        )[0];
      const withFacts = await ack('pia@big.example');
      assert.match(withFacts.body_text, /Preliminary facts from the public CMS tables \(not yet an answer/);
      assert.match(withFacts.body_text, /80053 \(column 1\) \/ 80048 \(column 2\): modifier indicator 0/);
      assert.match(withFacts.body_html, /Preliminary facts/);
      // Only the table facts: the direct answer waits for the coder.
      assert.doesNotMatch(withFacts.body_text, /no modifier bypasses/);
      assert.doesNotMatch((await ack('gus@g.example')).body_text, /Preliminary facts/, 'the guest plan has them off');
    } finally {
      await q(`UPDATE plans SET instant_facts = false WHERE name = 'pro'`);
    }
  });

  it('threads a follow-up and opens a new question in the same batch', async () => {
    const [follow, dan] = await store(
      mail({
        from: 'Ann <ann@a.example>',
        subject: 'Re: Is 29881 bundled with 29877?',
        body: 'Also lateral meniscus.',
        messageId: '<ann3@a.example>',
        headers: ['In-Reply-To: <ann1@a.example>'],
      }),
      mail({ from: 'Dan <dan@d.example>', subject: 'Is 64484 an add-on?', body: 'Two levels.', messageId: '<dan1@d.example>' }),
    );
    const out = await handleIngestBatch(app.ctx, [follow, dan]);
    assert.equal(out.get(follow), 'follow_up');
    assert.equal(out.get(dan), 'question');
    const [row] = await q<{ consultation_id: number }>('SELECT consultation_id FROM inbound_messages WHERE id = $1', [follow]);
    assert.equal(row.consultation_id, annCase);
    assert.equal((await q('SELECT 1 FROM consultation_messages WHERE consultation_id = $1', [annCase])).length, 2);
  });

  it('suppresses a second acknowledgement to one address within the period, batch or not', async () => {
    const [e1] = await store(
      mail({ from: 'Eve <eve@big.example>', subject: 'Q1 on 20610', body: 'First.', messageId: '<eve1@big.example>', headers: [dmarcPass('big.example')] }),
    );
    assert.equal((await handleIngestBatch(app.ctx, [e1])).get(e1), 'question');
    const [e2, e3] = await store(
      mail({ from: 'Eve <eve@big.example>', subject: 'Q2 on 99213', body: 'Second.', messageId: '<eve2@big.example>', headers: [dmarcPass('big.example')] }),
      mail({ from: 'Eve <eve@big.example>', subject: 'Q3 on J1885', body: 'Third.', messageId: '<eve3@big.example>', headers: [dmarcPass('big.example')] }),
    );
    const out = await handleIngestBatch(app.ctx, [e2, e3]);
    assert.deepEqual([out.get(e2), out.get(e3)], ['question', 'question']);
    const acks = await q<{ status: string }>(`SELECT status FROM outbound_messages WHERE kind = 'ack' AND to_address = 'eve@big.example' ORDER BY id`);
    assert.deepEqual(
      acks.map((a) => a.status),
      ['queued', 'suppressed', 'suppressed'],
    );
  });

  it('reads a message over the batch read limit (256 KB) on its own, after its batch, with the same outcome', async () => {
    const big = 'Our documentation for this encounter follows. '.repeat(7_000);
    const [g1, h1] = await store(
      mail({ from: 'Gil <gil@g.example>', subject: 'Long note: is 20610 bundled?', body: big, messageId: '<gil1@g.example>' }),
      mail({ from: 'Hal <hal@h.example>', subject: 'Is 99213 separate?', body: 'Modifier 25?', messageId: '<hal1@h.example>' }),
    );
    const [{ size }] = await q<{ size: number }>('SELECT size FROM inbound_messages WHERE id = $1', [g1]);
    assert.ok(size > BATCH_RAW_BYTES && size < 2 * BATCH_RAW_BYTES, `the test message (${size} bytes) is just over the batch read limit`);
    const out = await handleIngestBatch(app.ctx, [g1, h1]);
    assert.deepEqual([out.get(g1), out.get(h1)], ['question', 'question']);
    const [c] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM consultations WHERE from_address IN ('gil@g.example', 'hal@h.example')`);
    assert.equal(c.n, 2);
  });

  it('is a no-op for messages already ingested', async () => {
    const [f1] = await store(mail({ from: 'Fay <fay@f.example>', subject: 'Is 99213 bundled?', body: 'With 20610.', messageId: '<fay1@f.example>' }));
    assert.equal((await handleIngestBatch(app.ctx, [f1])).get(f1), 'question');
    const again = await handleIngestBatch(app.ctx, [f1, f1]);
    assert.equal(again.get(f1), 'already-processed');
    assert.equal((await q(`SELECT 1 FROM consultations WHERE from_address = 'fay@f.example'`)).length, 1);
  });
  it('runs a job again when it completed under an id that now names a waiting row (Redis kept from an earlier database)', async () => {
    // Only this message's job in the queue, so the hand-driven worker below takes it.
    await app.ctx.producers.queue('ingest').obliterate({ force: true });
    const [k1] = await store(mail({ from: 'Kim <kim@k.example>', subject: 'Is 64484 an add-on?', body: 'Two levels.', messageId: '<kim1@k.example>' }));
    // What an earlier database left: the job under this id already completed, the row never processed.
    const worker = new Worker('ingest', undefined, { connection: redisConnection(REDIS_URL, 'worker'), prefix: app.ctx.queuePrefix, autorun: false });
    try {
      const job = await worker.getNextJob('earlier-db');
      assert.equal(job?.id, `in-${k1}`);
      await job!.moveToCompleted('done for another row', 'earlier-db', false);
    } finally {
      await worker.close();
    }
    assert.equal(await (await app.ctx.producers.queue('ingest').getJob(`in-${k1}`))!.getState(), 'completed');

    const swept = await handleSweep(app.ctx, { staleSeconds: 0 });
    assert.equal(swept.rerun, 1);
    assert.equal(await (await app.ctx.producers.queue('ingest').getJob(`in-${k1}`))!.getState(), 'waiting', 'queued to run again');
    assert.equal((await handleIngestBatch(app.ctx, [k1])).get(k1), 'question');
    // Once the row is processed, the sweep leaves it alone.
    assert.equal((await handleSweep(app.ctx, { staleSeconds: 0 })).rerun, 0);
  });
  it('gives a new database under the same QUEUE_PREFIX its own queues, so its row ids never meet the old jobs', async () => {
    const db2 = await createTestDatabase();
    const app2 = await startApp(db2.url);
    try {
      assert.notEqual(app2.ctx.queuePrefix, app.ctx.queuePrefix);
      assert.ok(app2.ctx.queuePrefix.startsWith(`${prefix}:`));
      const [first] = await acceptRawBatch(app2.ctx, [
        {
          mailbox: 'batch',
          uidvalidity: 1,
          uid: 1,
          raw: Buffer.from(mail({ from: 'Lou <lou@l.example>', subject: 'Is 99213 separate?', body: 'Modifier 25?', messageId: '<lou1@l.example>' })),
        },
      ]);
      assert.equal(first.inboundId, 1, 'the new database starts its ids again');
      assert.equal(await (await app2.ctx.producers.queue('ingest').getJob('in-1'))!.getState(), 'waiting', 'and its row gets a job of its own');
    } finally {
      await app2.stop();
      await db2.drop();
    }
  });
});
