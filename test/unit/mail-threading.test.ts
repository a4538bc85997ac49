import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { formatTicket, parseTicketTag, replyTokenFromAddresses, resolveThread, type ThreadCandidate, type ThreadInput } from '../../src/mail/threading.ts';

const A = (id: number, status = 'awaiting_review', accountId: number | null = 1, fromAddress = 'coder@clinic-a.example'): ThreadCandidate<number> => ({
  id,
  accountId,
  status,
  fromAddress,
});

const base: ThreadInput<number> = {
  messageIds: [],
  replyToken: null,
  ticketTag: null,
  senderAddress: 'coder@clinic-a.example',
  senderAccountId: 1,
  byMessageId: [],
  byToken: null,
  byTicket: null,
};

const CASES: [
  name: string,
  input: Partial<ThreadInput<number>>,
  expected: { consultationId: number | null; via: string | null; reopen: boolean; refused?: { consultationId: number; via: string } },
][] = [
  ['nothing matches: new consultation', {}, { consultationId: null, via: null, reopen: false }],
  ['In-Reply-To match', { messageIds: ['<a@cc>'], byMessageId: [A(7)] }, { consultationId: 7, via: 'message-id', reopen: false }],
  [
    'message-id wins over token and ticket',
    { byMessageId: [A(7)], replyToken: 'tok1', byToken: A(8), ticketTag: 'CC-000009', byTicket: A(9) },
    { consultationId: 7, via: 'message-id', reopen: false },
  ],
  [
    'token when no message-id match',
    { replyToken: 'tok1', byToken: A(8), ticketTag: 'CC-000009', byTicket: A(9) },
    { consultationId: 8, via: 'reply-token', reopen: false },
  ],
  ['ticket tag, same account', { ticketTag: 'CC-000009', byTicket: A(9) }, { consultationId: 9, via: 'ticket-tag', reopen: false }],
  [
    'ticket tag of ANOTHER customer is ignored',
    { ticketTag: 'CC-000009', byTicket: A(9, 'received', 2, 'x@clinic-b.example') },
    { consultationId: null, via: null, reopen: false, refused: { consultationId: 9, via: 'ticket-tag' } },
  ],
  [
    'ticket tag from the same address joins though the sender is unauthenticated',
    { senderAccountId: null, ticketTag: 'CC-000009', byTicket: A(9) },
    { consultationId: 9, via: 'ticket-tag', reopen: false },
  ],
  [
    'ticket tag of an account consultation from an unauthenticated other address is refused',
    { senderAccountId: null, senderAddress: 'eve@clinic-a.example', ticketTag: 'CC-000009', byTicket: A(9) },
    { consultationId: null, via: null, reopen: false, refused: { consultationId: 9, via: 'ticket-tag' } },
  ],
  // Finding 4 of issue #14: every Cc recipient sees the customer's Message-ID.
  [
    "a stranger quoting a guest customer's Message-ID opens their own",
    { senderAccountId: null, senderAddress: 'eve@elsewhere.example', byMessageId: [A(7, 'sent', null)] },
    { consultationId: null, via: null, reopen: false, refused: { consultationId: 7, via: 'message-id' } },
  ],
  [
    "an unauthenticated sender at the account's domain quoting the Message-ID opens their own",
    { senderAccountId: null, senderAddress: 'eve@clinic-a.example', byMessageId: [A(7)] },
    { consultationId: null, via: null, reopen: false, refused: { consultationId: 7, via: 'message-id' } },
  ],
  [
    'a colleague on the same authenticated account joins by Message-ID',
    { senderAddress: 'pat@clinic-a.example', byMessageId: [A(7)] },
    { consultationId: 7, via: 'message-id', reopen: false },
  ],
  [
    'the same address joins by Message-ID though unauthenticated',
    { senderAccountId: null, byMessageId: [A(7, 'sent', null)] },
    { consultationId: 7, via: 'message-id', reopen: true },
  ],
  [
    'anyone joins through the per-case reply address',
    { senderAccountId: null, senderAddress: 'eve@elsewhere.example', replyToken: 'tok1', byToken: A(8) },
    { consultationId: 8, via: 'reply-token', reopen: false },
  ],
  [
    'ticket tag without accounts matches on the same sender address',
    { senderAccountId: null, ticketTag: 'CC-000009', byTicket: A(9, 'received', null) },
    { consultationId: 9, via: 'ticket-tag', reopen: false },
  ],
  [
    'ticket tag without accounts, different sender address, is ignored',
    { senderAccountId: null, senderAddress: 'stranger@x.example', ticketTag: 'CC-000009', byTicket: A(9, 'received', null) },
    { consultationId: null, via: null, reopen: false, refused: { consultationId: 9, via: 'ticket-tag' } },
  ],
  [
    'message-id match of another customer (reply-all) is not merged',
    { byMessageId: [A(7, 'sent', 2, 'x@clinic-b.example')] },
    { consultationId: null, via: null, reopen: false, refused: { consultationId: 7, via: 'message-id' } },
  ],
  ['token of another customer is not merged', { replyToken: 'tok1', byToken: A(8, 'sent', 2) }, { consultationId: null, via: null, reopen: false }],
  [
    'falls through to the next message-id candidate of the same customer',
    { byMessageId: [A(7, 'sent', 2, 'x@clinic-b.example'), A(5)] },
    { consultationId: 5, via: 'message-id', reopen: false },
  ],
  ['reply to a sent answer re-opens', { byMessageId: [A(7, 'sent')] }, { consultationId: 7, via: 'message-id', reopen: true }],
  ['reply to a closed one re-opens', { replyToken: 'tok', byToken: A(8, 'closed') }, { consultationId: 8, via: 'reply-token', reopen: true }],
  ['reply to a rejected one re-opens', { ticketTag: 'CC-000009', byTicket: A(9, 'rejected') }, { consultationId: 9, via: 'ticket-tag', reopen: true }],
  [
    'reply while waiting on the customer does not re-open',
    { byMessageId: [A(7, 'waiting_on_customer')] },
    { consultationId: 7, via: 'message-id', reopen: false },
  ],
  ['a token without a looked-up consultation is ignored', { replyToken: 'tok1', byToken: null }, { consultationId: null, via: null, reopen: false }],
];

