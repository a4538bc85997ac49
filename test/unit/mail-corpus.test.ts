// Every third-party corpus message through parse + classify: no crash, no hang, and the class the
// corpus README (translated to our kinds) expects. See ../shared/corpus/README.md for the sources.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { classify } from '../../src/mail/classify.ts';
import { parseRawEmail } from '../../src/mail/parse.ts';
import type { BounceInfo, ClassifyContext, InboundMessage, MessageKind } from '../../src/mail/types.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/emails/', import.meta.url));
const BUDGET_MS = 500;

// discourse-from_reply_by_email_address is mail from Discourse's own reply address, reply@bar.com;
// discourse-dmarc_fail carries "Authentication-Results: example.com; dmarc=fail".
const ctx: ClassifyContext = {
  ownAddresses: ['reply@bar.com'],
  ownMessageIdDomain: 'caseconsultant.invalid',
  maxRecipients: 20,
  maxBytes: 2 * 1024 * 1024,
  authservId: 'example.com',
};

type Expect = { kind: MessageKind; reason?: string; outcome?: BounceInfo['outcome'] };

const failed = (): Expect => ({ kind: 'bounce', outcome: 'failed' });
const delayed = (): Expect => ({ kind: 'bounce', outcome: 'delayed' });
const delivered = (): Expect => ({ kind: 'bounce', outcome: 'delivered' });

