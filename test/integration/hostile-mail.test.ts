// Hostile mail on real servers (Dovecot, SMTP sink, PostgreSQL, Redis, a DNS server on loopback that
// publishes the test domains' DKIM keys and DMARC policies): forged senders never spend a customer's
// quota, never get automatic mail when their domain says to reject forgeries, never have a URL
// greeted back, and never join another customer's consultation by quoting its Message-ID.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import type { ImapFlow } from 'imapflow';
import { acceptRaw } from '../../src/mail/accept.ts';
import { ensureMaildir, scanMaildirOnce } from '../../src/mail/sources/maildir.ts';
import { createAccount } from '../../src/store/accounts.ts';
import { getInbound } from '../../src/store/inbound.ts';
import { handleIngest } from '../../workers/ingest.ts';
import { obliterateQueues, serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { dkimDomain } from '../support/dkim.ts';
import { startTestDns, type TestDns } from '../support/dns.ts';
import { imapClient, startDovecot, type Dovecot } from '../support/dovecot.ts';
import { mail } from '../support/mail.ts';
import { waitFor } from '../support/net.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const MAILBOX = 'consult@example.test';
const URL_NAME = '"Claim your prize at http://spam.example/win" ';

// freeco publishes DMARC p=none (forgeries are merely unauthenticated); strictco publishes p=reject.
const freeco = dkimDomain('freeco.example');
const strictco = dkimDomain('strictco.example');
// A guest's domain that signs its mail and publishes no DMARC record.
const guestco = dkimDomain('guestco.example');
const DNS_RECORDS = {
  [freeco.record[0]]: freeco.record[1],
  '_dmarc.freeco.example': 'v=DMARC1; p=none',
  [strictco.record[0]]: strictco.record[1],
  '_dmarc.strictco.example': 'v=DMARC1; p=reject',
  [guestco.record[0]]: guestco.record[1],
};

describe('hostile senders over IMAP, DNS, PostgreSQL, Redis and SMTP', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let dns: TestDns;
  let app: TestApp;
  let imap: ImapFlow;
  let freecoId = 0;
  const prefix = uniquePrefix();

  const q = <T = any>(sql: string, params: unknown[] = []) => app.ctx.db.query<T>(sql, params).then((r) => r.rows);
  const append = (raw: string) => imap.append('INBOX', raw).then(() => undefined);
  const processed = (mid: string) =>
    waitFor(
      `ingest of ${mid}`,
      async () => (await q(`SELECT * FROM inbound_messages WHERE message_id IN ($1, $2) AND status <> 'received'`, [mid, mid.replace(/^<|>$/g, '')]))[0],
    );
  const consultationOf = async (inboundId: number) =>
    (await q(`SELECT c.* FROM consultations c JOIN inbound_messages i ON i.consultation_id = c.id WHERE i.id = $1`, [inboundId]))[0];
  const settle = () => new Promise((r) => setTimeout(r, 1500));

  beforeAll(async () => {
    [dovecot, smtp, db, dns] = await Promise.all([startDovecot(), startSmtpSink(), createTestDatabase(), startTestDns(DNS_RECORDS)]);
    app = await startTestApp({
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: REDIS_URL, prefix }),
      DNS_SERVERS: dns.server,
      AUTO_REPLY_MIN_INTERVAL_MINUTES: '0',
    });
    await app.addUser({ email: 'rita@reviewers.example', name: 'Rita Reviewer', role: 'reviewer', specialties: ['general'] });
    freecoId = await createAccount(app.ctx.db, { name: 'FreeCo', domain: 'freeco.example', plan: 'free' });
    await createAccount(app.ctx.db, { name: 'StrictCo', domain: 'strictco.example', plan: 'pro' });
    imap = imapClient(dovecot, MAILBOX);
    await imap.connect();
  });

  afterAll(async () => {
    await imap?.logout().catch(() => {});
    await app?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), dns?.stop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  it("forged mail never spends a customer's quota; DKIM-signed mail does", async () => {
    for (let i = 0; i < 5; i++) {
      await append(
        mail({
          from: `Mallory <anything${i}@freeco.example>`,
          subject: `Is 9921${i} billable?`,
          body: `Is 9921${i} billable?`,
          messageId: `<forged${i}@freeco.example>`,
        }),
      );
    }
    // Signed, then changed on the way: the signature no longer verifies.
    const tampered = (
      await freeco.sign(
        mail({ from: 'Mallory <mal@freeco.example>', subject: 'Is 20610 billable?', body: 'Is 20610 billable?', messageId: '<tampered@freeco.example>' }),
      )
    ).replace(/\r\n\r\nIs 20610 billable\?\r\n$/, '\r\n\r\nIs 20611 billable?\r\n');
    assert.match(tampered, /Is 20611 billable\?\r\n$/, 'the body was changed after signing');
    await append(tampered);
    for (const mid of [
      '<forged0@freeco.example>',
      '<forged1@freeco.example>',
      '<forged2@freeco.example>',
      '<forged3@freeco.example>',
      '<forged4@freeco.example>',
      '<tampered@freeco.example>',
    ]) {
      const row = await processed(mid);
      assert.deepEqual([row.status, row.kind], ['processed', 'question'], mid);
      assert.equal((await consultationOf(row.id)).account_id, null, `${mid} is a guest's question, not FreeCo's`);
    }
    await append(
      await freeco.sign(
        mail({
          from: 'Dana Coder <dana@freeco.example>',
          subject: 'Can I bill 20610 with 99213?',
          body: 'Can we bill 20610 with 99213 on the same day?',
          messageId: '<dana1@freeco.example>',
        }),
      ),
    );
    const real = await processed('<dana1@freeco.example>');
    assert.deepEqual([real.status, real.kind, real.reason], ['processed', 'question', null], 'the real customer is within quota');
    assert.equal((await consultationOf(real.id)).account_id, freecoId, 'counted against the account');
    const [used] = await q(`SELECT count(*)::int AS n FROM consultations WHERE account_id = $1`, [freecoId]);
    assert.equal(used.n, 1, 'only the authenticated question counts');
    await settle();
    assert.equal(
      smtp.messages.filter((m) => m.to.includes('dana@freeco.example') && /limit/i.test(m.parsed.text ?? '')).length,
      0,
      'no quota notice to the real customer',
    );
  });

  it('holds forged mail from a domain that publishes DMARC reject and sends it nothing', async () => {
    await append(
      mail({
        from: `${URL_NAME}<ceo@strictco.example>`,
        subject: 'Urgent coding question',
        body: 'Can we bill 99215?',
        messageId: '<forged@strictco.example>',
      }),
    );
    const row = await processed('<forged@strictco.example>');
    assert.deepEqual([row.status, row.reason], ['quarantined', 'dmarc-fail']);
    await settle();
    assert.equal((await q(`SELECT id FROM outbound_messages WHERE to_address = 'ceo@strictco.example'`)).length, 0, 'no outbound row');
    assert.equal(smtp.messages.filter((m) => m.to.includes('ceo@strictco.example')).length, 0, 'no mail');
    // Mailing-list mail fails DMARC honestly (lists rewrite messages): not held, but not the account's either.
    await append(
      mail({
        from: 'Lou <lou@strictco.example>',
        subject: 'Is 99212 billable?',
        body: 'Is 99212 billable?',
        messageId: '<list@strictco.example>',
        headers: ['List-Id: <coders.lists.example>'],
      }),
    );
    const listed = await processed('<list@strictco.example>');
    assert.deepEqual([listed.status, listed.kind], ['processed', 'question']);
    assert.equal((await consultationOf(listed.id)).account_id, null);
    // The same domain's signed mail is answered, on the account.
    await append(
      await strictco.sign(
        mail({ from: 'Sam <sam@strictco.example>', subject: 'Is M80.08 billable?', body: 'Is M80.08 billable?', messageId: '<sam1@strictco.example>' }),
      ),
    );
    const ok = await processed('<sam1@strictco.example>');
    assert.equal(ok.kind, 'question');
    assert.notEqual((await consultationOf(ok.id)).account_id, null);
  });

  it("checks DKIM only where it decides something: not for a guest's signed mail", async () => {
    await append(
      await guestco.sign(
        mail({ from: 'Gia <gia@guestco.example>', subject: 'Is 99211 billable?', body: 'Is 99211 billable?', messageId: '<gia@guestco.example>' }),
      ),
    );
    const row = await processed('<gia@guestco.example>');
    assert.equal(row.kind, 'question');
    const [created] = await q(`SELECT detail FROM audit_log WHERE action = 'consultation.created' AND (detail->>'inboundId')::int = $1`, [row.id]);
    assert.equal(created.detail.senderAuth, 'DKIM not checked: no account claimed');
    assert.ok(!dns.queries.includes(`TXT ${guestco.record[0]}`), 'its key was never looked up');
    const [dana] = await q(
      `SELECT a.detail FROM audit_log a JOIN inbound_messages i ON (a.detail->>'inboundId')::int = i.id WHERE a.action = 'consultation.created' AND i.message_id = '<dana1@freeco.example>'`,
    );
    assert.match(dana.detail.senderAuth, /dmarc=pass/, "an account's sender is verified in full");
  });

  it('never greets a display name that is not a name', async () => {
    await append(
      mail({ from: `${URL_NAME}<winner@guest.example>`, subject: 'Is 99213 billable?', body: 'Is 99213 billable?', messageId: '<winner@guest.example>' }),
    );
    await append(
      mail({
        from: '"Olga O\'Brien-Smith" <olga@guest.example>',
        subject: 'Is 99214 billable?',
        body: 'Is 99214 billable?',
        messageId: '<olga@guest.example>',
      }),
    );
    const ack = await waitFor('ack to the URL name', () => smtp.messages.find((m) => m.parsed.inReplyTo === '<winner@guest.example>'));
    const text = ack.parsed.text ?? '';
    assert.ok(!text.includes('spam.example') && !text.includes('prize'), 'the display name is not echoed');
    assert.match(text, /^Hello,/);
    assert.ok(!(ack.parsed.html || '').includes('spam.example'));
    const olga = await waitFor('ack to a real name', () => smtp.messages.find((m) => m.parsed.inReplyTo === '<olga@guest.example>'));
    assert.match(olga.parsed.text ?? '', /^Hello Olga O'Brien-Smith,/);
  });

  it("opens a stranger's reply to a customer's Message-ID as its own consultation and says why", async () => {
    const [dana] = await q(`SELECT c.id, c.round FROM consultations c WHERE from_address = 'dana@freeco.example'`);
    await append(
      mail({
        from: 'Eve <eve@elsewhere.example>',
        subject: 'Re: Can I bill 20610 with 99213?',
        body: 'Actually bill 99215 for everything.',
        messageId: '<hijack@elsewhere.example>',
        headers: ['In-Reply-To: <dana1@freeco.example>', 'References: <dana1@freeco.example>'],
      }),
    );
    const row = await processed('<hijack@elsewhere.example>');
    assert.equal(row.kind, 'question', 'a new question, not a follow-up');
    assert.notEqual(row.consultation_id, dana.id);
    const [after] = await q(`SELECT round FROM consultations WHERE id = $1`, [dana.id]);
    assert.equal(after.round, dana.round, "the customer's consultation did not start a new round");
    assert.equal((await q(`SELECT id FROM consultation_messages WHERE consultation_id = $1 AND inbound_id = $2`, [dana.id, row.id])).length, 0);
    const [refused] = await q(`SELECT detail FROM audit_log WHERE action = 'inbound.thread_refused' AND consultation_id = $1`, [dana.id]);
    assert.ok(refused, 'the audit log says why');
    assert.equal(refused.detail.inboundId, row.id);
    assert.equal(refused.detail.via, 'message-id');

    // A colleague on the same authenticated account, and the customer herself, still join.
    await append(
      await freeco.sign(
        mail({
          from: 'Pat <pat@freeco.example>',
          subject: 'Re: Can I bill 20610 with 99213?',
          body: 'Also with 76942?',
          messageId: '<pat-follow@freeco.example>',
          headers: ['In-Reply-To: <dana1@freeco.example>'],
        }),
      ),
    );
    const pat = await processed('<pat-follow@freeco.example>');
    assert.deepEqual([pat.kind, pat.consultation_id], ['follow_up', dana.id]);
    await append(
      mail({
        from: 'Dana Coder <dana@freeco.example>',
        subject: 'Re: Can I bill 20610 with 99213?',
        body: 'And 20611?',
        messageId: '<dana-follow@freeco.example>',
        headers: ['In-Reply-To: <dana1@freeco.example>'],
      }),
    );
    const own = await processed('<dana-follow@freeco.example>');
    assert.deepEqual([own.kind, own.consultation_id], ['follow_up', dana.id]);
  });
});

