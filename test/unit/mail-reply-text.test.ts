import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { parseRawEmail } from '../../src/mail/parse.ts';
import { extractNewText, extractNewTextFrom } from '../../src/mail/reply-text.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/emails/', import.meta.url));

// talon test_standard_replies: each client's reply reduces to "Hello". talon keeps signatures
// (iphone/sparrow *_reply_text); we also drop them, so "Hello" is expected throughout.
const CORPUS_CASES: [file: string, expected: string | RegExp][] = [
  ...['android', 'aol', 'apple_mail', 'apple_mail_2', 'comcast', 'gmail', 'hotmail', 'iphone', 'outlook', 'sparrow', 'thunderbird', 'yahoo'].map(
    (c): [string, string] => [`talon-${c}.eml`, 'Hello'],
  ),
  ['discourse-on_date_contact_wrote.eml', 'This is the actual reply.'],
  ['discourse-original_message.eml', 'This is a reply :)'],
  ['discourse-iphone_signature.eml', "This is not the signature you're looking for."],
  ['discourse-gmail_html_reply.eml', 'This is a GMAIL reply ;)'],
  ['discourse-quirks_exchange_xars.eml', 'Some thing.'],
  ['discourse-chinese_reply.eml', '您好！ 你今天好吗？'],
  // forwarded content stays: "FW:" subject with an inline header block, and a Gmail forward marker
  ['discourse-forwarded_email_1.eml', /^@team, can you have a look at this email below\?\n\nFrom: Some One[\s\S]*Discoursing much today\?/],
  ['discourse-long_embedded_email_headers.eml', /^---------- Forwarded message ---------\n[\s\S]*Subject: Fwd: Your receipt/],
  ['talon-reply-quotations-share-block.eml', /Sounds great\.[\s\S]*Joe XXX$/],
];

for (const [file, expected] of CORPUS_CASES) {
  test(`extractNewText: ${file}`, async () => {
    const text = extractNewText(await parseRawEmail(readFileSync(CORPUS + file)));
    if (typeof expected === 'string') assert.equal(text, expected);
    else assert.match(text, expected);
  });
}

const TEXT_CASES: [name: string, body: string, expected: string, subject?: string][] = [
  ['no quote at all', 'Is 99214-25 ok with 20610?\nThanks', 'Is 99214-25 ok with 20610?\nThanks'],
  [
    'gmail quote',
    'Yes, DOS 02/10/2026.\n\nOn Tue, Feb 10, 2026 at 9:00 AM Case Consultant <consult@cc.example> wrote:\n> What is the DOS?\n',
    'Yes, DOS 02/10/2026.',
  ],
  ['wrapped wrote header', 'Thanks!\n\nOn Tue, Feb 10, 2026 at 9:00 AM Case Consultant <\nconsult@cc.example> wrote:\n\n> Answer\n', 'Thanks!'],
  ['German header', 'Danke\n\nAm 10.02.2026 um 09:00 schrieb Case Consultant <consult@cc.example>:\n> Antwort', 'Danke'],
  ['French header', 'Merci\n\nLe 10 févr. 2026 à 09:00, Case Consultant a écrit :\n> Réponse', 'Merci'],
  ['bottom posting keeps text after the quote', 'On 02/10/2026 09:00 AM, Consultant wrote:\n> What units?\n2 units of J1885', '2 units of J1885'],
  ['interleaved > lines dropped', '> old question\nnew answer\n> more old\nmore new', 'new answer\nmore new'],
  ['Outlook original message', 'See below.\n\n-----Original Message-----\nFrom: Pt John Smith\nSent: Monday\nold', 'See below.'],
  [
    'Outlook header block',
    'Reply text\n\nFrom: Case Consultant <consult@cc.example>\nSent: Tuesday, February 10, 2026 9:00 AM\nTo: Coder\nSubject: RE: 22513\n\nold answer',
    'Reply text',
  ],
  ['header without > markers cuts everything after', 'New\n\n--- On Wed, 4/4/12, a@b.example <a@b.example> wrote:\n\nFrom: a@b.example\nold', 'New'],
  ['dash-dash signature', 'Question about M80.08XA\n-- \nJane Doe, CPC\nClinic Billing', 'Question about M80.08XA'],
  ['Sent from my iPhone', 'Is J1885 per 15 mg?\n\nSent from my iPhone', 'Is J1885 per 15 mg?'],
  ['Get Outlook for iOS', 'Is J1885 per 15 mg?\n\nGet Outlook for iOS', 'Is J1885 per 15 mg?'],
  [
    'forward marker keeps forwarded text',
    'FYI, see the payer note.\n\n---------- Forwarded message ---------\nFrom: Payer <p@payer.example>\nDenied 99214-25.\n> quoted in forward',
    'FYI, see the payer note.\n\n---------- Forwarded message ---------\nFrom: Payer <p@payer.example>\nDenied 99214-25.\n> quoted in forward',
  ],
  ['Apple forward marker', 'Look:\n\nBegin forwarded message:\n\nFrom: x@y.example\nbody', 'Look:\n\nBegin forwarded message:\n\nFrom: x@y.example\nbody'],
  [
    'FW subject keeps the Outlook block',
    'Please advise.\n\nFrom: Payer <p@payer.example>\nSent: Monday\nSubject: Denial\n\nDenied.',
    'Please advise.\n\nFrom: Payer <p@payer.example>\nSent: Monday\nSubject: Denial\n\nDenied.',
    'FW: Denial',
  ],
  ['prose ending in "wrote:" is not a quote header', 'The doctor wrote:\nI think it is 99213', 'The doctor wrote:\nI think it is 99213'],
  ['"Name <addr> wrote:" without a date', 'Agreed.\n\nCase Consultant <consult@cc.example> wrote:\n> old', 'Agreed.'],
];

for (const [name, body, expected, subject] of TEXT_CASES) {
  test(`extractNewTextFrom: ${name}`, () => assert.equal(extractNewTextFrom(body, subject ?? 'Re: question'), expected));
}

test('extractNewText: HTML-only gmail reply drops the gmail_quote block', () => {
  const html = '<div dir="ltr">Use modifier 59.</div><div class="gmail_quote"><div>On Mon, X wrote:</div><blockquote>MRN 12345678</blockquote></div>';
  const text = extractNewText({
    messageId: null,
    inReplyTo: null,
    references: [],
    subject: 'Re: q',
    from: null,
    replyTo: [],
    to: [],
    cc: [],
    date: null,
    headers: {},
    text: 'Use modifier 59.\nOn Mon, X wrote:\nMRN 12345678',
    html,
    textFromHtml: true,
    attachments: [],
    rawSize: 0,
    contentType: 'text/html',
  });
  assert.equal(text, 'Use modifier 59.');
});
