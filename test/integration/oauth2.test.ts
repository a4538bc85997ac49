// OAuth2 sign-in end to end on real servers: Dovecot's oauth2 passdb checking each token at the test's
// own provider (token + introspection endpoints, tokens that live 3 s), and an smtp-server that takes
// only XOAUTH2. A question read over IMAP XOAUTH2, its acknowledgement sent over SMTP XOAUTH2, a
// refresh after expiry, a revoked token recovered through a refresh, and a rotated refresh token used
// from then on, by this process and by the next one. No token reaches a log.
import assert from 'node:assert/strict';
import { jest, beforeAll, afterAll, describe, it } from '@jest/globals';
import { startDovecot, appendMessage, type Dovecot } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/net.ts';
import { startFakeIdp, type FakeIdp } from '../support/oauth-idp.ts';
import { question, spyLog, type LogRecord } from '../support/ops.ts';
import { connectImap } from '../../src/mail/sources/imap.ts';
import { envImapTarget } from '../../src/mail/mailbox-specs.ts';
import { parseMailboxInput } from '../../src/mail/mailbox-input.ts';
import { addMailbox } from '../../src/store/mailboxes.ts';
import { rawEncryptionKey } from '../../src/raw-key.ts';

// node:test bounded the whole suite by this; jest bounds each test and hook by it.
jest.setTimeout(120_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const USER = 'consult@example.test';
const BILLING = 'billing@example.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OAuth2 sign-in for IMAP and SMTP', () => {
  let idp: FakeIdp;
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let app: TestApp;
  let logs: LogRecord[];
  let seed: string;
  const smtpAuth: { user: string; ok: boolean }[] = [];
  const prefix = uniquePrefix();

  const env = () => ({
    IMAP_URL: `imap://${encodeURIComponent(USER)}@127.0.0.1:${dovecot.port}/INBOX`,
    IMAP_AUTH: 'oauth2',
    SMTP_URL: `smtp://${encodeURIComponent(USER)}@127.0.0.1:${smtp.port}`,
    SMTP_AUTH: 'oauth2',
    OAUTH2_TOKEN_URL: idp.tokenUrl,
    OAUTH2_CLIENT_ID: idp.clientId,
    OAUTH2_CLIENT_SECRET: idp.clientSecret,
    OAUTH2_REFRESH_TOKEN: seed,
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    MAIL_FROM: `CaseConsultant <${USER}>`,
    DATA_DIR: `${dovecot.root}/var`,
    AUTO_REPLY_MIN_INTERVAL_MINUTES: '0',
    POLLER_LEASE_SECONDS: '3',
    PLANS: '{"guest":{"total":null}}',
  });
  const consultations = async () => Number((await app.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations')).rows[0].n);
  const acksSent = async () =>
    Number((await app.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbound_messages WHERE kind = 'ack' AND status = 'sent'`)).rows[0].n);

  beforeAll(async () => {
    idp = await startFakeIdp({ ttlSeconds: 3 });
    seed = idp.grant(USER);
    [dovecot, smtp, db] = await Promise.all([
      // XOAUTH2 only, so imapflow signs in with it (it prefers OAUTHBEARER when offered).
      startDovecot({ [USER]: 'consult-pass', [BILLING]: 'billing-pass' }, { oauth2: { introspectionUrl: idp.introspectUrl, mechanisms: ['xoauth2'] } }),
      startSmtpSink({ oauth2: (t) => idp.check(t), authLog: smtpAuth }),
      createTestDatabase(),
    ]);
    app = await startTestApp(env());
    logs = spyLog(app.ctx);
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), idp?.stop(), db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  it('reads a question over IMAP XOAUTH2 and sends its acknowledgement over SMTP XOAUTH2', async () => {
    await appendMessage(dovecot, USER, question(0, 'oa'));
    await waitFor('consultation', async () => (await consultations()) === 1);
    const ack = await waitFor('acknowledgement at the SMTP server', () => smtp.messages[0]);
    assert.equal(ack.user, USER, 'the sender signed in over XOAUTH2 as the mailbox user');
    assert.ok(
      idp.introspections.some((i) => i.active),
      'Dovecot checked an access token at the provider',
    );
    assert.ok(idp.issued.length >= 1);
    assert.equal(idp.refreshesWith[0], seed, 'the first token came from the configured refresh token');
    // One provider per credential in the process: the poller and the sender shared the token.
    assert.equal(idp.issued.length, 1, 'poller and sender share one access token');
    const log = await import('node:fs').then((fs) => fs.readFileSync(`${dovecot.root}/dovecot.log`, 'utf8'));
    assert.match(log, /method=XOAUTH2/i, 'Dovecot saw an XOAUTH2 sign-in');
  });

  it('signs in over OAUTHBEARER where the server offers it', async () => {
    const other = await startDovecot(undefined, { oauth2: { introspectionUrl: idp.introspectUrl, mechanisms: ['oauthbearer', 'xoauth2'] } });
    try {
      const c = await connectImap({ ...envImapTarget(app.ctx)!, port: other.port });
      await c.logout();
      const log = await import('node:fs').then((fs) => fs.readFileSync(`${other.root}/dovecot.log`, 'utf8'));
      assert.match(log, /method=OAUTHBEARER/);
    } finally {
      await other.stop();
    }
  });

  it('refreshes an expired token, for a new IMAP session and for the next send', async () => {
    const issued = idp.issued.length;
    await sleep(idp.ttlSeconds * 1000 + 200);
    // A new IMAP sign-in (readiness signs in as the poller does, through the same token provider).
    const introspected = idp.introspections.length;
    const ready = await app.api('/readyz', { token: null });
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.ok(idp.issued.length > issued, 'a new access token was issued after expiry');
    assert.equal(idp.introspections.at(-1)!.token, idp.issued.at(-1), 'IMAP signed in with the new token');
    assert.ok(
      idp.introspections.slice(introspected).every((i) => i.active),
      'the expired token was never offered',
    );
    // The poller's IDLE session outlives its token (servers check a token at sign-in only) and reads on.
    await appendMessage(dovecot, USER, question(1, 'oa'));
    await waitFor('second consultation', async () => (await consultations()) === 2, 30_000);
    await waitFor('second acknowledgement', async () => (await acksSent()) === 2, 30_000);
    assert.ok(
      smtpAuth.every((a) => a.ok),
      'no expired token was ever offered to the SMTP server',
    );
  });

  it('recovers from a revoked access token through a refresh (IMAP and SMTP)', async () => {
    // The provider revokes every token it has issued (consent reset, password change), before expiry.
    idp.ttlSeconds = 60;
    // Let the 3 s tokens lapse, so the one held now is a 60 s token that only revocation can stop.
    await sleep(3200);
    assert.equal((await app.api('/readyz', { token: null })).status, 200);
    const current = idp.issued.at(-1)!;
    for (const t of idp.issued) idp.revoke(t);
    const refusedBefore = idp.introspections.filter((i) => !i.active).length;
    const issued = idp.issued.length;
    // Signed in the poller's way, with the app's shared provider (not /readyz: after a refused sign-in
    // Dovecot makes the next one from the address wait a few seconds, past readiness's 5 s limit).
    const c = await connectImap(envImapTarget(app.ctx)!);
    await c.logout();
    assert.ok(
      idp.introspections.some((i) => !i.active && i.token === current),
      'IMAP offered the revoked token, was refused, and signed in with a refreshed one',
    );
    // The IMAP refusal already replaced the shared token; revoke that one too, for the sender to meet.
    for (const t of idp.issued) idp.revoke(t);
    await appendMessage(dovecot, USER, question(2, 'oa'));
    await waitFor('third consultation', async () => (await consultations()) === 3, 30_000);
    await waitFor('third acknowledgement', async () => (await acksSent()) === 3, 30_000);
    assert.ok(idp.introspections.filter((i) => !i.active && i.token === current).length > 0, 'the revoked token was offered and refused');
    assert.ok(idp.introspections.filter((i) => !i.active).length > refusedBefore);
    assert.ok(idp.issued.length > issued, 'a refresh replaced it');
    assert.ok(
      smtpAuth.some((a) => !a.ok),
      'the SMTP server refused the revoked token once',
    );
    assert.ok(smtpAuth.at(-1)!.ok, 'and took the refreshed one');
  });

  it('stores a rotated refresh token, sealed, and uses it from then on, also after a restart', async () => {
    idp.rotate = true;
    // Long enough to outlast the few seconds Dovecot makes a sign-in wait after a refused one.
    idp.ttlSeconds = 10;
    for (const t of idp.issued) idp.revoke(t);
    await (await connectImap(envImapTarget(app.ctx)!)).logout();
    await appendMessage(dovecot, USER, question(3, 'oa'));
    await waitFor('fourth consultation', async () => (await consultations()) === 4, 30_000);
    const stored = await app.ctx.db.query<{ token: Buffer }>('SELECT token FROM oauth2_refresh_tokens');
    assert.equal(stored.rows.length, 1, 'the rotated refresh token is stored');
    const rotatedSoFar = idp.refreshesWith.filter((r) => r !== seed);
    for (const r of [seed, ...rotatedSoFar]) assert.ok(!stored.rows[0].token.includes(Buffer.from(r)), 'stored sealed, not in clear');
    // The seed no longer works at the provider: only the stored chain can sign in now.
    const refusedBefore = idp.refusedRefreshes;
    const since = idp.refreshesWith.length;

    // A new process (a fresh app on the same database) picks the chain up from the database.
    await app.stop();
    app = await startTestApp(env());
    logs.push(...spyLog(app.ctx));
    // Its provider holds no token yet: its first sign-in refreshes, with the stored rotated token.
    await (await connectImap(envImapTarget(app.ctx)!)).logout();
    await appendMessage(dovecot, USER, question(4, 'oa'));
    await waitFor('fifth consultation', async () => (await consultations()) === 5, 30_000);
    await waitFor('fifth acknowledgement', async () => (await acksSent()) === 5, 30_000);
    assert.equal(idp.refusedRefreshes, refusedBefore, 'never went back to a used refresh token');
    const used = idp.refreshesWith.slice(since);
    assert.ok(used.length >= 1, 'the new process refreshed');
    assert.ok(
      used.every((r) => r !== seed),
      'with the rotated token, not the configured one',
    );
  });

  it('polls and answers a mailbox added with its own OAuth2 client and SMTP sign-in', async () => {
    const m = parseMailboxInput({
      name: 'billing',
      imapUrl: `imap://${encodeURIComponent(BILLING)}@127.0.0.1:${dovecot.port}/INBOX`,
      imapAuth: 'oauth2',
      smtpUrl: `smtp://${encodeURIComponent(BILLING)}@127.0.0.1:${smtp.port}`,
      smtpAuth: 'oauth2',
      from: `Billing Desk <${BILLING}>`,
      oauth2TokenUrl: idp.tokenUrl,
      oauth2ClientId: idp.clientId,
      oauth2ClientSecret: idp.clientSecret,
      oauth2RefreshToken: idp.grant(BILLING),
    });
    await addMailbox(app.ctx.db, m, rawEncryptionKey(app.config));
    await appendMessage(dovecot, BILLING, question(5, 'oa').replace(`To: ${USER}`, `To: ${BILLING}`));
    const ack = await waitFor('acknowledgement from billing', () => smtp.messages.find((x) => x.to[0] === 'oa5@clinic5.example'), 30_000);
    assert.equal(ack.user, BILLING, 'signed in to SMTP as the billing mailbox, over XOAUTH2');
    assert.equal(ack.parsed.from?.value[0].address, BILLING);
    assert.ok(
      idp.introspections.some((i) => i.active && idp.check(i.token) === BILLING),
      'IMAP signed in as billing with its own token',
    );
  });

  it('logs no token', () => {
    const text = JSON.stringify(logs);
    for (const t of [...idp.issued, ...idp.refreshesWith, idp.clientSecret]) assert.ok(!text.includes(t), 'a token reached the log');
  });
});