const EXPECTED: Record<string, Expect> = {
  // bounce/DSN, permanent (README "bounce: ... [5.x.x]" rows, and 4.x.x whose Action is failed)
  'discourse-bounced_email.eml': failed(),
  'discourse-bounced_email_multiple_status_codes.eml': failed(),
  'discourse-hard_bounce_via_verp.eml': failed(),
  'flanker-bounce-broken-mime.eml': failed(),
  'flanker-bounce-delayed.eml': failed(), // "cannot send for 5 days": Action failed, message returned
  'flanker-bounce-gmail-invalid-address.eml': failed(),
  'flanker-bounce-gmail-no-dns.eml': failed(),
  'flanker-bounce-mailbox-full.eml': failed(),
  'flanker-bounce-office365.eml': failed(),
  'flanker-bounce-zed.eml': failed(),
  'flanker-bounce-delayed-broken.eml': { kind: 'bounce' }, // truncated report: a machine, outcome unreliable
  'mailparser-delivery-status.eml': failed(),
  'mikelmail-multi_address_bounce1.eml': failed(),
  'mikelmail-report_530.eml': failed(),
  'mimekit-bounce.eml': failed(),
  'mimekit-delivery-status-multiple-blank-lines.eml': failed(),
  'mimekit-delivery-status-no-blank-line.eml': failed(),
  'sisimai-dos-lhost-postfix-01.eml': failed(),
  'sisimai-lhost-amazonses-17.eml': failed(),
  'sisimai-lhost-exchange2007-02.eml': failed(),
  'sisimai-lhost-exim-01.eml': failed(),
  'sisimai-lhost-exim-06.eml': failed(),
  'sisimai-lhost-gmail-01.eml': failed(),
  'sisimai-lhost-gmail-07.eml': failed(),
  'sisimai-lhost-googleworkspace-01.eml': failed(),
  'sisimai-lhost-office365-13.eml': failed(),
  'sisimai-lhost-outlook-04.eml': failed(),
  'sisimai-lhost-postfix-02.eml': failed(),
  'sisimai-lhost-postfix-05.eml': failed(),
  'sisimai-lhost-postfix-28.eml': failed(),
  'sisimai-lhost-qmail-02.eml': failed(),
  'sisimai-lhost-qmail-14.eml': failed(),
  'sisimai-lhost-qmail-19.eml': failed(),
  'sisimai-lhost-sendmail-01.eml': failed(),
  'sisimai-lhost-sendmail-12.eml': failed(),
  'sisimai-lhost-sendmail-35.eml': failed(),
  'sisimai-rfc3464-01.eml': failed(),
  'sisimai-rfc3464-10.eml': failed(),
  'sisimai-rfc3464-35.eml': failed(),
  'sisimai-rfc3464-43.eml': failed(),
  'sisimai-rhost-google-03.eml': failed(),
  'zammad-mail033-undelivered-mail-returned-to-sender-notification.eml': failed(),
  'zammad-mail055.eml': failed(),
  // transient: Action delayed / "Warning: could not send message for past..."
  'flanker-bounce-no-mx.eml': delayed(),
  'mikelmail-report_422.eml': delayed(),
  'mikelmail-raw_email_with_mimepart_without_content_type.eml': delayed(),
  'sisimai-rfc3464-07.eml': delayed(),
  'zammad-mail078.eml': delayed(),
  // success reports: still machines, never a failure
  'sisimai-rfc3464-28.eml': delivered(),
  'sisimai-lhost-amazonses-12.eml': delivered(),
  // ARF / MDN / SES complaint
  'flanker-complaints-aol.eml': { kind: 'feedback' },
  'flanker-complaints-yahoo.eml': { kind: 'feedback' },
  'flanker-disposition-notification.eml': { kind: 'feedback' },
  'mimekit-disposition-notification.eml': { kind: 'feedback' },
  'mimekit-feedback-report.eml': { kind: 'feedback' },
  'sisimai-arf-01.eml': { kind: 'feedback' },
  'sisimai-arf-16.eml': { kind: 'feedback' },
  'sisimai-lhost-amazonses-11.eml': { kind: 'feedback' },
  // auto-replies, with and without Auto-Submitted
  'discourse-auto_generated_header.eml': { kind: 'auto_reply', reason: 'auto-submitted' },
  'discourse-auto_generated_precedence.eml': { kind: 'auto_reply', reason: 'precedence-list' },
  'discourse-auto_reply.eml': { kind: 'auto_reply', reason: 'auto-submitted' },
  'sisimai-mac-rfc3834-01.eml': { kind: 'auto_reply', reason: 'auto-submitted' },
  'sisimai-rfc3834-01.eml': { kind: 'auto_reply' },
  'sisimai-rfc3834-02.eml': { kind: 'auto_reply' },
  'sisimai-rfc3834-03.eml': { kind: 'auto_reply', reason: 'ooo-subject' },
  'sisimai-rfc3834-04.eml': { kind: 'auto_reply' },
  'sisimai-rfc3834-05.eml': { kind: 'auto_reply' },
  'sisimai-rfc3834-06.eml': { kind: 'auto_reply' },
  'sisimai-rb-issue-368-bug.eml': { kind: 'auto_reply' }, // not a bounce (sisimai), still never answered
  // Precedence: list is list traffic; we are not a list mirror, so it is never answered either
  'discourse-mailinglist_dmarc_fail.eml': { kind: 'auto_reply', reason: 'precedence-list' },
  'discourse-reply_to_different_to_from.eml': { kind: 'auto_reply', reason: 'precedence-list' },
  // our own mail
  'discourse-from_reply_by_email_address.eml': { kind: 'loop', reason: 'own-address' },
  // no usable sender
  'discourse-invalid_from_1.eml': { kind: 'rejected', reason: 'no-sender' },
  'discourse-invalid_from_2.eml': { kind: 'rejected', reason: 'no-sender' },
  'discourse-no_from.eml': { kind: 'rejected', reason: 'no-sender' },
  'zammad-mail071.eml': { kind: 'rejected', reason: 'no-sender' },
  'zammad-mail076.eml': { kind: 'rejected', reason: 'no-sender' },
  'mikelmail-raw_email_multiple_from.eml': { kind: 'rejected', reason: 'no-sender' },
  'mikelmail-raw_email_with_at_display_name.eml': { kind: 'rejected', reason: 'no-sender' },
  // nothing to answer
  'discourse-no_body.eml': { kind: 'rejected', reason: 'no-body' },
  'discourse-missing_message_id.eml': { kind: 'rejected', reason: 'no-body' },
  'discourse-dmarc_fail.eml': { kind: 'rejected', reason: 'dmarc-fail' },
  // human mail, including the X-Auto-Response-Suppress false-positive trap and bounce look-alikes
  'discourse-quirks_exchange_xars.eml': { kind: 'question' },
  'discourse-cc.eml': { kind: 'question' },
  'discourse-chinese_reply.eml': { kind: 'question' },
  'discourse-encoded_display_name.eml': { kind: 'question' },
  'discourse-forwarded_email_1.eml': { kind: 'question' },
  'discourse-from_the_future.eml': { kind: 'question' },
  'discourse-gmail_html_reply.eml': { kind: 'question' },
  'discourse-iphone_signature.eml': { kind: 'question' },
  'discourse-long_embedded_email_headers.eml': { kind: 'question' },
  'discourse-null_byte_in_subject.eml': { kind: 'question' },
  'discourse-on_date_contact_wrote.eml': { kind: 'question' },
  'discourse-original_message.eml': { kind: 'question' },
  'discourse-reply_with_8bit_encoding.eml': { kind: 'question' },
  'discourse-reply_with_weird_encoding.eml': { kind: 'question' },
  'discourse-text_and_html_reply.eml': { kind: 'question' },
  'flanker-signed.eml': { kind: 'question' },
  'sisimai-is-not-bounce-01.eml': { kind: 'question' },
  'sisimai-is-not-bounce-02.eml': { kind: 'question' },
  'zammad-mail091.eml': { kind: 'question' },
  'talon-android.eml': { kind: 'question' },
  'talon-aol.eml': { kind: 'question' },
  'talon-apple_mail.eml': { kind: 'question' },
  'talon-apple_mail_2.eml': { kind: 'question' },
  'talon-comcast.eml': { kind: 'question' },
  'talon-gmail.eml': { kind: 'question' },
  'talon-hotmail.eml': { kind: 'question' },
  'talon-iphone.eml': { kind: 'question' },
  'talon-outlook.eml': { kind: 'question' },
  'talon-reply-quotations-share-block.eml': { kind: 'question' },
  'talon-sparrow.eml': { kind: 'question' },
  'talon-thunderbird.eml': { kind: 'question' },
  'talon-yahoo.eml': { kind: 'question' },
};

