import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { parseDeliveryStatus, verpTokenFromAddress } from '../../src/mail/bounce.ts';
import { classify } from '../../src/mail/classify.ts';
import { parseRawEmail } from '../../src/mail/parse.ts';
import type { ClassifyContext, InboundMessage } from '../../src/mail/types.ts';

const ctx: ClassifyContext = {
  ownAddresses: ['consult@caseconsultant.example'],
  ownMessageIdDomain: 'caseconsultant.example',
  maxRecipients: 5,
  maxBytes: 1_000_000,
  authservId: 'mx.caseconsultant.example',
};

function msg(over: Partial<InboundMessage> & { h?: Record<string, string> } = {}): InboundMessage {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(over.h ?? {})) headers[k.toLowerCase()] = [v];
  const { h: _h, ...rest } = over;
  return {
    messageId: '<abc@clinic.example>',
    inReplyTo: null,
    references: [],
    subject: 'Can I bill 22513 with 72292?',
    from: { address: 'coder@clinic.example', name: 'Coder' },
    replyTo: [],
    to: [{ address: 'consult@caseconsultant.example', name: '' }],
    cc: [],
    date: new Date('2026-02-10T10:00:00Z'),
    headers,
    text: 'Hello, can we bill 22513 and 72292 on the same DOS?',
    html: null,
    attachments: [],
    rawSize: 2000,
    contentType: 'text/plain',
    ...rest,
  };
}

const many = (n: number) => Array.from({ length: n }, (_, i) => ({ address: `p${i}@x.example`, name: '' }));

const CASES: [name: string, m: InboundMessage, kind: string, reason?: string][] = [
  ['plain human question', msg(), 'question', 'human'],
  ['Auto-Submitted: no is human', msg({ h: { 'Auto-Submitted': 'no' } }), 'question'],
  ['Auto-Submitted: auto-replied', msg({ h: { 'Auto-Submitted': 'auto-replied' } }), 'auto_reply', 'auto-submitted'],
  ['Auto-Submitted: auto-generated (failure)', msg({ h: { 'Auto-Submitted': 'auto-generated (failure)' } }), 'auto_reply', 'auto-submitted'],
  ['Precedence: bulk', msg({ h: { Precedence: 'bulk' } }), 'auto_reply', 'precedence-bulk'],
  ['Precedence: junk', msg({ h: { Precedence: 'junk' } }), 'auto_reply', 'precedence-junk'],
  ['Precedence: list', msg({ h: { Precedence: 'list' } }), 'auto_reply', 'precedence-list'],
  ['X-Autoreply', msg({ h: { 'X-Autoreply': 'yes' } }), 'auto_reply', 'x-autoreply'],
  ['X-Autorespond', msg({ h: { 'X-Autorespond': 'Thanks' } }), 'auto_reply', 'x-autoreply'],
  ['X-Loop', msg({ h: { 'X-Loop': 'yes' } }), 'auto_reply', 'x-loop'],
  ['X-Auto-Response-Suppress alone is human', msg({ h: { 'X-Auto-Response-Suppress': 'All' } }), 'question', 'human'],
  ['English OOO subject', msg({ subject: 'Out of Office: Can I bill 22513?' }), 'auto_reply', 'ooo-subject'],
  ['Automatic reply', msg({ subject: 'Automatic reply: question' }), 'auto_reply', 'ooo-subject'],
  ['Auto reply', msg({ subject: 'Auto reply: question' }), 'auto_reply', 'ooo-subject'],
  ['Autoreply', msg({ subject: 'Autoreply: question' }), 'auto_reply', 'ooo-subject'],
  ['German Abwesenheitsnotiz', msg({ subject: 'Abwesenheitsnotiz: Frage' }), 'auto_reply', 'ooo-subject'],
  ['German Automatische Antwort', msg({ subject: 'Automatische Antwort: Frage' }), 'auto_reply', 'ooo-subject'],
  ['French Réponse automatique', msg({ subject: 'Réponse automatique : question' }), 'auto_reply', 'ooo-subject'],
  ['French Absence:', msg({ subject: 'Absence: du 1er au 15' }), 'auto_reply', 'ooo-subject'],
  ['Spanish Respuesta automática', msg({ subject: 'Respuesta automática: pregunta' }), 'auto_reply', 'ooo-subject'],
  ['Spanish Fuera de la oficina', msg({ subject: 'Fuera de la oficina' }), 'auto_reply', 'ooo-subject'],
  ['Dutch Afwezig', msg({ subject: 'Afwezig: vraag' }), 'auto_reply', 'ooo-subject'],
  ['Italian Risposta automatica', msg({ subject: 'Risposta automatica: domanda' }), 'auto_reply', 'ooo-subject'],
  ['Portuguese Resposta automática', msg({ subject: 'Resposta automática: pergunta' }), 'auto_reply', 'ooo-subject'],
  ['subject merely mentioning absence is human', msg({ subject: 'Absence of modifier 25 on 99214' }), 'question'],
  ['no-reply sender', msg({ from: { address: 'no-reply@payer.example', name: '' } }), 'auto_reply', 'machine-sender'],
  ['postmaster without bounce wording', msg({ from: { address: 'postmaster@payer.example', name: '' } }), 'auto_reply', 'machine-sender'],
  ['null Return-Path', msg({ h: { 'Return-Path': '<>' } }), 'auto_reply', 'null-return-path'],
  [
    'plain-text bounce from MAILER-DAEMON',
    msg({
      from: { address: 'mailer-daemon@mx.example', name: 'Mail Delivery System' },
      subject: 'Undelivered Mail Returned to Sender',
      text: 'I could not deliver to:\n\n<gone@clinic.example>:\n550 5.1.1 user unknown\n',
    }),
    'bounce',
    'plain-bounce',
  ],
  [
    'DSN multipart/report',
    msg({
      contentType: 'multipart/report',
      h: { 'Content-Type': 'multipart/report; report-type=delivery-status; boundary=x' },
      attachments: [
        { filename: null, contentType: 'message/delivery-status', size: 10, text: 'Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1' },
      ],
    }),
    'bounce',
    'dsn',
  ],
  [
    'ARF feedback report',
    msg({ contentType: 'multipart/report', h: { 'Content-Type': 'multipart/report; report-type=feedback-report; boundary=x' } }),
    'feedback',
    'arf',
  ],
  [
    'MDN read receipt',
    msg({ contentType: 'multipart/report', h: { 'Content-Type': 'multipart/report; report-type=disposition-notification; boundary=x' } }),
    'feedback',
    'mdn',
  ],
  ['from our own address', msg({ from: { address: 'consult@caseconsultant.example', name: '' } }), 'loop', 'own-address'],
  ['from our own plus-address', msg({ from: { address: 'consult+ab12@caseconsultant.example', name: '' } }), 'loop', 'own-address'],
  ['our own Message-ID domain', msg({ messageId: '<ack.123@caseconsultant.example>' }), 'loop', 'own-message-id'],
  ['no sender', msg({ from: null }), 'rejected', 'no-sender'],
  ['empty body and subject', msg({ text: '  \n', subject: '' }), 'rejected', 'no-body'],
  ['subject-only question is a question', msg({ text: '', subject: 'Is M80.08XA billable?' }), 'question'],
  ['too large', msg({ rawSize: 2_000_000 }), 'rejected', 'too-large'],
  ['too many recipients', msg({ cc: many(5) }), 'rejected', 'too-many-recipients'],
  ['recipients at the limit are fine', msg({ cc: many(4) }), 'question'],
  [
    'DMARC fail from our authserv-id',
    msg({ h: { 'Authentication-Results': 'mx.caseconsultant.example; dmarc=fail header.from=clinic.example' } }),
    'rejected',
    'dmarc-fail',
  ],
  ['DMARC fail from a foreign authserv-id is ignored', msg({ h: { 'Authentication-Results': 'evil.example; dmarc=fail' } }), 'question'],
  ['DMARC pass', msg({ h: { 'Authentication-Results': 'mx.caseconsultant.example; dmarc=pass' } }), 'question'],
  [
    'DMARC fail on list traffic (List-Id) is exempt',
    msg({ h: { 'Authentication-Results': 'mx.caseconsultant.example; dmarc=fail', 'List-Id': '<coders.lists.example>' } }),
    'question',
  ],
];

