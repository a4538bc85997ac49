import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { parseMailboxInput } from '../../src/mail/mailbox-input.ts';
import { replyToFor } from '../../src/send/mailbox-sender.ts';
import { openSecret, sealSecret } from '../../src/secret-box.ts';

describe('mailbox input', () => {
  it('splits the password out of the URL and names the mailbox by user, host and folder', () => {
    const m = parseMailboxInput({
      name: 'Billing',
      imapUrl: 'imaps://desk%40clinic.example:s3cret@mail.clinic.example/Coding',
      from: 'Desk <desk@clinic.example>',
      plan: 'pro',
    });
    assert.equal(m.name, 'billing');
    assert.equal(m.imapPassword, 's3cret');
    assert.ok(!m.imapUrl.includes('s3cret'));
    assert.equal(m.key, 'imap:desk@clinic.example@mail.clinic.example:993/Coding');
    assert.equal(m.oauth2, null);
    assert.equal(m.smtpUrl, null);
  });
  it('takes the Microsoft preset for OAuth2 and keeps the secrets apart', () => {
    const m = parseMailboxInput({
      name: 'ms',
      imapUrl: 'imaps://desk%40clinic.example@outlook.office365.com/INBOX',
      imapAuth: 'oauth2',
      smtpUrl: 'smtp://desk%40clinic.example@smtp.office365.com:587',
      smtpAuth: 'oauth2',
      oauth2Provider: 'microsoft',
      oauth2Tenant: 'clinic.example',
      oauth2ClientId: 'app',
      oauth2RefreshToken: 'rt',
    });
    assert.equal(m.oauth2?.tokenUrl, 'https://login.microsoftonline.com/clinic.example/oauth2/v2.0/token');
    assert.match(m.oauth2!.scope!, /SMTP\.Send/);
    assert.equal(m.from, 'desk@clinic.example', 'replies from the IMAP user by default');
  });
  const refused: [string, Parameters<typeof parseMailboxInput>[0], RegExp][] = [
    ['a bad name', { name: 'no spaces', imapUrl: 'imap://u:p@h/INBOX' }, /name/],
    ['password auth without a password', { name: 'x', imapUrl: 'imap://u@h/INBOX' }, /no password/],
    [
      'oauth2 with a password',
      { name: 'x', imapUrl: 'imap://u:p@h/INBOX', imapAuth: 'oauth2', oauth2Provider: 'google', oauth2ClientId: 'c', oauth2RefreshToken: 'r' },
      /holds a password/,
    ],
    [
      'oauth2 without a refresh token',
      { name: 'x', imapUrl: 'imap://u@h/INBOX', imapAuth: 'oauth2', oauth2Provider: 'google', oauth2ClientId: 'c' },
      /refresh token/,
    ],
    ['oauth2 without a token URL', { name: 'x', imapUrl: 'imap://u@h/INBOX', imapAuth: 'oauth2', oauth2ClientId: 'c', oauth2RefreshToken: 'r' }, /token URL/],
    ['a non-IMAP URL', { name: 'x', imapUrl: 'https://h/' }, /imap:/],
    ['a bad From', { name: 'x', imapUrl: 'imap://u:p@h/INBOX', from: 'nobody' }, /From/],
  ];
  for (const [what, input, message] of refused) it(`refuses ${what}`, () => assert.throws(() => parseMailboxInput(input), message));
});

describe('reply address of the mailbox a message leaves from', () => {
  it('rewrites a Reply-To made for MAIL_FROM, and nothing else', () => {
    assert.deepEqual(replyToFor({ 'Reply-To': 'consult+tok123@example.test' }, 'consult@example.test', 'billing@clinic.example'), {
      'Reply-To': 'billing+tok123@clinic.example',
    });
    assert.deepEqual(replyToFor({ 'Reply-To': 'someone@else.example' }, 'consult@example.test', 'billing@clinic.example'), {
      'Reply-To': 'someone@else.example',
    });
    assert.deepEqual(replyToFor({ 'Reply-To': 'consult+t@example.test' }, 'consult@example.test', 'consult@example.test'), {
      'Reply-To': 'consult+t@example.test',
    });
    assert.deepEqual(replyToFor({}, 'consult@example.test', 'b@x.example'), {});
  });
});

describe('sealed secrets', () => {
  it('open with their key and label only', () => {
    const key = Buffer.alloc(32, 7);
    const blob = sealSecret('refresh-token-value', key, 'mailbox:oauth2_refresh_token');
    assert.ok(!blob.includes(Buffer.from('refresh-token-value')));
    assert.equal(openSecret(blob, key, 'mailbox:oauth2_refresh_token'), 'refresh-token-value');
    assert.throws(() => openSecret(blob, key, 'mailbox:imap_password'), /cannot be decrypted/);
    assert.throws(() => openSecret(blob, Buffer.alloc(32, 8), 'mailbox:oauth2_refresh_token'), /cannot be decrypted/);
  });
});
