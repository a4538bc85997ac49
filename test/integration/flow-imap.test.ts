// The whole flow on real servers: a question APPENDed to Dovecot comes back as an approved, threaded
// reply at a real SMTP server, with the acknowledgement before it.
import assert from 'node:assert/strict';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { startDovecot, type Dovecot, appendMessage } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/net.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const MAILBOX = 'consult@example.test';

function question(opts: { messageId: string; subject: string; body: string; from?: string; extra?: string }): string {
  return [
    `From: ${opts.from ?? 'Dana Coder <dana@clinic.example>'}`,
    `To: ${MAILBOX}`,
    `Subject: ${opts.subject}`,
    `Message-ID: ${opts.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    ...(opts.extra ? [opts.extra] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body,
    '',
  ].join('\r\n');
}

describe('question to reply over IMAP, PostgreSQL, Redis and SMTP', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let app: TestApp;
  let reviewerToken: string;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    [dovecot, smtp, db] = await Promise.all([startDovecot(), startSmtpSink(), createTestDatabase()]);
    app = await startTestApp({
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: REDIS_URL, prefix }),
      // One guest asks twice here and expects both answered and acknowledged; quotas and the
      // auto-reply rate limit have their own test (hygiene.test.ts).
      PLANS: '{"guest":{"total":null}}',
      AUTO_REPLY_MIN_INTERVAL_MINUTES: '0',
    });
    reviewerToken = (await app.addUser({ email: 'rita@reviewers.example', name: 'Rita Reviewer', role: 'reviewer', specialties: ['surgery', 'radiology'] }))
      .token;
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  it('drafts, routes, approves and replies in the same thread', async () => {
    const messageId = '<q1.2026@clinic.example>';
    await appendMessage(
      dovecot,
      MAILBOX,
      question({
        messageId,
        subject: 'Can I bill 20610 with 99213?',
        body: 'Hello,\n\nCan we bill CPT 20610 together with 99213 on the same day? DOS 02/10/2026.\n\nThanks, Dana',
      }),
    );

    const listed = await waitFor('awaiting_review', async () => {
      const r = await app.api('/api/consultations?status=awaiting_review', { token: reviewerToken });
      return r.status === 200 && r.body.length === 1 ? r.body : null;
    });
    const item = listed[0];
    assert.match(item.ticket, /^CC-\d{6}$/);
    assert.equal(item.subject, 'Can I bill 20610 with 99213?');
    assert.equal(item.from, 'dana@clinic.example');
    assert.equal(item.assignee?.name, 'Rita Reviewer');

    const detail = await app.api(`/api/consultations/${item.id}`, { token: reviewerToken });
    assert.equal(detail.status, 200);
    assert.equal(detail.body.thread.length, 1);
    assert.equal(detail.body.thread[0].direction, 'in');
    assert.ok(detail.body.draft, 'a draft exists');
    assert.match(detail.body.draft.text, /20610/);
    assert.match(detail.body.draft.text, /99213/);

    // The acknowledgement went out on receipt, marked as automatic, in the thread.
    const ack = await waitFor('acknowledgement', () => smtp.messages.find((m) => m.parsed.headers.get('auto-submitted') === 'auto-replied'));
    assert.deepEqual(ack.to, ['dana@clinic.example']);
    assert.equal(ack.parsed.inReplyTo, messageId);
    assert.match(ack.parsed.subject ?? '', new RegExp(`^Re: \\[${item.ticket}\\] Can I bill 20610 with 99213\\?$`));
    assert.match(ack.parsed.text ?? '', new RegExp(item.ticket));

    const approved = await app.api(`/api/consultations/${item.id}/approve`, {
      method: 'POST',
      token: reviewerToken,
      body: { text: 'Yes, with modifier 25 when documented separately.' },
    });
    assert.equal(approved.status, 202);

    const answer = await waitFor('answer', () => smtp.messages.find((m) => (m.parsed.text ?? '').includes('modifier 25 when documented')));
    assert.deepEqual(answer.to, ['dana@clinic.example']);
    assert.equal(answer.parsed.inReplyTo, messageId);
    const refs = ([] as string[]).concat(answer.parsed.references ?? []);
    assert.ok(refs.includes(messageId), 'References carries the question');
    assert.equal(answer.parsed.subject, `Re: [${item.ticket}] Can I bill 20610 with 99213?`);
    assert.ok((answer.parsed.html || '').includes('modifier 25'), 'HTML part too');
    assert.equal(answer.parsed.headers.get('auto-submitted'), undefined, 'a reviewed answer is not automatic');

    // Our Message-ID was stored before sending and is the one that arrived.
    const out = await app.ctx.db.query<{ message_id: string; status: string }>(
      `SELECT message_id, status FROM outbound_messages WHERE kind = 'answer' AND consultation_id = $1`,
      [item.id],
    );
    assert.equal(out.rows[0].message_id, answer.parsed.messageId);
    const sent = await waitFor('status sent', async () => {
      const r = await app.api(`/api/consultations/${item.id}`, { token: reviewerToken });
      return r.body.status === 'sent' ? r.body : null;
    });
    assert.equal(sent.thread.length, 2);

    // Stored first, flagged after: the message is \Seen and the cursor moved past it.
    const cursor = await app.ctx.db.query<{ last_uid: number }>('SELECT last_uid FROM mailbox_cursors');
    assert.ok(Number(cursor.rows[0].last_uid) >= 1);

    // Approving twice is refused, not sent twice.
    const again = await app.api(`/api/consultations/${item.id}/approve`, { method: 'POST', token: reviewerToken, body: {} });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'WRONG_STATE');
    assert.equal(smtp.messages.filter((m) => (m.parsed.text ?? '').includes('modifier 25 when documented')).length, 1);
  });

  it('refuses requests without a valid token and answers unknown ids with 404', async () => {
    assert.equal((await app.api('/api/consultations', { token: null })).status, 401);
    assert.equal((await app.api('/api/consultations', { token: 'cc_not-a-token' })).status, 401);
    const missing = await app.api('/api/consultations/999999', { token: reviewerToken });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'CONSULTATION_NOT_FOUND');
    assert.equal((await app.api('/api/consultations/abc', { token: reviewerToken })).status, 404);
    assert.equal((await app.api('/api/consultations?status=bogus', { token: reviewerToken })).status, 400);
    assert.equal((await app.api('/healthz', { token: null })).status, 200);
  });

  it('keeps an unanswerable message, marks it and goes on with the next one', async () => {
    const before = smtp.messages.length;
    await appendMessage(
      dovecot,
      MAILBOX,
      ['To: consult@example.test', 'Subject: no sender here', 'Message-ID: <nosender@x.example>', '', 'body', ''].join('\r\n'),
    );
    await appendMessage(
      dovecot,
      MAILBOX,
      question({ messageId: '<q2@clinic.example>', subject: 'Units for J1885', body: 'How many units of J1885 can we bill per day?' }),
    );
    const row = await waitFor('quarantined', async () => {
      const r = await app.ctx.db.query<{ status: string; kind: string }>(
        `SELECT status, kind FROM inbound_messages WHERE message_id = '<nosender@x.example>' OR message_id = 'nosender@x.example'`,
      );
      return r.rows[0];
    });
    assert.equal(row.status, 'quarantined');
    await waitFor('second question drafted', async () => {
      const r = await app.api('/api/consultations?status=awaiting_review', { token: reviewerToken });
      return r.body.find((c: { subject: string }) => c.subject === 'Units for J1885');
    });
    const raw = await app.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_messages');
    assert.equal(raw.rows[0].n, 3, 'every message is kept');
    // Only the second question's acknowledgement went out; nothing to the sender-less message.
    await waitFor('ack for q2', () => smtp.messages.length > before);
    assert.ok(smtp.messages.slice(before).every((m) => m.parsed.inReplyTo !== '<nosender@x.example>'));
  });
});