for (const [name, m, kind, reason] of CASES) {
  test(`classify: ${name}`, () => {
    const c = classify(m, ctx);
    assert.equal(c.kind, kind);
    if (reason) assert.equal(c.reason, reason);
    assert.equal(c.machine, ['auto_reply', 'bounce', 'feedback', 'loop'].includes(kind));
    assert.equal(c.bounce !== null, kind === 'bounce');
  });
}

test('classify: DMARC is not checked when no authserv-id is configured', () => {
  const m = msg({ h: { 'Authentication-Results': 'mx.caseconsultant.example; dmarc=fail' } });
  assert.equal(classify(m, { ...ctx, authservId: null }).kind, 'question');
});

const DSN: [name: string, text: string, want: { address: string | null; action: string; status: string | null }[]][] = [
  [
    'two groups',
    'Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.1.1\n\nFinal-Recipient: rfc822;b@x.example\nAction: delayed\nStatus: 4.4.1 (timeout)\n',
    [
      { address: 'a@x.example', action: 'failed', status: '5.1.1' },
      { address: 'b@x.example', action: 'delayed', status: '4.4.1' },
    ],
  ],
  [
    'no blank line between groups',
    'Reporting-MTA: dns; mx.example\nFinal-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.0.0\nFinal-Recipient: rfc822; b@x.example\nAction: failed\nStatus: 5.2.2\n',
    [
      { address: 'a@x.example', action: 'failed', status: '5.0.0' },
      { address: 'b@x.example', action: 'failed', status: '5.2.2' },
    ],
  ],
  [
    'Action before Final-Recipient (Amazon SES order)',
    'Reporting-MTA: dns; ses\n\nAction: failed\nFinal-Recipient: rfc822; a@x.example\nDiagnostic-Code: smtp; 550\nStatus: 5.1.1\n',
    [{ address: 'a@x.example', action: 'failed', status: '5.1.1' }],
  ],
  ['delivered', 'Final-Recipient: rfc822; a@x.example\nAction: delivered\nStatus: 2.0.0', [{ address: 'a@x.example', action: 'delivered', status: '2.0.0' }]],
];

