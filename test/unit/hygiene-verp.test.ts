import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from '@jest/globals';
import { verpTokenFromAddress } from '../../src/mail/bounce.ts';
import { outboundIdFromVerp, verpAddress, verpTokenFor } from '../../src/send/verp.ts';

const key = crypto.createHash('sha256').update('test key').digest();
const otherKey = crypto.createHash('sha256').update('other key').digest();

test('a VERP envelope sender maps back to its outbound row through the bounce parser', () => {
  const cases: [string, number][] = [
    ['consult@example.test', 1],
    ['consult@example.test', 42],
    ['consult+tag@caseconsultant.example', 987654321],
  ];
  for (const [from, id] of cases) {
    const address = verpAddress(from, key, id);
    assert.match(address, /^consult\+verp-\d+-[0-9a-f]{12}@/, address);
    assert.equal(address.split('@')[1], from.split('@')[1]);
    const token = verpTokenFromAddress(address);
    assert.equal(token, verpTokenFor(key, id));
    assert.equal(outboundIdFromVerp(key, token), id, address);
    // Some MTAs upper-case the local part; the token still resolves.
    assert.equal(outboundIdFromVerp(key, token!.toUpperCase()), id);
  }
});

test('forged, foreign or malformed tokens resolve to nothing', () => {
  const good = verpTokenFor(key, 42);
  const mac = good.split('-')[1];
  const cases: [string, string | null][] = [
    ['another id with this mac', `43-${mac}`],
    ['mac from another key', verpTokenFor(otherKey, 42)],
    ['mac one digit off', `42-${mac.slice(0, 11)}${mac[11] === '0' ? '1' : '0'}`],
    ['short mac', `42-${mac.slice(0, 8)}`],
    ['no mac', '42'],
    ['zero id', `0-${mac}`],
    ['leading zero', `042-${mac}`],
    ['null', null],
    ['empty', ''],
    ['junk', 'abc-def'],
  ];
  for (const [name, token] of cases) assert.equal(outboundIdFromVerp(key, token), null, name);
});