for (const [name, over, expected] of CASES) {
  test(`resolveThread: ${name}`, () => assert.deepEqual(resolveThread({ ...base, ...over }), expected));
}

const TAGS: [string, string | null][] = [
  ['Re: Can I bill 22513? [CC-000123]', 'CC-000123'],
  ['[cc-123] follow up', 'CC-000123'],
  ['RE: [CC-1234567] big number', 'CC-1234567'],
  ['CC-000123 without brackets', null],
  ['[CC-000000]', null],
  ['Question about 99214-25', null],
];
for (const [subject, tag] of TAGS) {
  test(`parseTicketTag: ${subject}`, () => assert.equal(parseTicketTag(subject), tag));
}

test('formatTicket pads to six digits and round-trips through parseTicketTag', () => {
  assert.equal(formatTicket(123), 'CC-000123');
  assert.equal(formatTicket(1234567), 'CC-1234567');
  assert.equal(parseTicketTag(`Re: x [${formatTicket(42)}]`), 'CC-000042');
  assert.throws(() => formatTicket(-1), RangeError);
});

const TOKENS: [string[], string, string | null][] = [
  [['consult+AbC123xyz@cc.example'], 'consult', 'AbC123xyz'],
  [['someone@x.example', 'Consult+tok_en-9@cc.example'], 'consult', 'tok_en-9'],
  [['consult@cc.example'], 'consult', null],
  [['help+abcd1234@cc.example'], 'help', 'abcd1234'],
  [['consultant+abcd1234@cc.example'], 'consult', null],
  [['consult+a b@cc.example'], 'consult', null],
];
for (const [addresses, local, token] of TOKENS) {
  test(`replyTokenFromAddresses: ${addresses.join(', ')}`, () => assert.equal(replyTokenFromAddresses(addresses, local), token));
}