// What the corpus README says parsing itself must produce.
const PARSED: [file: string, check: (m: InboundMessage) => void][] = [
  ['discourse-chinese_reply.eml', (m) => assert.equal(m.text.trim(), '您好！ 你今天好吗？')],
  ['discourse-reply_with_8bit_encoding.eml', (m) => assert.equal(m.text.trim(), 'hab vergessen kritische zeichen einzufügen:\näöüÄÖÜß')],
  ['discourse-reply_with_weird_encoding.eml', (m) => assert.equal(m.text.trim(), 'This is a reply with a weird encoding.')],
  ['discourse-encoded_display_name.eml', (m) => assert.equal(m.from?.name, 'Случайная Имя')],
  ['discourse-null_byte_in_subject.eml', (m) => assert.equal(m.subject, 'testing')],
  ['discourse-from_the_future.eml', (m) => assert.equal(m.date, null)],
  ['discourse-invalid_from_1.eml', (m) => assert.equal(m.from, null)],
  ['zammad-mail071.eml', (m) => assert.equal(m.from, null)],
  [
    'zammad-mail091.eml',
    (m) => {
      assert.equal(m.subject, 'メルマガ解除');
      assert.match(m.text, /このアドレスへのメルマガを解除してください。/);
    },
  ],
  ['mikelmail-ks_c_5601-1987.eml', (m) => assert.doesNotMatch(m.text, /\uFFFD/)],
  ['sisimai-mac-rfc3834-01.eml', (m) => assert.equal(m.subject, 'Away until May 5')],
  ['mimekit-feedback-report.eml', (m) => assert.equal(m.from?.address, 'abusedesk@example.com')],
  ['discourse-gmail_html_reply.eml', (m) => assert.ok(m.text.length > 0 && !/<div/i.test(m.text))],
  ['discourse-hard_bounce_via_verp.eml', (m) => assert.equal(classify(m, ctx).bounce?.verpToken, '14b08c855160d67f2e0c2f8ef36e251e')],
  ['zammad-mail055.eml', (m) => assert.equal(classify(m, ctx).bounce?.originalMessageId, '<20170526150141.232.13312@example.zammad.loc>')],
  ['sisimai-rfc3464-35.eml', (m) => assert.equal(classify(m, ctx).bounce?.recipients.length, 3)],
  [
    'sisimai-lhost-outlook-04.eml',
    (m) =>
      assert.deepEqual(
        classify(m, ctx).bounce?.recipients.map((r) => r.status),
        ['5.1.1', '5.2.2'],
      ),
  ],
  [
    'sisimai-lhost-qmail-02.eml',
    (m) =>
      assert.deepEqual(
        classify(m, ctx).bounce?.recipients.map((r) => r.address),
        ['userunknown@example.jp', 'filtered@example.jp'],
      ),
  ],
];

const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.eml'))
  .sort();

test('the corpus is present and every expectation names a real file', () => {
  assert.equal(files.length, 196);
  for (const f of Object.keys(EXPECTED)) assert.ok(files.includes(f), f);
  for (const [f] of PARSED) assert.ok(files.includes(f), f);
});

test('every corpus file parses and classifies within budget, with the expected class', async () => {
  const counts: Record<string, number> = {};
  let slowest = { file: '', ms: 0 };
  const failures: string[] = [];
  for (const file of files) {
    const raw = readFileSync(CORPUS + file);
    const t0 = performance.now();
    let cls: ReturnType<typeof classify>;
    try {
      const msg = await parseRawEmail(raw, { maxBytes: ctx.maxBytes });
      cls = classify(msg, ctx);
    } catch (err) {
      failures.push(`${file}: threw ${(err as Error).message}`);
      continue;
    }
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { file, ms };
    if (ms > BUDGET_MS) failures.push(`${file}: ${ms.toFixed(0)} ms`);
    counts[cls.kind] = (counts[cls.kind] ?? 0) + 1;
    assert.equal(cls.machine, ['auto_reply', 'bounce', 'feedback', 'loop'].includes(cls.kind), file);
    if (cls.kind === 'bounce') assert.ok(cls.bounce, `${file}: bounce without BounceInfo`);
    const want = EXPECTED[file];
    if (!want) continue;
    if (cls.kind !== want.kind) failures.push(`${file}: kind ${cls.kind} (${cls.reason}), want ${want.kind}`);
    else if (want.reason && cls.reason !== want.reason) failures.push(`${file}: reason ${cls.reason}, want ${want.reason}`);
    else if (want.outcome && cls.bounce?.outcome !== want.outcome) failures.push(`${file}: outcome ${cls.bounce?.outcome}, want ${want.outcome}`);
  }
  const summary = Object.entries(counts)
    .sort()
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  console.log(
    `corpus: ${files.length} files, ${Object.keys(EXPECTED).length} with expectations; ${summary}; slowest ${slowest.ms.toFixed(1)} ms (${slowest.file})`,
  );
  assert.deepEqual(failures, []);
});

for (const [file, check] of PARSED) {
  test(`parse: ${file}`, async () => {
    check(await parseRawEmail(readFileSync(CORPUS + file)));
  });
}