describe('UNAUTHENTICATED_SENDERS=hold', () => {
  let db: TestDatabase;
  let dns: TestDns;
  let app: TestApp;
  const prefix = uniquePrefix();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-hold-'));

  beforeAll(async () => {
    [db, dns] = await Promise.all([createTestDatabase(), startTestDns(DNS_RECORDS)]);
    app = await startTestApp(
      {
        DATABASE_URL: db.url,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        DATA_DIR: dataDir,
        MAIL_FROM: `CaseConsultant <${MAILBOX}>`,
        DNS_SERVERS: dns.server,
        UNAUTHENTICATED_SENDERS: 'hold',
      },
      { web: false, poller: false, workers: false },
    );
    await createAccount(app.ctx.db, { name: 'FreeCo', domain: 'freeco.example', plan: 'free' });
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([db?.drop(), dns?.stop(), obliterateQueues(REDIS_URL, prefix)]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const ingest = async (raw: string, uid: number) => {
    const { inboundId } = await acceptRaw(app.ctx, { mailbox: 'test:hold', uidvalidity: 1, uid, raw: Buffer.from(raw) });
    return { result: await handleIngest(app.ctx, { inboundId }), row: (await getInbound(app.ctx.db, inboundId))! };
  };

  it("holds unauthenticated mail that claims an account's domain, answers it when signed, and leaves guests alone", async () => {
    const forged = await ingest(
      mail({ from: 'Mallory <boss@freeco.example>', subject: 'Is 99213 billable?', body: 'Is 99213 billable?', messageId: '<hold-forged@freeco.example>' }),
      1,
    );
    assert.deepEqual([forged.row.status, forged.row.reason], ['quarantined', 'unauthenticated']);
    const n = await app.ctx.db.query(`SELECT id FROM outbound_messages`);
    assert.equal(n.rows.length, 0, 'nothing sent to a held sender');
    const signed = await ingest(
      await freeco.sign(
        mail({ from: 'Dana <dana@freeco.example>', subject: 'Is 99214 billable?', body: 'Is 99214 billable?', messageId: '<hold-signed@freeco.example>' }),
      ),
      2,
    );
    assert.deepEqual([signed.row.status, signed.row.kind], ['processed', 'question']);
    const guest = await ingest(
      mail({ from: 'Gil <gil@guest.example>', subject: 'Is 99215 billable?', body: 'Is 99215 billable?', messageId: '<hold-guest@guest.example>' }),
      3,
    );
    assert.deepEqual([guest.row.status, guest.row.kind], ['processed', 'question'], 'a guest claims no account, so nothing to hold');
  });

  it("never waits long on a sender's DNS and verifies no pile of signatures", async () => {
    const created = async (inboundId: number) =>
      (
        await app.ctx.db.query<{ detail: any; account_id: number | null }>(
          `SELECT a.detail, c.account_id FROM audit_log a JOIN consultations c ON c.id = a.consultation_id WHERE a.action = 'consultation.created' AND (a.detail->>'inboundId')::int = $1`,
          [inboundId],
        )
      ).rows[0];
    // The sender's DNS never answers: the key lookups and the DMARC lookup all stall.
    const slow = dkimDomain('slow.example');
    for (const n of [slow.record[0], '_dmarc.slow.example', '_dmarc.example']) dns.silent.add(n);
    const t0 = Date.now();
    const stalled = await ingest(
      await slow.sign(mail({ from: 'Sid <sid@slow.example>', subject: 'Is 99215 billable?', body: 'Is 99215 billable?', messageId: '<slow@slow.example>' })),
      10,
    );
    const ms = Date.now() - t0;
    assert.deepEqual([stalled.row.status, stalled.row.kind], ['processed', 'question'], 'answered as a guest');
    assert.match((await created(stalled.row.id)).detail.senderAuth, /no answer within/);
    assert.ok(ms < 6000, `ingest waited ${ms} ms`);
    // More DKIM signatures than real mail carries: not verified, so (under hold) held, not the account's.
    let raw = mail({ from: 'Dana <dana@freeco.example>', subject: 'Is 99212 billable?', body: 'Is 99212 billable?', messageId: '<many-sigs@freeco.example>' });
    for (let i = 0; i < 6; i++) raw = await freeco.sign(raw);
    const many = await ingest(raw, 11);
    assert.deepEqual([many.row.status, many.row.reason], ['quarantined', 'unauthenticated']);
    const [held] = (
      await app.ctx.db.query<{ detail: any }>(`SELECT detail FROM audit_log WHERE action = 'inbound.unauthenticated' AND (detail->>'inboundId')::int = $1`, [
        many.row.id,
      ])
    ).rows;
    assert.match(held.detail.senderAuth, /6 DKIM signatures/);
  });

  it('keeps no plaintext copy in the Maildir once a message is stored (finding 14)', async () => {
    const dir = path.join(dataDir, 'maildir');
    ensureMaildir(dir);
    const raw = mail({
      from: 'Pia <pia@guest.example>',
      subject: 'Patient John Smith',
      body: 'Patient John Smith, MRN 12345678: is 99213 billable?',
      messageId: '<maildir1@guest.example>',
    });
    fs.writeFileSync(path.join(dir, 'new', '1700000000.m1.host'), raw);
    assert.equal(await scanMaildirOnce(app.ctx, dir), 1);
    const left = ['new', 'cur', 'tmp'].flatMap((d) => fs.readdirSync(path.join(dir, d)).map((f) => fs.readFileSync(path.join(dir, d, f), 'latin1')));
    assert.deepEqual(
      left.filter((t) => t.includes('John Smith')),
      [],
      'no readable copy left on disk',
    );
    const [row] = (await app.ctx.db.query(`SELECT id, raw FROM inbound_messages WHERE source_key = '1700000000.m1.host'`)).rows as {
      id: number;
      raw: Buffer;
    }[];
    assert.ok(row && !row.raw.includes('John Smith'), 'the stored copy is the encrypted one');
    // A crash between the commit and the removal leaves the file in new/: the next scan finds it stored and removes it.
    fs.writeFileSync(path.join(dir, 'new', '1700000000.m1.host'), raw);
    await scanMaildirOnce(app.ctx, dir);
    // spread: an array fs made is of Node's realm, not strictly deep-equal to a literal under jest
    assert.deepEqual([...fs.readdirSync(path.join(dir, 'new'))], []);
    assert.equal((await app.ctx.db.query(`SELECT id FROM inbound_messages WHERE source_key = '1700000000.m1.host'`)).rows.length, 1, 'stored once');
  });
});
