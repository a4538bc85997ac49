import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from '@jest/globals';
import { parseConfig } from '../../src/config.ts';
import { AppError } from '../../src/errors.ts';

describe('config', () => {
  it('falls back to the embedded defaults', () => {
    const c = parseConfig({});
    assert.equal(c.IMAP_URL, undefined);
    assert.equal(c.SMTP_URL, undefined);
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.REDIS_URL, 'redis://127.0.0.1:6379/0');
    assert.equal(c.PORT, 3000);
    assert.equal(c.QUEUE_PREFIX, 'cc');
    assert.equal(c.INGEST_CONCURRENCY, 128);
    assert.equal(c.DATA_DIR, path.resolve('var'));
    assert.equal(c.paths.maildir, path.resolve('var/mail/inbox'));
    assert.equal(c.paths.outbox, path.resolve('var/outbox'));
    assert.equal(c.paths.pglite, path.resolve('var/db'));
    assert.equal(c.PUBLIC_URL, 'http://localhost:3000');
    assert.equal(c.mailFromAddress, 'consult@caseconsultant.localhost');
    assert.equal(c.MESSAGE_ID_DOMAIN, 'caseconsultant.localhost');
    assert.ok(Object.isFrozen(c));
  });

  it('reads the documented variables', () => {
    const c = parseConfig({
      IMAP_URL: 'imaps://user%40example.com:pw@mail.example.com:993/INBOX',
      SMTP_URL: 'smtp://u:p@smtp.example.com:587',
      DATABASE_URL: 'postgres://cc@db.example.com/cc',
      REDIS_URL: 'redis://cache.example.com:6380/2',
      QUEUE_PREFIX: 'prod-1',
      PORT: '8080',
      PUBLIC_URL: 'https://cc.example.com/',
      MAIL_FROM: 'Coding Desk <desk@example.com>',
      DATA_DIR: '/srv/cc',
    });
    assert.equal(c.PORT, 8080);
    assert.equal(c.PUBLIC_URL, 'https://cc.example.com');
    assert.equal(c.mailFromAddress, 'desk@example.com');
    assert.equal(c.MESSAGE_ID_DOMAIN, 'example.com');
    assert.equal(c.paths.outbox, '/srv/cc/outbox');
  });

  const bad: [string, Record<string, string>][] = [
    ['IMAP_URL', { IMAP_URL: 'http://mail.example.com' }],
    ['SMTP_URL', { SMTP_URL: 'not a url' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x@y/z' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: 'eighty' }],
    ['QUEUE_PREFIX', { QUEUE_PREFIX: 'a:b' }],
    ['MAIL_FROM', { MAIL_FROM: 'nobody' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://x' }],
    ['INGEST_CONCURRENCY', { INGEST_CONCURRENCY: '0' }],
    ['INGEST_CONCURRENCY', { INGEST_CONCURRENCY: 'many' }],
  ];
  for (const [name, env] of bad) {
    it(`stops on a bad ${name} and names it`, () => {
      assert.throws(
        () => parseConfig(env),
        (err: unknown) => err instanceof AppError && err.code === 'CONFIG_INVALID' && err.message.includes(name),
      );
    });
  }

  it('treats empty optional URLs as unset', () => {
    const c = parseConfig({ IMAP_URL: '', SMTP_URL: '', DATABASE_URL: '' });
    assert.equal(c.IMAP_URL, undefined);
    assert.equal(c.DATABASE_URL, undefined);
  });

  it('reads the sender-authentication and web-hardening settings (issue #14)', () => {
    const d = parseConfig({});
    assert.deepEqual([d.SENDER_AUTH, d.UNAUTHENTICATED_SENDERS, d.DNS_SERVERS, d.TRUST_PROXY, d.METRICS_TOKEN], ['verify', 'guest', [], false, '']);
    const c = parseConfig({
      SENDER_AUTH: 'authserv',
      AUTHSERV_ID: 'mx.example.com',
      UNAUTHENTICATED_SENDERS: 'hold',
      DNS_SERVERS: '127.0.0.1:5353, 10.0.0.2',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      METRICS_TOKEN: 'a-metrics-token-of-32-characters',
    });
    assert.deepEqual(
      [c.SENDER_AUTH, c.UNAUTHENTICATED_SENDERS, c.DNS_SERVERS, c.TRUST_PROXY],
      ['authserv', 'hold', ['127.0.0.1:5353', '10.0.0.2'], ['10.0.0.0/8', '127.0.0.1']],
    );
    assert.equal(parseConfig({ TRUST_PROXY: '1' }).TRUST_PROXY, 1);
    assert.equal(parseConfig({ TRUST_PROXY: '0' }).TRUST_PROXY, false);
    for (const [env, name] of [
      [{ SENDER_AUTH: 'authserv' }, 'AUTHSERV_ID'],
      [{ SENDER_AUTH: 'trust-from' }, 'SENDER_AUTH'],
      [{ UNAUTHENTICATED_SENDERS: 'count' }, 'UNAUTHENTICATED_SENDERS'],
      [{ DNS_SERVERS: 'dns.example.com' }, 'DNS_SERVERS'],
      [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
      [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    ] as const) {
      assert.throws(
        () => parseConfig(env),
        (e: unknown) => e instanceof AppError && e.message.includes(name),
        name,
      );
    }
  });
});
