// The reviewer console in a real browser (Debian's chromium via playwright-core) against the whole
// application on real Dovecot, PostgreSQL, Redis and an SMTP server: questions arrive by IMAP, the
// pipeline drafts them, reviewers sign in by emailed link or password and work them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDovecot, type Dovecot, appendMessage } from '../support/dovecot.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, serversEnv, startTestApp, type TestApp } from '../support/app.ts';
import { freePort, waitFor } from '../support/net.ts';
import { setPassword } from '../../src/review/console/credentials.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MAILBOX = 'consult@example.test';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');
const PASSWORD = 'a long test passphrase';

function question(o: { messageId: string; subject: string; body: string; from: string }): string {
  return [
    `From: ${o.from}`,
    `To: ${MAILBOX}`,
    `Subject: ${o.subject}`,
    `Message-ID: ${o.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body,
    '',
  ].join('\r\n');
}

const XSS_SUBJECT = 'Payload <script>window.__xss=1</script> check';
const XSS_BODY = [
  'Is this code billable? <script>window.__xss=2;alert("xss")</script>',
  '<img src=x onerror="window.__xss=3;alert(3)">',
  '<a href="javascript:window.__xss=4">click me</a>',
  'J1885 units please.',
].join('\n\n');

describe('reviewer console in a browser', () => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: TestDatabase;
  let app: TestApp;
  let browser: Browser;
  let base: string;
  const prefix = uniquePrefix();
  const ids: Record<'q1' | 'xss' | 'q3', number> = { q1: 0, xss: 0, q3: 0 };
  let rita: { id: number; token: string };
  let lee: { id: number; token: string };
  let ada: { id: number; token: string };
  let ritaCtx: BrowserContext;
  let ritaPage: Page;

  const consultationBySubject = async (subject: string) => {
    const r = await app.ctx.db.query<{ id: number; status: string; assignee_id: number | null }>(
      'SELECT id, status, assignee_id FROM consultations WHERE subject = $1',
      [subject],
    );
    return r.rows[0];
  };

  async function passwordSignIn(email: string): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ baseURL: base });
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.fill('#pw-email', email);
    await page.fill('#pw-password', PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/queue$/);
    return { ctx, page };
  }

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    [dovecot, smtp, db] = await Promise.all([startDovecot(), startSmtpSink(), createTestDatabase()]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startTestApp({
      ...serversEnv({ dovecot, mailbox: MAILBOX, smtpUrl: smtp.url, databaseUrl: db.url, redisUrl: REDIS_URL, prefix }),
      PORT: String(port),
      PUBLIC_URL: base,
    });
    // The questions arrive before anyone is on staff, so they wait unassigned in the queue.
    await appendMessage(
      dovecot,
      MAILBOX,
      question({
        messageId: '<q1@clinic.example>',
        subject: 'Can I bill 20610 with 99213?',
        body: 'Hello,\n\nCan we bill CPT 20610 together with 99213 on the same day? DOS 02/10/2026.\n\nThanks, Dana',
        from: 'Dana Coder <dana@clinic.example>',
      }),
    );
    await appendMessage(
      dovecot,
      MAILBOX,
      question({ messageId: '<xss@clinic.example>', subject: XSS_SUBJECT, body: XSS_BODY, from: 'Eve Tester <eve@clinic.example>' }),
    );
    await appendMessage(
      dovecot,
      MAILBOX,
      question({
        messageId: '<q3@other.example>',
        subject: 'Units for J1885',
        body: 'How many units of J1885 can we bill per day?',
        from: 'Sam Biller <sam@other.example>',
      }),
    );
    for (const [key, subject] of [
      ['q1', 'Can I bill 20610 with 99213?'],
      ['xss', XSS_SUBJECT],
      ['q3', 'Units for J1885'],
    ] as const) {
      const c = await waitFor(
        `${key} drafted`,
        async () => {
          const row = await consultationBySubject(subject);
          return row?.status === 'awaiting_review' ? row : null;
        },
        60_000,
      );
      assert.equal(c.assignee_id, null);
      ids[key] = c.id;
    }
    rita = await app.addUser({ email: 'rita@reviewers.example', name: 'Rita Reviewer', role: 'reviewer', specialties: ['surgery'] });
    lee = await app.addUser({ email: 'lee@reviewers.example', name: 'Lee Lead', role: 'lead' });
    ada = await app.addUser({ email: 'ada@reviewers.example', name: 'Ada Admin', role: 'admin' });
    await setPassword(app.ctx.db, 'lee@reviewers.example', PASSWORD);
    await setPassword(app.ctx.db, 'ada@reviewers.example', PASSWORD);
    await setPassword(app.ctx.db, 'rita@reviewers.example', PASSWORD);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-quic',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([dovecot?.stop(), smtp?.stop(), db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  it('signs a reviewer in by emailed link; she claims, edits, approves and the reply arrives', async () => {
    ritaCtx = await browser.newContext({ baseURL: base, viewport: { width: 1366, height: 900 } });
    ritaPage = await ritaCtx.newPage();
    const page = ritaPage;
    await page.goto('/queue');
    assert.match(page.url(), /\/login\?next=%2Fqueue$/);
    await page.fill('#magic-email', 'rita@reviewers.example');
    await page.getByRole('button', { name: 'Send link' }).click();
    await page.getByText('a sign-in link is on its way').waitFor();

    const mail = await waitFor('magic link email', () =>
      smtp.messages.find((m) => m.to.includes('rita@reviewers.example') && m.parsed.subject === 'Your CaseConsultant sign-in link'),
    );
    const link = /(http:\/\/\S+\/login\/magic\/[\w-]+)/.exec(mail.parsed.text ?? '')?.[1];
    assert.ok(link?.startsWith(base), 'the link points at the console');
    await page.goto(link!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/queue$/);
    assert.match(await page.locator('.who').innerText(), /Rita Reviewer \(reviewer\)/);
    const cookies = await ritaCtx.cookies();
    const session = cookies.find((c) => c.name === 'cc_session');
    assert.ok(session?.httpOnly, 'session cookie is HttpOnly');
    assert.equal(session?.sameSite, 'Lax');

    // The queue: human status names, the codes and the start of the question, age and time left.
    const rows = page.locator('table.queue tbody tr');
    assert.equal(await rows.count(), 3);
    const q1Row = page.locator(`tr[data-id="${ids.q1}"]`);
    assert.equal(await q1Row.locator('.status').innerText(), 'Ready for review');
    assert.deepEqual(await q1Row.locator('td.codes code').allInnerTexts(), ['20610', '99213']);
    assert.match(await q1Row.locator('.snippet').innerText(), /^Hello, Can we bill CPT 20610 together with 99213/);
    assert.match(await q1Row.locator('td.age').innerText(), /^(just now|\d+m)$/);
    assert.match(await q1Row.locator('td').nth(5).innerText(), /^(1d \d+h|\d+h \d+m) left$/);
    assert.match(await q1Row.locator('td.assignee').innerText(), /unassigned/);
    assert.equal(await page.locator('text=awaiting_review').count(), 0, 'no raw status names');
    assert.match(await page.locator('#keys').innerText(), /Keyboard shortcuts/);
    await shoot(page, 'console-queue');

    // Her profile: the credential and signature her replies carry.
    await page.click('.who');
    await page.waitForURL(/\/profile$/);
    await page.fill('#pf-credential', 'CPC');
    await page.fill('#pf-signature', 'Coding Quality Team\nMon–Fri 8–5 ET');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.waitForURL(/\/profile\?done=saved$/);
    assert.equal(await page.inputValue('#pf-credential'), 'CPC');

    // Keyboard path: j to the row of q1, c to claim it, which opens it.
    await page.goto('/queue');
    const index = await rowIndex(page, ids.q1);
    for (let i = 0; i <= index; i++) await page.keyboard.press('j');
    assert.equal(await page.locator('tr[aria-selected="true"]').getAttribute('data-id'), String(ids.q1));
    await page.keyboard.press('c');
    await page.waitForURL(new RegExp(`/c/${ids.q1}\\?done=claimed$`));
    assert.match(await page.locator('#draft-h').innerText(), /version 1 \(engine\)/);
    assert.equal(await page.locator('#c-assignee').innerText(), 'You');
    assert.equal(await page.locator('#c-status').innerText(), 'Ready for review');
    assert.ok((await page.locator('#facts table').count()) > 0);
    const billable = await page.locator('#facts table').first().locator('tbody tr:not(.desc) td:nth-child(4)').allInnerTexts();
    assert.ok(billable.length > 0 && billable.every((b) => b === 'n/a'), `CPT codes say billable n/a: ${billable}`);

    // The code lookup panel answers from the knowledge base at the question's date of service.
    await page.getByRole('link', { name: '20610', exact: true }).click();
    const lookup = await page.locator('#lookup-result').innerText();
    assert.match(lookup, /20610/);
    assert.match(lookup, /CPT/);
    assert.match(
      await page.locator('#lookup-ptp').innerText(),
      /PTP with this case's codes\s+20610 \/ 99213 \(column 1 \/ column 2\)\s+PTP, as column 1\s+\d+ column 2 code\(s\): /,
    );
    // A code whose edits were all deleted before the date says so, with the codes.
    await page.fill('#lk-code', '72292');
    await page.getByRole('button', { name: 'Look up' }).click();
    const ptp72292 = await page.locator('#lookup-ptp').innerText();
    assert.match(ptp72292, /PTP, as column 1\s+none/);
    assert.match(ptp72292, /Not in force on the date\s+\d+ edit partner\(s\), deleted or not yet effective: .*72291/);

    // Edit: the editor grows with the text (no scrolling inside it), and saving shows the diff.
    const edited = [
      '## Short answer',
      '',
      'EDITED BY RITA: yes, 20610 with 99213 on the same day needs **modifier 25** on the E/M when it is separately identifiable.',
      '',
      '## Why',
      '',
      '- 20610 and 99213 are a PTP pair with modifier indicator 1.',
      '- The E/M must be significant and separately identifiable.',
      '',
      '1. Append 25 to 99213.',
      '2. Document the separate E/M.',
      '',
      ...Array.from({ length: 25 }, (_, i) => `Line ${i + 1} of a long reply that needs room.`),
    ].join('\n');
    await page.fill('#draft-text', edited);
    const box = await page.locator('#draft-text').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    assert.ok(box.scroll <= box.client + 2, `the editor grew to its content (${box.scroll} > ${box.client})`);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/done=edited$/);
    assert.match(await page.locator('#draft-h').innerText(), /version 2 \(edited\)/);
    assert.match(await page.locator('#diff ins').first().innerText(), /\S/);
    assert.ok((await page.locator('#diff del').count()) > 0, 'the engine text removed is shown struck through');
    assert.match(await page.locator('#diff .diff-summary').innerText(), /\+\d+ words · −\d+ words/);
    assert.match(await page.locator('#diff').innerText(), /EDITED BY RITA/);
    await shoot(page, 'console-consultation');

    // a: the confirmation, with exactly what the customer will receive.
    await page.keyboard.press('a');
    await page.waitForURL(new RegExp(`/c/${ids.q1}/confirm$`));
    assert.match(await page.locator('#confirm-to').innerText(), /dana@clinic\.example/);
    assert.match(await page.locator('#confirm-subject').innerText(), /^Re: \[CC-\d{6}\] Can I bill 20610 with 99213\?$/);
    const frame = page.frameLocator('#confirm-html');
    assert.equal(await frame.locator('h2').first().innerText(), 'Short answer');
    assert.equal(await frame.locator('ul > li').count(), 2);
    assert.equal(await frame.locator('ol > li').count(), 2);
    assert.match(await frame.locator('blockquote').innerText(), /Can we bill CPT 20610 together with 99213/);
    assert.match(await frame.locator('body').innerText(), /Rita Reviewer, CPC\nCoding Quality Team/);
    const confirmText = await page.locator('#confirm-text').textContent();
    assert.match(confirmText ?? '', /Short answer\n-{12}\n/);
    await shoot(page, 'console-confirm');
    // Nothing has gone out yet.
    assert.equal(smtp.messages.filter((m) => (m.parsed.text ?? '').includes('EDITED BY RITA')).length, 0);
    assert.equal((await consultationBySubject('Can I bill 20610 with 99213?')).status, 'awaiting_review');

    // a again sends; the console moves on to the next case waiting for her.
    await page.keyboard.press('a');
    await page.waitForURL(/\/c\/\d+\?done=approved&case=CC-\d{6}$/);
    const nextId = Number(/\/c\/(\d+)/.exec(page.url())![1]);
    assert.notEqual(nextId, ids.q1);
    assert.ok([ids.xss, ids.q3].includes(nextId), 'the next case is one still waiting for review');
    assert.match(await page.locator('#done').innerText(), /^CC-\d{6}: approved; the reply is queued/);

    const answer = await waitFor('answer at the SMTP server', () => smtp.messages.find((m) => (m.parsed.text ?? '').includes('EDITED BY RITA')));
    assert.deepEqual(answer.to, ['dana@clinic.example']);
    assert.equal(answer.parsed.inReplyTo, '<q1@clinic.example>');
    assert.match(answer.parsed.subject ?? '', /^Re: \[CC-\d{6}\] Can I bill 20610 with 99213\?$/);
    // The email: headings and lists in HTML, the question quoted, signed with name and credential.
    const html = String(answer.parsed.html);
    assert.match(html, /<h2[^>]*>Short answer<\/h2>/);
    assert.match(html, /<ul[^>]*>\s*<li[^>]*>20610 and 99213 are a PTP pair/);
    assert.match(html, /<ol[^>]*>/);
    assert.match(html, /<strong>modifier 25<\/strong>/);
    assert.match(html, /<blockquote[^>]*>Hello,<br>Can we bill CPT 20610/);
    assert.match(html, /Line 1 of a long reply that needs room\.<br \/>\s*Line 2/, 'a typed line break stays one');
    assert.match(html, /Rita Reviewer, CPC/);
    const text = answer.parsed.text ?? '';
    assert.match(text, /^You asked:\n> Hello,\n> Can we bill CPT 20610 together with 99213/m);
    assert.match(text, /^Short answer\n-{12}$/m);
    assert.match(text, /^ - 20610 and 99213 are a PTP pair/m);
    assert.match(text, /^ 1\. Append 25 to 99213\.$/m);
    assert.match(text, /^Kind regards,\nRita Reviewer, CPC\nCoding Quality Team\nMon–Fri 8–5 ET\nCertified coder, CaseConsultant$/m);
    assert.match(text, /ticket CC-\d{6}/);
    assert.doesNotMatch(text, /[#*]{2}/, 'no Markdown marks left in the plain text');
    // How it looks in a mail client's reading pane, at phone and desktop widths.
    const mailPage = await browser.newPage();
    for (const [name, width] of [
      ['phone', 390],
      ['desktop', 1024],
    ] as const) {
      await mailPage.setViewportSize({ width, height: 900 });
      await mailPage.setContent(html);
      const overflow = await mailPage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at ${width}px (${overflow}px)`);
      await mailPage.screenshot({ path: path.join(ARTIFACTS, `reply-email-${name}.png`), fullPage: true });
    }
    await mailPage.close();
    await page.goto(`/c/${ids.q1}`);
    await waitFor('status sent', async () => (await consultationBySubject('Can I bill 20610 with 99213?')).status === 'sent');
    // The sent state: when, by whom, the Message-ID; no due clock, no dead actions, no stale notice.
    await page.reload();
    assert.equal(await page.locator('#c-status').innerText(), 'Answered');
    assert.equal(await page.locator('#sent-h').innerText(), 'Answer sent');
    assert.equal(await page.locator('#sent-message-id').innerText(), answer.parsed.messageId);
    assert.equal(await page.locator('#sent-by').innerText(), 'Rita Reviewer, CPC');
    assert.match(await page.locator('#sent-at').innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    for (const gone of ['#c-due', '#actions', '#done', '#draft-text', '#claim-btn', '#approve-btn']) {
      assert.equal(await page.locator(gone).count(), 0, `${gone} is not shown once sent`);
    }
    await shoot(page, 'console-sent');

    const actions = (
      await app.ctx.db.query<{ action: string; user_id: number | null }>(
        'SELECT action, user_id FROM audit_log WHERE consultation_id = $1 OR (consultation_id IS NULL AND user_id = $2) ORDER BY id',
        [ids.q1, rita.id],
      )
    ).rows;
    for (const a of ['auth.signed_in', 'consultation.viewed', 'consultation.claimed', 'draft.edited', 'consultation.approved', 'outbound.sent']) {
      assert.ok(
        actions.some((x) => x.action === a),
        `audited: ${a}`,
      );
    }
    assert.ok(
      actions
        .filter((x) => x.action !== 'outbound.sent' && x.action !== 'consultation.created' && x.action !== 'draft.created')
        .every((x) => x.user_id === rita.id),
    );

    // The link worked once; a second use is refused.
    const other = await browser.newContext({ baseURL: base });
    const p2 = await other.newPage();
    await p2.goto(link!);
    await p2.getByRole('button', { name: 'Sign in', exact: true }).click();
    assert.match(await p2.locator('.notice.error').innerText(), /expired or was already used/);
    await other.close();
  });

  it('renders script, onerror and javascript: payloads inert and shows them as text', async () => {
    const page = ritaPage;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`/c/${ids.xss}`);
    assert.equal(res?.status(), 200);
    const csp = res!.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res!.headers()['x-frame-options'], 'DENY');
    await page.waitForTimeout(500);
    const probe = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: number }).__xss ?? null,
      onerror: document.querySelectorAll('[onerror]').length,
      jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
      inlineScripts: [...document.scripts].filter((s) => !s.src).length,
      imgs: document.querySelectorAll('main img').length,
      subject: document.getElementById('c-subject')?.textContent ?? '',
      thread: [...document.querySelectorAll('.msg pre.body')].map((e) => e.textContent).join('\n'),
    }));
    assert.deepEqual(dialogs, []);
    assert.equal(probe.xss, null, 'no payload script ran');
    assert.equal(probe.onerror, 0);
    assert.equal(probe.jsLinks, 0);
    assert.equal(probe.inlineScripts, 0);
    assert.equal(probe.imgs, 0);
    assert.equal(probe.subject, XSS_SUBJECT, 'the subject is shown as text, tags and all');
    assert.ok(probe.thread.includes('<script>window.__xss=2;alert("xss")</script>'), 'script tag shown escaped');
    assert.ok(probe.thread.includes('onerror="window.__xss=3;alert(3)"'), 'onerror shown as text');
    assert.ok(probe.thread.includes('href="javascript:window.__xss=4"'), 'javascript: link shown as text');
    // In the queue too.
    await page.goto('/queue?status=awaiting_review');
    assert.ok((await page.locator('td.subject').allInnerTexts()).some((t) => t.includes('<script>window.__xss=1</script>')));
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null), null);
    assert.deepEqual(dialogs, []);
  });

  it('refuses a form post without its CSRF token (403) and accepts it with one', async () => {
    const without = await ritaCtx.request.post(`/c/${ids.xss}/note`, { form: { body: 'forged note' }, maxRedirects: 0 });
    assert.equal(without.status(), 403);
    const forged = await ritaCtx.request.post(`/c/${ids.xss}/note`, { form: { body: 'forged note', _csrf: 'not-the-token' }, maxRedirects: 0 });
    assert.equal(forged.status(), 403);
    await ritaPage.goto(`/c/${ids.xss}`);
    const token = await ritaPage.locator('meta[name="csrf-token"]').getAttribute('content');
    const ok = await ritaCtx.request.post(`/c/${ids.xss}/note`, { form: { body: 'a real note', _csrf: token! }, maxRedirects: 0 });
    assert.equal(ok.status(), 303);
    const notes = await app.ctx.db.query<{ body: string }>('SELECT body FROM consultation_notes WHERE consultation_id = $1', [ids.xss]);
    assert.deepEqual(
      notes.rows.map((n) => n.body),
      ['a real note'],
    );
  });

  it('gives a reviewer 403 on admin pages and sends signed-out visitors to sign in', async () => {
    const res = await ritaPage.goto('/admin/users');
    assert.equal(res?.status(), 403);
    assert.equal((await app.api('/api/admin/users', { token: rita.token })).status, 403);

    const anon = await browser.newContext({ baseURL: base });
    const page = await anon.newPage();
    const r = await page.goto('/admin');
    assert.match(page.url(), /\/login\?next=%2Fadmin$/);
    assert.equal(r?.status(), 200);
    assert.ok(await page.locator('#pw-email').isVisible());
    await anon.close();
  });

  it('lets a lead reassign; the new assignee opens the signed link from her email and asks the sender for more', async () => {
    const { ctx, page } = await passwordSignIn('lee@reviewers.example');
    await page.goto(`/c/${ids.q3}`);
    await page.getByText('Reassign', { exact: true }).first().click();
    await page.selectOption('#re-user', String(rita.id));
    await page.getByRole('button', { name: 'Reassign' }).click();
    await page.waitForURL(/done=reassigned&case=CC-\d{6}$/);
    assert.match(await page.locator('#done').innerText(), /^CC-\d{6}: reassigned/);
    await page.goto(`/c/${ids.q3}`);
    assert.match(await page.locator('#c-assignee').innerText(), /Rita Reviewer/);
    assert.equal((await consultationBySubject('Units for J1885')).assignee_id, rita.id);
    await ctx.close();

    // Rita's queue says who has a case open (Lee, a moment ago) and that q3 is now hers.
    await ritaPage.goto('/queue');
    assert.equal(await ritaPage.locator(`tr[data-id="${ids.q3}"] td.viewers`).innerText(), 'Lee Lead');
    assert.equal(await ritaPage.locator(`tr[data-id="${ids.q3}"] td.assignee`).innerText(), 'You');
    // Keyboard: n opens the first case waiting for her; j and k walk the queue from there.
    await ritaPage.keyboard.press('n');
    await ritaPage.waitForURL(/\/c\/\d+$/);
    const first = ritaPage.url();
    const nextHref = await ritaPage.locator('#next-case').getAttribute('href');
    assert.ok(nextHref, 'a next case is linked');
    await ritaPage.keyboard.press('j');
    await ritaPage.waitForURL((u) => u.pathname === nextHref);
    await ritaPage.keyboard.press('k');
    await ritaPage.waitForURL(first);
    await ritaPage.keyboard.press('u');
    await ritaPage.waitForURL(/\/queue$/);

    // A reviewer may not reassign, in the console or the API.
    await ritaPage.goto(`/c/${ids.q3}`);
    assert.equal(await ritaPage.locator('#re-user').count(), 0);
    assert.equal((await app.api(`/api/consultations/${ids.q3}/reassign`, { method: 'POST', token: rita.token, body: { userId: lee.id } })).status, 403);

    const notice = await waitFor('assignment email', () =>
      smtp.messages.find((m) => m.to.includes('rita@reviewers.example') && /assigned to you/.test(m.parsed.subject ?? '')),
    );
    const link = /(http:\/\/\S+\/link\/\d+\?\S+)/.exec(notice.parsed.text ?? '')?.[1];
    assert.ok(link, 'the email carries the signed link');
    // The link is no credential: a signed-out visitor signs in first, then lands on the consultation.
    const fresh = await browser.newContext({ baseURL: base });
    const p = await fresh.newPage();
    await p.goto(link!);
    assert.match(p.url(), /\/link\//);
    assert.equal(await p.locator('#pw-email').count(), 1, 'the sign-in form is shown');
    await p.fill('#pw-email', 'rita@reviewers.example');
    await p.fill('#pw-password', PASSWORD);
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.waitForURL(new RegExp(`/c/${ids.q3}$`));
    assert.match(await p.locator('.who').innerText(), /Rita Reviewer/);
    // A tampered signature is refused.
    const bad = await (await browser.newContext({ baseURL: base })).newPage();
    const badRes = await bad.goto(link!.replace(/s=[\w-]+/, 's=AAAA'));
    assert.equal(badRes?.status(), 403);

    await p.getByText('Request more information').click();
    await p.fill('#ri-question', 'Which route of administration, and what total dose per day?');
    await p.getByRole('button', { name: 'Send question' }).click();
    await p.waitForURL(/done=requested&case=CC-\d{6}$/);
    await p.goto(`/c/${ids.q3}`);
    assert.equal(await p.locator('#c-status').innerText(), 'Waiting on customer');
    assert.match(await p.locator('#c-due').innerText(), /^paused/);
    const asked = await waitFor('request for information', () =>
      smtp.messages.find((m) => m.to.includes('sam@other.example') && (m.parsed.text ?? '').includes('total dose per day')),
    );
    assert.equal(asked.parsed.inReplyTo, '<q3@other.example>');
    const row = await app.ctx.db.query<{ paused_at: Date | null }>('SELECT paused_at FROM consultations WHERE id = $1', [ids.q3]);
    assert.ok(row.rows[0].paused_at, 'the due clock is paused');
    // The API reports the due time as the console does: stopped, and moved on by the pause so far.
    const raw = await app.ctx.db.query<{ due_at: Date }>('SELECT due_at FROM consultations WHERE id = $1', [ids.q3]);
    const detail = (await app.api(`/api/consultations/${ids.q3}`, { token: rita.token })).body as { dueAt: string; duePaused: boolean };
    assert.equal(detail.duePaused, true);
    assert.ok(Date.parse(detail.dueAt) > raw.rows[0].due_at.getTime(), `${detail.dueAt} is later than the stored ${raw.rows[0].due_at.toISOString()}`);
    const listed = (await app.api('/api/consultations?status=waiting_on_customer', { token: rita.token })).body as {
      id: number;
      dueAt: string;
      duePaused: boolean;
    }[];
    const item = listed.find((x) => x.id === ids.q3);
    assert.ok(item?.duePaused && Date.parse(item.dueAt) >= Date.parse(detail.dueAt), 'the list agrees');
    await fresh.close();
  });

  it('gives an admin the audit log as CSV and lets them discard a quarantined message', async () => {
    await appendMessage(
      dovecot,
      MAILBOX,
      ['To: consult@example.test', 'Subject: no sender here', 'Message-ID: <nosender@x.example>', '', 'body', ''].join('\r\n'),
    );
    const held = await waitFor('quarantined', async () => {
      const r = await app.ctx.db.query<{ id: number }>(`SELECT id FROM inbound_messages WHERE status = 'quarantined'`);
      return r.rows[0];
    });
    const { ctx, page } = await passwordSignIn('ada@reviewers.example');
    await page.goto('/admin/inbound');
    const row = page.locator(`tr[data-inbound="${held.id}"]`);
    await row.getByRole('button', { name: 'Discard' }).click();
    await page.waitForURL(/done=discarded$/);
    const st = await app.ctx.db.query<{ status: string }>('SELECT status FROM inbound_messages WHERE id = $1', [held.id]);
    assert.equal(st.rows[0].status, 'discarded');

    await page.goto('/admin/audit');
    const csv = await ctx.request.get((await page.locator('#audit-csv').getAttribute('href')) ?? '');
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /^text\/csv/);
    const text = await csv.text();
    assert.match(text.split('\r\n')[0], /^id,at,user_id,user,action,consultation_id,detail$/);
    assert.ok(text.includes('consultation.approved'));
    assert.ok(text.includes('admin.inbound_discarded'));
    const queues = await page.goto('/admin/queues');
    assert.equal(queues?.status(), 200);
    assert.ok(await page.getByRole('rowheader', { name: 'send' }).isVisible());
    await ctx.close();
  });

  it('offers the same actions in the JSON API with bearer tokens', async () => {
    const edit = await app.api(`/api/consultations/${ids.xss}/edit`, { method: 'POST', token: rita.token, body: { text: 'API edit' } });
    assert.equal(edit.status, 200);
    assert.equal(edit.body.version, 2);
    // A confirmation is for one version: saved again elsewhere meanwhile, sending it is refused.
    await ritaPage.goto(`/c/${ids.xss}/confirm`);
    assert.match(await ritaPage.frameLocator('#confirm-html').locator('body').innerText(), /API edit/);
    assert.equal((await app.api(`/api/consultations/${ids.xss}/edit`, { method: 'POST', token: rita.token, body: { text: 'API edit, again' } })).status, 200);
    const [sendRes] = await Promise.all([ritaPage.waitForResponse((r) => r.url().endsWith(`/c/${ids.xss}/approve`)), ritaPage.click('#send-btn')]);
    assert.equal(sendRes.status(), 409);
    assert.match(await ritaPage.locator('main').innerText(), /changed since you confirmed/);
    assert.equal((await app.api(`/api/consultations/${ids.xss}`, { token: rita.token })).body.status, 'awaiting_review', 'nothing was sent');
    const lead = await app.api(`/api/consultations/${ids.xss}/edit`, { method: 'POST', token: lee.token, body: { text: 'not mine' } });
    assert.equal(lead.status, 403, 'only the assignee edits, even a lead');
    const note = await app.api(`/api/consultations/${ids.xss}/notes`, { method: 'POST', token: lee.token, body: { body: 'lead note' } });
    assert.equal(note.status, 201);
    const listed = await app.api(`/api/consultations/${ids.xss}/notes`, { token: rita.token });
    assert.deepEqual(
      listed.body.map((n: { body: string }) => n.body),
      ['a real note', 'lead note'],
    );
    const lookup = await app.api('/api/kb/lookup?code=J1885', { token: rita.token });
    assert.equal(lookup.status, 200);
    assert.equal(lookup.body.system, 'HCPCS');
    assert.equal((await app.api(`/api/consultations/${ids.xss}/reject`, { method: 'POST', token: rita.token, body: {} })).status, 400);
    const rejected = await app.api(`/api/consultations/${ids.xss}/reject`, {
      method: 'POST',
      token: rita.token,
      body: { reason: 'test payload, not a question' },
    });
    assert.equal(rejected.status, 200);
    assert.equal((await app.api(`/api/consultations/${ids.xss}`, { token: rita.token })).body.status, 'rejected');
    const audit = await app.api(`/api/admin/audit?consultation=${ids.xss}`, { token: ada.token });
    assert.ok(audit.body.some((r: { action: string; userId: number }) => r.action === 'consultation.rejected' && r.userId === rita.id));
  });

  it('signs out a session idle past the limit', async () => {
    const { ctx, page } = await passwordSignIn('lee@reviewers.example');
    await app.ctx.db.query(`UPDATE console_sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = $1 AND ended_at IS NULL`, [lee.id]);
    await page.goto('/queue');
    assert.match(page.url(), /\/login\?next=%2Fqueue&expired=1$/);
    assert.ok(await page.getByText('signed out after a period of inactivity').isVisible());
    await ctx.close();
  });

  it('rate-limits password guessing', async () => {
    const ctx = await browser.newContext({ baseURL: base });
    const page = await ctx.newPage();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      await page.goto('/login');
      const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
      const r = await ctx.request.post('/login/password', { form: { _csrf: token!, email: 'ada@reviewers.example', password: `wrong-${i}` }, maxRedirects: 0 });
      statuses.push(r.status());
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[6], 429);
    await ctx.close();
  });
});

/** A full-page screenshot at desktop and phone widths, kept under test-artifacts/. */
async function shoot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name}: no sideways scrolling on a phone (${overflow}px)`);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
}

/** The row index of a consultation in the queue table, found by its data-id. */
async function rowIndex(page: Page, id: number): Promise<number> {
  const idsInOrder = await page.locator('table.queue tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id'))));
  const i = idsInOrder.indexOf(id);
  if (i < 0) throw new Error(`consultation ${id} is not in the queue`);
  return i;
}
