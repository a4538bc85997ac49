// Several mailboxes in one database: IMAP_URL (the shortcut) plus a mailbox added with the CLI and one
// added on the admin page. Each question's acknowledgement and answer leave from the mailbox it came
// to (From, Reply-To, envelope), a mailbox's default plan applies to its senders without an account,
// the same message delivered to two mailboxes is one consultation, and /readyz, /metrics, the CLI
// and the admin page name the poller holding each mailbox.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { jest, beforeAll, afterAll, describe, it } from '@jest/globals';
import { startDovecot, appendMessage, type Dovecot } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/net.ts';
import { mail } from '../support/mail.ts';
import { createSession } from '../../src/store/console-sessions.ts';

// node:test bounded the whole suite by this; jest bounds each test and hook by it.
jest.setTimeout(180_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const CONSULT = 'consult@example.test';
const BILLING = 'billing@example.test';
const CLAIMS = 'claims@example.test';
const run = promisify(execFile);

describe('several mailboxes in one database', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let app: TestApp;
  let env: Record<string, string>;
  let token: string;
  let cookie: string;
  const prefix = uniquePrefix();

  const cli = (...args: string[]) =>
    run(process.execPath, [path.resolve('bin/caseconsultant.js'), 'mailboxes', ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' } });

  beforeAll(async () => {
    [dovecot, smtp, db] = await Promise.all([
      startDovecot({ [CONSULT]: 'consult-pass', [BILLING]: 'billing-pass', [CLAIMS]: 'claims-pass' }),
      startSmtpSink(),
      createTestDatabase(),
    ]);
    env = {
      ...serversEnv({ dovecot, mailbox: CONSULT, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: REDIS_URL, prefix }),
      AUTO_REPLY_MIN_INTERVAL_MINUTES: '0',
      POLLER_LEASE_SECONDS: '3',
    };
    // Added before anything runs, the way an operator would.
    const added = await cli(
      'add',
      '--name',
      'billing',
      '--imap-url',
      `imap://${encodeURIComponent(BILLING)}:billing-pass@127.0.0.1:${dovecot.port}/INBOX`,
      '--from',
      `Billing Desk <${BILLING}>`,
      '--plan',
      'pro',
      '--specialty',
      'hcpcs',
    );
    assert.match(added.stdout, /mailbox \d+ billing: imap:billing@example.test@127\.0\.0\.1:\d+\/INBOX/);
    app = await startTestApp(env);
    const admin = await app.addUser({ email: 'ada@reviewers.example', name: 'Ada Admin', role: 'admin', specialties: ['hcpcs', 'surgery', 'em', 'general'] });
    token = admin.token;
    cookie = `cc_session=${await createSession(app.ctx.db, app.config, admin.id, 'password')}`;
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  const consultationFrom = (from: string) =>
    waitFor(
      `consultation from ${from}`,
      async () => {
        const r = await app.ctx.db.query<{ id: number; mailbox: string; specialty: string | null; status: string }>(
          `SELECT id, mailbox, specialty, status FROM consultations WHERE from_address = $1`,
          [from],
        );
        return r.rows[0]?.status === 'awaiting_review' ? r.rows[0] : null;
      },
      30_000,
    );

  it('answers each question from the mailbox it came to', async () => {
    await appendMessage(
      dovecot,
      CONSULT,
      mail({
        from: 'Dana <dana@clinic.example>',
        to: CONSULT,
        subject: 'Can I bill 20610 with 99213?',
        body: 'Same day, DOS 02/10/2026?',
        messageId: '<mb-1@clinic.example>',
      }),
    );
    await appendMessage(
      dovecot,
      BILLING,
      mail({ from: 'Ben <ben@clinic.example>', to: BILLING, subject: 'Units for J1885?', body: 'How many units per day?', messageId: '<mb-2@clinic.example>' }),
    );
    const [a, b] = await Promise.all([consultationFrom('dana@clinic.example'), consultationFrom('ben@clinic.example')]);
    assert.match(a.mailbox, /^imap:consult@example\.test@/);
    assert.match(b.mailbox, /^imap:billing@example\.test@/);

    for (const [c, text] of [
      [a, 'Answer for Dana'],
      [b, 'Answer for Ben'],
    ] as const) {
      const r = await app.api(`/api/consultations/${c.id}/approve`, { method: 'POST', token, body: { text } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
    }
    const answer = (text: string) => waitFor(text, () => smtp.messages.find((m) => (m.parsed.text ?? '').includes(text)), 30_000);
    const [toDana, toBen] = await Promise.all([answer('Answer for Dana'), answer('Answer for Ben')]);
    assert.equal(toDana.parsed.from?.value[0].address, CONSULT);
    assert.equal(toBen.parsed.from?.value[0].address, BILLING);
    assert.equal(toBen.parsed.from?.value[0].name, 'Billing Desk');
    assert.match(String(toBen.parsed.replyTo?.value[0].address), /^billing\+[\w-]+@example\.test$/, 'a reply to it comes back to the billing mailbox');
    assert.match(String(toDana.parsed.replyTo?.value[0].address), /^consult\+[\w-]+@example\.test$/);
    assert.match(toBen.from, /^billing\+verp-/, 'bounces come back to the billing mailbox too');
    const acks = smtp.messages.filter((m) => m.parsed.headers.get('auto-submitted') === 'auto-replied');
    assert.equal(acks.find((m) => m.to[0] === 'ben@clinic.example')?.parsed.from?.value[0].address, BILLING, 'the acknowledgement too');
    assert.equal(acks.find((m) => m.to[0] === 'dana@clinic.example')?.parsed.from?.value[0].address, CONSULT);
  });

  it("gives a mailbox's senders without an account its default plan, and its default specialty when the codes name none", async () => {
    const plans = await app.ctx.db.query<{ from_address: string; plan: string }>(
      `SELECT c.from_address, a.detail->>'plan' AS plan FROM audit_log a JOIN consultations c ON c.id = a.consultation_id WHERE a.action = 'consultation.created'`,
    );
    const byFrom = Object.fromEntries(plans.rows.map((r) => [r.from_address, r.plan]));
    assert.equal(byFrom['ben@clinic.example'], 'pro');
    assert.equal(byFrom['dana@clinic.example'], 'guest');
    await appendMessage(
      dovecot,
      BILLING,
      mail({
        from: 'Bo <bo@clinic.example>',
        to: BILLING,
        subject: 'A general question',
        body: 'Who do I ask about remittance advice?',
        messageId: '<mb-3@clinic.example>',
      }),
    );
    const c = await consultationFrom('bo@clinic.example');
    assert.equal(c.specialty, 'hcpcs');
  });

  it('keeps one consultation for a message sent to two of our mailboxes, stored once per mailbox', async () => {
    const both = mail({
      from: 'Cy <cy@clinic.example>',
      to: `${CONSULT}, ${BILLING}`,
      subject: 'Modifier 59 on 64483?',
      body: 'Is 59 right here?',
      messageId: '<mb-both@clinic.example>',
    });
    await appendMessage(dovecot, CONSULT, both);
    await appendMessage(dovecot, BILLING, both);
    const rows = await waitFor(
      'both stored and ingested',
      async () => {
        const r = await app.ctx.db.query<{ mailbox: string; status: string }>(
          `SELECT mailbox, status FROM inbound_messages WHERE message_id LIKE '%mb-both@clinic.example%' ORDER BY id`,
        );
        return r.rows.length === 2 && r.rows.every((x) => x.status !== 'received') ? r.rows : null;
      },
      30_000,
    );
    assert.notEqual(rows[0].mailbox, rows[1].mailbox);
    assert.deepEqual(rows.map((r) => r.status).sort(), ['duplicate', 'processed']);
    const n = await app.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM consultations WHERE from_address = 'cy@clinic.example'`);
    assert.equal(n.rows[0].n, 1);
  });

  it('names the poller holding each mailbox in /readyz, /metrics and the CLI', async () => {
    const ready = await waitFor('both leases held', async () => {
      const r = await app.api('/readyz', { token: null });
      return r.body.mailboxes?.default?.holder && r.body.mailboxes?.billing?.holder ? r.body : null;
    });
    assert.equal(ready.mailboxes.default.holder, ready.mailboxes.billing.holder, 'one poller holds both');
    assert.match(ready.mailboxes.billing.holder, new RegExp(`:${process.pid}:`));
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    assert.match(metrics, /cc_mailbox_lease\{mailbox="billing",holder="[^"]+"\} 1/);
    const listed = await cli('list');
    assert.match(listed.stdout, /^billing\t.*held by \S+ \(fence \d+/m);
    assert.match(listed.stdout, /^default\t.*held by /m);
  });

  it('adds and removes a mailbox on the admin page; the running poller follows', async () => {
    const get = async () => {
      const res = await fetch(`${app.baseUrl}/admin/mailboxes`, { headers: { cookie } });
      assert.equal(res.status, 200);
      return res.text();
    };
    const page = await get();
    assert.match(page, /data-mailbox="billing"/);
    const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)![1];
    const post = (url: string, form: Record<string, string>) =>
      fetch(`${app.baseUrl}${url}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...form }),
      });
    const added = await post('/admin/mailboxes', {
      name: 'claims',
      imapUrl: `imap://${encodeURIComponent(CLAIMS)}:claims-pass@127.0.0.1:${dovecot.port}/INBOX`,
      imapAuth: 'password',
      from: `Claims <${CLAIMS}>`,
      oauth2Provider: '',
    });
    assert.equal(added.status, 303);
    const stored = await app.ctx.db.query<{ imap_url: string; imap_password: Buffer }>(`SELECT imap_url, imap_password FROM mailboxes WHERE name = 'claims'`);
    assert.ok(
      !stored.rows[0].imap_url.includes('claims-pass') && !stored.rows[0].imap_password.includes(Buffer.from('claims-pass')),
      'the password is stored sealed, not in the URL',
    );
    await appendMessage(
      dovecot,
      CLAIMS,
      mail({
        from: 'Cleo <cleo@clinic.example>',
        to: CLAIMS,
        subject: 'Denied 99213?',
        body: 'Why was 99213 denied?',
        messageId: '<mb-claims@clinic.example>',
      }),
    );
    const c = await consultationFrom('cleo@clinic.example');
    assert.match(c.mailbox, /^imap:claims@/);
    await waitFor('claims lease shown on the page', async () => /data-mailbox="claims"[\s\S]*?data-lease="held"/.test(await get()));

    const removed = await post('/admin/mailboxes/claims/remove', {});
    assert.equal(removed.status, 303);
    assert.doesNotMatch(await get(), /data-mailbox="claims"/);
    const audits = await app.ctx.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'admin.mailbox_%' ORDER BY id`);
    assert.deepEqual(
      audits.rows.map((r) => r.action),
      ['admin.mailbox_added', 'admin.mailbox_added', 'admin.mailbox_removed'],
    );
    // Refused: a second mailbox for the same IMAP user and folder.
    const dup = await post('/admin/mailboxes', {
      name: 'again',
      imapUrl: `imap://${encodeURIComponent(BILLING)}:x@127.0.0.1:${dovecot.port}/INBOX`,
      imapAuth: 'password',
      oauth2Provider: '',
    });
    assert.equal(dup.status, 409);
  });
});
