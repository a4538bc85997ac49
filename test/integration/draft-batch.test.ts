// Batched drafting on real PostgreSQL and Redis: the draft jobs a worker holds at once share their
// reads and one transaction, and each still gets what it would get alone: routing spreads the batch
// over reviewers as one job at a time would, stale and missing jobs get their own outcomes, a retry is
// a no-op, and a consultation the database refuses fails only its own job.
import assert from 'node:assert/strict';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { acceptRawBatch } from '../../src/mail/accept.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, startHandlerApp, type TestApp } from '../support/app.ts';
import { handleIngestBatch } from '../../workers/ingest.ts';
import { draftKey, handleDraftBatch } from '../../workers/draft.ts';
import { mail } from '../support/mail.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

describe('batched drafting on PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let app: TestApp;
  const prefix = uniquePrefix();
  let uid = 0;
  let reviewers: number[] = [];
  const q = <T = any>(sql: string, params: unknown[] = []) => app.ctx.db.query<T>(sql, params).then((r) => r.rows);

  /** New questions from distinct senders, ingested: their consultation ids. */
  const consultations = async (tag: string, n: number) => {
    const raws = Array.from({ length: n }, (_, i) =>
      mail({
        from: `Coder ${i} <${tag}${i}@clinic${i}.example>`,
        subject: `Is 29881 bundled with 29877? (${tag}${i})`,
        body: 'Same knee, same day.',
        messageId: `<${tag}${i}@clinic.example>`,
      }),
    );
    const ids = (
      await acceptRawBatch(
        app.ctx,
        raws.map((raw) => ({ mailbox: 'batch', uidvalidity: 1, uid: ++uid, raw: Buffer.from(raw) })),
      )
    ).map((r) => r.inboundId);
    const out = await handleIngestBatch(app.ctx, ids);
    for (const id of ids) assert.equal(out.get(id), 'question');
    const rows = await q<{ consultation_id: number }>('SELECT consultation_id FROM inbound_messages WHERE id = ANY($1::int[]) ORDER BY id', [ids]);
    return rows.map((r) => r.consultation_id);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startHandlerApp({ databaseUrl: db.url, redisUrl: REDIS_URL, prefix });
    reviewers = [
      (await app.addUser({ email: 'sue@reviewers.example', name: 'Sue', role: 'reviewer', specialties: ['surgery'] })).id,
      (await app.addUser({ email: 'sam@reviewers.example', name: 'Sam', role: 'reviewer', specialties: ['surgery'] })).id,
    ];
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  it('drafts a batch, spreads it over the reviewers, and gives stale and missing jobs their own outcomes', async () => {
    const ids = await consultations('a', 4);
    const stale = draftKey({ consultationId: ids[0], round: 2 });
    const missing = draftKey({ consultationId: 987654, round: 1 });
    const keys = ids.map((id) => draftKey({ consultationId: id, round: 1 }));
    const out = await handleDraftBatch(app.ctx, [...keys, stale, missing]);
    assert.deepEqual(
      keys.map((k) => out.get(k)),
      ['drafted', 'drafted', 'drafted', 'drafted'],
    );
    assert.equal(out.get(stale), 'stale-round');
    assert.equal(out.get(missing), 'gone');

    const rows = await q<{ id: number; status: string; specialty: string; assignee_id: number; drafts: number; audits: number }>(
      `SELECT c.id, c.status, c.specialty, c.assignee_id,
              (SELECT count(*)::int FROM drafts d WHERE d.consultation_id = c.id) AS drafts,
              (SELECT count(*)::int FROM audit_log a WHERE a.consultation_id = c.id AND a.action = 'draft.created') AS audits
       FROM consultations c WHERE c.id = ANY($1::int[]) ORDER BY c.id`,
      [ids],
    );
    for (const r of rows) {
      assert.equal(r.status, 'awaiting_review');
      assert.equal(r.specialty, 'surgery');
      assert.equal(r.drafts, 1);
      assert.equal(r.audits, 1);
    }
    // Read once for the batch, the loads still count what the batch itself assigned: two each.
    const perReviewer = reviewers.map((u) => rows.filter((r) => r.assignee_id === u).length);
    assert.deepEqual(perReviewer, [2, 2]);
    const draft = await q<{ body_text: string; facts: { answer?: { verdict: string }; reviewerNotes?: string[] } }>(
      'SELECT body_text, facts FROM drafts WHERE consultation_id = $1',
      [ids[0]],
    );
    assert.match(draft[0].body_text, /29881/, 'the draft answers the question');
    // The console gets the verdict and the reviewer notes; the emailed text never carries the notes.
    assert.ok(['yes', 'no', 'depends', 'unknown'].includes(draft[0].facts.answer?.verdict ?? ''));
    const notes = draft[0].facts.reviewerNotes ?? [];
    assert.ok(notes.length > 0, 'reviewer notes stored with the facts');
    for (const n of notes) assert.ok(!draft[0].body_text.includes(n), `note not in the reply: ${n}`);
    const notify = await app.ctx.producers.queue('notify').getJobCounts('waiting', 'delayed', 'active');
    assert.equal(notify.waiting + notify.delayed + notify.active, 4, 'one notification per assignment');

    // A retry of the same jobs changes nothing and adds no notification.
    const again = await handleDraftBatch(app.ctx, keys);
    assert.deepEqual(
      keys.map((k) => again.get(k)),
      Array(4).fill('already-awaiting_review'),
    );
    assert.equal((await q('SELECT 1 FROM drafts WHERE consultation_id = ANY($1::int[])', [ids])).length, 4);
    const notifyAgain = await app.ctx.producers.queue('notify').getJobCounts('waiting', 'delayed', 'active');
    assert.equal(notifyAgain.waiting + notifyAgain.delayed + notifyAgain.active, 4);
  });

  it('takes a batch one job at a time when its transaction fails, so only the refused consultation fails', async () => {
    const [good1, bad, good2] = await consultations('b', 3);
    await app.ctx.db.exec(`
      CREATE FUNCTION cc_test_refuse_draft() RETURNS trigger AS $$
      BEGIN IF NEW.consultation_id = ${bad} THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER cc_test_refuse_draft BEFORE INSERT ON drafts FOR EACH ROW EXECUTE FUNCTION cc_test_refuse_draft();`);
    try {
      const keys = [good1, bad, good2].map((id) => draftKey({ consultationId: id, round: 1 }));
      const out = await handleDraftBatch(app.ctx, keys);
      assert.equal(out.get(keys[0]), 'drafted');
      assert.equal(out.get(keys[2]), 'drafted');
      const err = out.get(keys[1]);
      assert.ok(err instanceof Error && /refused by a test trigger/.test(err.message), `the refused one fails with its error: ${err}`);
      const st = await q<{ id: number; status: string }>('SELECT id, status FROM consultations WHERE id = ANY($1::int[]) ORDER BY id', [[good1, bad, good2]]);
      assert.deepEqual(
        st.map((r) => r.status),
        ['awaiting_review', 'drafting', 'awaiting_review'],
        'its job retries from drafting; the others are done',
      );
    } finally {
      await app.ctx.db.exec('DROP TRIGGER cc_test_refuse_draft ON drafts; DROP FUNCTION cc_test_refuse_draft();');
    }
  });
});