for (const [name, text, want] of DSN) {
  test(`parseDeliveryStatus: ${name}`, () => {
    assert.deepEqual(
      parseDeliveryStatus(text).map(({ address, action, status }) => ({ address, action, status })),
      want,
    );
  });
}

const VERP: [string, string | null][] = [
  ['foo+verp-14b08c855160d67f2e0c2f8ef36e251e@discourse.org', '14b08c855160d67f2e0c2f8ef36e251e'],
  ['bounces+ab12cd@caseconsultant.example', 'ab12cd'],
  ['consult@caseconsultant.example', null],
  ['someone+tag@clinic.example', null],
];

for (const [address, token] of VERP) {
  test(`verpTokenFromAddress: ${address}`, () => assert.equal(verpTokenFromAddress(address), token));
}

const RAW: [name: string, raw: string, check: (m: InboundMessage) => void][] = [
  [
    'NUL and control characters stripped from the subject',
    'From: a@clinic.example\nSubject: =?UTF-8?B?aGkAdGhlcmUH?=\n\nbody',
    (m) => assert.equal(m.subject, 'hithere'),
  ],
  ['future date is dropped', 'From: a@clinic.example\nDate: Mon, 1 Jan 3000 00:00:00 +0000\n\nbody', (m) => assert.equal(m.date, null)],
  ['missing date is null', 'From: a@clinic.example\n\nbody', (m) => assert.equal(m.date, null)],
  [
    'plausible date kept',
    'From: a@clinic.example\nDate: Tue, 10 Feb 2026 09:00:00 +0000\n\nbody',
    (m) => assert.equal(m.date?.toISOString(), '2026-02-10T09:00:00.000Z'),
  ],
  ['two From addresses -> no sender', 'From: a@clinic.example, b@clinic.example\n\nbody', (m) => assert.equal(m.from, null)],
  ['bare base64 junk in From -> no sender', 'From: =?utf-8?B?YUBiLmNvbQ==?=\n\nbody', (m) => assert.equal(m.from, null)],
  [
    'HTML-only body converted to text',
    'From: a@clinic.example\nContent-Type: text/html\n\n<p>Units of <b>J1885</b>?</p><script>x()</script>',
    (m) => assert.equal(m.text, 'Units of J1885?'),
  ],
  [
    'text attachment text is decoded and capped',
    'From: a@clinic.example\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: text/csv; name=codes.csv\nContent-Disposition: attachment; filename=codes.csv\n\ncode,units\n99214,1\n--b--\n',
    (m) => {
      assert.equal(m.attachments.length, 1);
      assert.equal(m.attachments[0].text?.trim(), 'code,units\n99214,1');
    },
  ],
  [
    'message ids are bracketed',
    'From: a@clinic.example\nMessage-ID: <x1@clinic.example>\nIn-Reply-To: y2@caseconsultant.example\nReferences: <r1@a.example> <r2@b.example>\n\nbody',
    (m) => {
      assert.equal(m.messageId, '<x1@clinic.example>');
      assert.equal(m.inReplyTo, '<y2@caseconsultant.example>');
      assert.deepEqual(m.references, ['<r1@a.example>', '<r2@b.example>']);
    },
  ],
];

for (const [name, raw, check] of RAW) {
  test(`parse: ${name}`, async () => check(await parseRawEmail(Buffer.from(raw), { now: new Date('2026-03-01T00:00:00Z') })));
}

test('parse: empty input is MESSAGE_UNPARSEABLE', async () => {
  await assert.rejects(parseRawEmail(Buffer.alloc(0)), (err: { code?: string }) => err.code === 'MESSAGE_UNPARSEABLE');
});

// An SES notification is JSON from the mail's body and its From is anyone's to write: a field of the
// wrong shape counts as absent, it does not throw out of classify.
for (const [name, body, kind] of [
  ['bounce recipients a string', '{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":"a@b.example"}}', 'bounce'],
  ['complaint recipients an object', '{"notificationType":"Complaint","complaint":{"complainedRecipients":{"emailAddress":"a@b.example"}}}', 'feedback'],
  ['delivery recipients a number', '{"notificationType":"Delivery","delivery":{"recipients":7},"mail":{"headers":"x"}}', 'bounce'],
  [
    'a null recipient, a numeric Message-ID',
    '{"notificationType":"Bounce","bounce":{"bouncedRecipients":[null]},"mail":{"headers":[{"name":"Message-ID","value":5}]}}',
    'bounce',
  ],
] as const) {
  test(`classify: SES notification with ${name}`, () => {
    const c = classify(msg({ from: { address: 'no-reply@amazonses.com', name: '' }, subject: 'AWS Notification Message', text: body }), ctx);
    assert.equal(c.kind, kind);
    assert.ok((c.bounce?.recipients ?? []).every((r) => r.address === null));
  });
}
