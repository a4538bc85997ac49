import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { classifyDeliveryError } from '../../src/send/delivery-error.ts';
import { newMessageId, replyAddress, replyReferences, replySubject } from '../../src/send/threading-headers.ts';
import { parseImapUrl } from '../../src/mail/sources/imap.ts';
import { consultationLink, verifyConsultationLink } from '../../src/review/links.ts';
import os from 'node:os';

describe('reply subject', () => {
  const cases: [string, string][] = [
    ['Can I bill 20610 with 99213?', 'Re: [CC-000123] Can I bill 20610 with 99213?'],
    ['Re: Can I bill 20610?', 'Re: [CC-000123] Can I bill 20610?'],
    ['RE: re: Fwd: units', 'Re: [CC-000123] units'],
    ['Re: [CC-000123] units', 'Re: [CC-000123] units'],
    ['AW: Frage', 'Re: [CC-000123] Frage'],
    ['', 'Re: [CC-000123] (no subject)'],
    ['Return to sender', 'Re: [CC-000123] Return to sender'],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => assert.equal(replySubject('CC-000123', input), expected));
});

describe('reply references', () => {
  it('extends the parent chain with the parent id, without duplicates', () => {
    assert.deepEqual(replyReferences(['<a@x>', 'b@x'], '<c@x>'), ['<a@x>', '<b@x>', '<c@x>']);
    assert.deepEqual(replyReferences(['<a@x>'], '<a@x>'), ['<a@x>']);
    assert.deepEqual(replyReferences([], null), []);
  });
  it('makes unique Message-IDs in our domain', () => {
    const a = newMessageId('example.com', 'answer');
    assert.match(a, /^<cc\.answer\.[a-z0-9]+\.[0-9a-f]{16}@example\.com>$/);
    assert.notEqual(a, newMessageId('example.com', 'answer'));
  });
  it('builds the per-consultation reply address', () => {
    assert.equal(replyAddress('consult@example.com', 'tok123'), 'consult+tok123@example.com');
    assert.equal(replyAddress('consult+x@example.com', 'tok'), 'consult+tok@example.com');
  });
});

describe('delivery errors', () => {
  const cases: [object, string][] = [
    [{ responseCode: 550, code: 'EENVELOPE' }, 'permanent'],
    [{ responseCode: 552 }, 'permanent'],
    [{ responseCode: 421 }, 'transient'],
    [{ responseCode: 451 }, 'transient'],
    [{ code: 'ECONNECTION', command: 'CONN' }, 'transient'],
    [{ code: 'ETIMEDOUT', command: 'DATA' }, 'ambiguous'],
    [{ code: 'ESOCKET', command: 'DATA END' }, 'ambiguous'],
    [{ code: 'EMESSAGE' }, 'permanent'],
    [{}, 'transient'],
  ];
  for (const [err, verdict] of cases) it(`${JSON.stringify(err)} -> ${verdict}`, () => assert.equal(classifyDeliveryError(err), verdict));
});

describe('imap url', () => {
  it('decodes user, password and mailbox', () => {
    assert.deepEqual(parseImapUrl('imap://user%40domain:p%40ss@host:993/INBOX'), {
      host: 'host',
      port: 993,
      secure: false,
      user: 'user@domain',
      pass: 'p@ss',
      mailbox: 'INBOX',
    });
    assert.equal(parseImapUrl('imaps://u:p@h').port, 993);
    assert.equal(parseImapUrl('imap://u:p@h').port, 143);
    assert.equal(parseImapUrl('imap://u:p@h/Support%2FCoding').mailbox, 'Support/Coding');
  });
});

describe('signed consultation links', () => {
  const config = { DATA_DIR: os.tmpdir(), PUBLIC_URL: 'https://cc.example.com' };
  it('verifies its own link and refuses tampering or expiry', () => {
    const exp = new Date(Date.now() + 3600_000);
    const link = new URL(consultationLink(config, 42, 7, exp));
    const p = { consultationId: 42, userId: Number(link.searchParams.get('u')), exp: Number(link.searchParams.get('e')), sig: link.searchParams.get('s')! };
    assert.equal(verifyConsultationLink(config, p), true);
    assert.equal(verifyConsultationLink(config, { ...p, consultationId: 43 }), false);
    assert.equal(verifyConsultationLink(config, { ...p, userId: 8 }), false);
    assert.equal(verifyConsultationLink(config, { ...p, sig: p.sig.slice(1) }), false);
    assert.equal(verifyConsultationLink(config, p, Date.now() + 2 * 3600_000), false);
  });
});
