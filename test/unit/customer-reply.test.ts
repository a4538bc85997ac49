import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { buildCustomerReply, buildStaffMail, type CustomerReplyKind } from '../../src/send/customer-reply.ts';

const id = { MESSAGE_ID_DOMAIN: 'cc.example', mailFromAddress: 'consult@cc.example' };
const base = {
  consultationId: 7,
  dedupKey: 'k',
  to: 'coder@clinic.example',
  ticket: 'CC-000123',
  subject: 'RE: Fwd: [CC-000123] modifier 25 question',
  parent: { messageId: 'q1@clinic.example', references: '<r0@clinic.example>' },
  replyToken: 'tok123',
  body: { text: 'hi', html: null },
};

for (const kind of ['answer', 'request_info', 'ack', 'deidentify'] as CustomerReplyKind[]) {
  test(`${kind}: one subject rule, threaded, with Reply-To`, () => {
    const m = buildCustomerReply(id, { ...base, kind });
    assert.equal(m.subject, 'Re: [CC-000123] modifier 25 question');
    assert.equal(m.inReplyTo, '<q1@clinic.example>');
    assert.equal(m.references, '<r0@clinic.example> <q1@clinic.example>');
    assert.equal(m.headers['Reply-To'], 'consult+tok123@cc.example');
    assert.match(m.messageId, new RegExp(`^<cc\\.${kind}\\.[^@]+@cc\\.example>$`));
    // RFC 3834 marks only the automatic ones: a reviewer's answer is a human reply.
    assert.equal(m.headers['Auto-Submitted'], kind === 'ack' || kind === 'deidentify' ? 'auto-replied' : undefined);
  });
}

test('the quota notice: same Re: rule, no tag and no reply address (there is no consultation)', () => {
  const m = buildCustomerReply(id, { ...base, kind: 'quota', consultationId: null, ticket: null, replyToken: null, subject: 'Fwd: RE: units of J1885' });
  assert.equal(m.subject, 'Re: units of J1885');
  assert.equal(m.headers['Reply-To'], undefined);
  assert.equal(m.headers['Auto-Submitted'], 'auto-replied');
  assert.equal(buildCustomerReply(id, { ...base, kind: 'quota', ticket: null, subject: '  ' }).subject, 'Re: (no subject)');
});

test('staff mail is not threaded and is marked auto-generated', () => {
  const m = buildStaffMail(id, {
    kind: 'notify',
    consultationId: 7,
    dedupKey: 'n',
    to: 'rev@cc.example',
    subject: '[CC-000123] assigned to you for review',
    body: { text: 't', html: null },
  });
  assert.equal(m.inReplyTo, null);
  assert.equal(m.headers?.['Auto-Submitted'], 'auto-generated');
});
