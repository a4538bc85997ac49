import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { parseConfig } from '../../src/config.ts';
import { refreshMargin } from '../../src/mail/oauth2/token-provider.ts';
import { classifyDeliveryError } from '../../src/send/delivery-error.ts';

const oauth = { OAUTH2_CLIENT_ID: 'app', OAUTH2_REFRESH_TOKEN: 'rt' };

describe('OAuth2 configuration', () => {
  it('takes the Microsoft and Google presets, and an explicit URL or scope over them', () => {
    const ms = parseConfig({
      ...oauth,
      IMAP_URL: 'imaps://desk%40clinic.example@outlook.office365.com/INBOX',
      IMAP_AUTH: 'oauth2',
      OAUTH2_PROVIDER: 'microsoft',
      OAUTH2_TENANT: 'clinic.example',
    });
    assert.equal(ms.oauth2?.tokenUrl, 'https://login.microsoftonline.com/clinic.example/oauth2/v2.0/token');
    assert.match(ms.oauth2!.scope, /IMAP\.AccessAsUser\.All.*SMTP\.Send.*offline_access/);
    const g = parseConfig({ ...oauth, SMTP_URL: 'smtps://desk%40clinic.example@smtp.gmail.com:465', SMTP_AUTH: 'oauth2', OAUTH2_PROVIDER: 'google' });
    assert.deepEqual(g.oauth2, { tokenUrl: 'https://oauth2.googleapis.com/token', scope: 'https://mail.google.com/' });
    const own = parseConfig({
      ...oauth,
      IMAP_URL: 'imap://u@h/INBOX',
      IMAP_AUTH: 'oauth2',
      OAUTH2_PROVIDER: 'google',
      OAUTH2_TOKEN_URL: 'https://idp.example/token',
      OAUTH2_SCOPE: 'mail',
    });
    assert.deepEqual(own.oauth2, { tokenUrl: 'https://idp.example/token', scope: 'mail' });
    assert.equal(parseConfig({}).oauth2, null);
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ['a password in the URL', { ...oauth, IMAP_URL: 'imap://u:pw@h/INBOX', IMAP_AUTH: 'oauth2', OAUTH2_PROVIDER: 'google' }, /IMAP_URL: holds a password/],
    ['no user in the URL', { ...oauth, SMTP_URL: 'smtp://h:587', SMTP_AUTH: 'oauth2', OAUTH2_PROVIDER: 'google' }, /SMTP_URL: names no user/],
    ['no token URL or provider', { ...oauth, IMAP_URL: 'imap://u@h/INBOX', IMAP_AUTH: 'oauth2' }, /OAUTH2_TOKEN_URL: required/],
    [
      'no client id',
      { OAUTH2_REFRESH_TOKEN: 'rt', IMAP_URL: 'imap://u@h/INBOX', IMAP_AUTH: 'oauth2', OAUTH2_PROVIDER: 'google' },
      /OAUTH2_CLIENT_ID: required/,
    ],
    [
      'no refresh token',
      { OAUTH2_CLIENT_ID: 'app', IMAP_URL: 'imap://u@h/INBOX', IMAP_AUTH: 'oauth2', OAUTH2_PROVIDER: 'google' },
      /OAUTH2_REFRESH_TOKEN: required/,
    ],
    ['no URL at all', { ...oauth, IMAP_AUTH: 'oauth2', OAUTH2_PROVIDER: 'google' }, /IMAP_URL: required with IMAP_AUTH=oauth2/],
    ['an unknown provider', { OAUTH2_PROVIDER: 'yahoo' }, /OAUTH2_PROVIDER/],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuses ${what}, naming the variable`, () => assert.throws(() => parseConfig(env), message));
  }
});

describe('token lifetimes and sign-in failures', () => {
  it('refreshes a minute before expiry, or a fifth of a short lifetime', () => {
    assert.equal(refreshMargin(3600_000), 60_000);
    assert.equal(refreshMargin(3000), 600);
    assert.equal(refreshMargin(0), 0);
  });
  it('retries a send whose sign-in was refused instead of failing the reply for good', () => {
    assert.equal(classifyDeliveryError({ code: 'EAUTH', responseCode: 535, command: 'AUTH XOAUTH2' }), 'transient');
    assert.equal(classifyDeliveryError({ code: 'EOAUTH2' }), 'transient');
    assert.equal(classifyDeliveryError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }), 'permanent');
  });
});
