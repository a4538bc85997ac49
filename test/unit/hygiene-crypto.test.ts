import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from '@jest/globals';
import { encryptRaw, isEncryptedRaw, openRaw, sha256Hex } from '../../src/mail/raw-crypto.ts';
import { randomBytes } from '../../src/random-pool.ts';
import { parseConfig, rawKeyBytes } from '../../src/config.ts';

const key = crypto.randomBytes(32);
const other = crypto.randomBytes(32);
const mail = Buffer.from('From: Dana <dana@clinic.example>\r\nSubject: MRN 1234567\r\n\r\nPatient John Smith DOB 01/02/1950\r\n');

test('round trip: encrypted at rest, the plaintext back, hash verified', () => {
  const cases: [string, Buffer][] = [
    ['ordinary message', mail],
    ['one byte', Buffer.from('x')],
    ['binary 1 MB', crypto.randomBytes(1024 * 1024)],
  ];
  for (const [name, plain] of cases) {
    const sha = sha256Hex(plain);
    const sealed = encryptRaw(plain, key, sha);
    assert.ok(isEncryptedRaw(sealed), name);
    assert.equal(sealed.includes(plain.subarray(0, Math.min(16, plain.length))) && plain.length >= 16, false, `${name}: no plaintext in the blob`);
    const opened = openRaw(sealed, key, sha);
    assert.ok(opened.ok && opened.raw.equals(plain) && opened.encrypted, name);
  }
  // Two encryptions of one message differ (fresh IV), so equal mail is not visible as equal blobs.
  const sha = sha256Hex(mail);
  assert.notDeepEqual(encryptRaw(mail, key, sha), encryptRaw(mail, key, sha));
});

test('tampering, a wrong key, a moved blob and purged bytes are all refused', () => {
  const sha = sha256Hex(mail);
  const sealed = encryptRaw(mail, key, sha);
  const flip = (at: number) => {
    const b = Buffer.from(sealed);
    b[at] ^= 0x01;
    return b;
  };
  const otherSha = sha256Hex(Buffer.from('another message'));
  const cases: [string, Buffer, Buffer, string, string][] = [
    ['ciphertext bit flipped', flip(sealed.length - 1), key, sha, 'undecryptable'],
    ['tag bit flipped', flip(5 + 12), key, sha, 'undecryptable'],
    ['iv bit flipped', flip(5), key, sha, 'undecryptable'],
    ['wrong key', sealed, other, sha, 'undecryptable'],
    ['blob moved to a row with another hash', sealed, key, otherSha, 'undecryptable'],
    ['truncated', sealed.subarray(0, 20), key, sha, 'undecryptable'],
    ['purged by the sweeper', Buffer.alloc(0), key, sha, 'purged'],
    ['legacy plaintext altered', Buffer.from(mail.toString().replace('John', 'Jane')), key, sha, 'hash-mismatch'],
  ];
  for (const [name, blob, k, h, reason] of cases) {
    const r = openRaw(blob, k, h);
    assert.equal(r.ok, false, name);
    assert.equal(!r.ok && r.reason, reason, name);
  }
  // A row stored before encryption existed still opens when its hash matches.
  const legacy = openRaw(mail, key, sha);
  assert.ok(legacy.ok && !legacy.encrypted && legacy.raw.equals(mail));
});

test('RAW_ENCRYPTION_KEY accepts 32 bytes as hex or base64 and stops start-up otherwise', () => {
  const k = crypto.randomBytes(32);
  const cases: [string, string, boolean][] = [
    ['hex', k.toString('hex'), true],
    ['HEX upper', k.toString('hex').toUpperCase(), true],
    ['base64', k.toString('base64'), true],
    ['base64url', k.toString('base64url'), true],
    ['16 bytes hex', crypto.randomBytes(16).toString('hex'), false],
    ['31 bytes base64', crypto.randomBytes(31).toString('base64'), false],
    ['passphrase', 'correct horse battery staple', false],
  ];
  for (const [name, text, ok] of cases) {
    assert.equal(rawKeyBytes(text) !== null, ok, name);
    if (ok) assert.ok(rawKeyBytes(text)!.equals(k), name);
    const parse = () => parseConfig({ RAW_ENCRYPTION_KEY: text });
    if (ok) parse();
    else assert.throws(parse, /RAW_ENCRYPTION_KEY/, name);
  }
  assert.throws(() => parseConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db.example/cc' }), /RAW_ENCRYPTION_KEY: required/);
  parseConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db.example/cc', RAW_ENCRYPTION_KEY: k.toString('hex') });
  parseConfig({ NODE_ENV: 'production' }); // embedded default: generated into DATA_DIR
});

test('PLANS, AUTO_REPLY_MIN_INTERVAL_MINUTES and BOUNCE_VERP are validated by name', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ PLANS: '{guest:1}' }, /PLANS/],
    [{ PLANS: '{"guest":{"total":-1}}' }, /PLANS/],
    [{ PLANS: '{"guest":{"totl":1}}' }, /PLANS/],
    [{ PLANS: '{"Guest":{"total":1}}' }, /PLANS/],
    [{ AUTO_REPLY_MIN_INTERVAL_MINUTES: 'soon' }, /AUTO_REPLY_MIN_INTERVAL_MINUTES/],
    [{ AUTO_REPLY_MIN_INTERVAL_MINUTES: '-1' }, /AUTO_REPLY_MIN_INTERVAL_MINUTES/],
    [{ BOUNCE_VERP: 'maybe' }, /BOUNCE_VERP/],
    [{ UPGRADE_URL: 'ftp://x.example' }, /UPGRADE_URL/],
  ];
  for (const [env, re] of bad) assert.throws(() => parseConfig(env), re, JSON.stringify(env));
  const c = parseConfig({ PLANS: '{"guest":{"total":null},"free":{"monthly":10,"dueHours":12}}', BOUNCE_VERP: 'false', PUBLIC_URL: 'https://cc.example/' });
  assert.deepEqual(c.PLANS, { guest: { total: null }, free: { monthly: 10, dueHours: 12 } });
  assert.equal(c.BOUNCE_VERP, false);
  assert.equal(c.UPGRADE_URL, 'https://cc.example/plans');
  const d = parseConfig({});
  assert.deepEqual(d.PLANS, {});
  assert.equal(d.AUTO_REPLY_MIN_INTERVAL_MINUTES, 60);
  assert.equal(d.BOUNCE_VERP, true);
});

test('pooled random bytes: the lengths asked for, never the same bytes twice across refills', () => {
  const seen = new Set<string>();
  // 12-byte IVs: ~340 per 4 KB pool, so this crosses a dozen refills and their boundaries.
  for (let i = 0; i < 4000; i++) {
    const b = randomBytes(12);
    assert.equal(b.length, 12);
    seen.add(b.toString('hex'));
  }
  assert.equal(seen.size, 4000);
  for (const n of [1, 9, 511, 512, 513, 5000]) assert.equal(randomBytes(n).length, n, `length ${n}`);
  // A buffer handed out stays as it was while later ones are drawn.
  const first = randomBytes(16);
  const copy = Buffer.from(first);
  for (let i = 0; i < 1000; i++) randomBytes(16);
  assert.deepEqual(first, copy);
});
