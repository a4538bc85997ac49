import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { fromAuthservHeader, fromMailauth } from '../../src/mail/sender-auth.ts';

const ID = 'mx.example.test';
// [name, headers (topmost first), From domain, expected authenticated, expected forged] (null: no verdict)
const CASES: [string, string[], string, boolean | null, boolean | null][] = [
  ['no header from us', ['mx.other.example; dmarc=pass header.from=a.example'], 'a.example', null, null],
  ['dmarc pass', [`${ID}; dkim=pass header.d=a.example; dmarc=pass header.from=a.example`], 'a.example', true, false],
  ['dmarc pass for another domain does not count', [`${ID}; dmarc=pass header.from=b.example`], 'a.example', false, false],
  ['aligned dkim on a subdomain, no dmarc', [`${ID}; dkim=pass header.d=mail.a.example`], 'a.example', true, false],
  ['dkim of another domain', [`${ID}; dkim=pass header.d=esp.example`], 'a.example', false, false],
  ['aligned spf, no dmarc record', [`${ID}; spf=pass smtp.mailfrom=bounce@a.example; dmarc=none`], 'a.example', true, false],
  ['dmarc fail is forged', [`${ID}; spf=fail smtp.mailfrom=a.example; dkim=none; dmarc=fail (p=reject) header.from=a.example`], 'a.example', false, true],
  ['only the topmost of ours counts', [`${ID}; dmarc=fail header.from=a.example`, `${ID}; dmarc=pass header.from=a.example`], 'a.example', false, true],
  ['a comment cannot fake a result', [`${ID}; dkim=fail (dmarc=pass) header.d=a.example`], 'a.example', false, false],
];

for (const [name, headers, domain, authenticated, forged] of CASES) {
  test(`fromAuthservHeader: ${name}`, () => {
    const r = fromAuthservHeader(headers, ID, domain);
    if (authenticated === null) return assert.equal(r, null);
    assert.deepEqual([r?.authenticated, r?.forged], [authenticated, forged]);
  });
}

test('fromMailauth: DMARC pass, aligned DKIM without DMARC, enforced DMARC fail', () => {
  const dkim = (d: string, result = 'pass') => ({ results: [{ signingDomain: d, status: { result } }] });
  const dmarc = (result: string, policy = 'none') => ({ status: { result }, policy });
  assert.equal(fromMailauth({ dkim: dkim('a.example'), spf: false, dmarc: dmarc('pass') }, 'a.example').authenticated, true);
  assert.equal(fromMailauth({ dkim: dkim('a.example'), spf: false, dmarc: false }, 'a.example').authenticated, true);
  assert.equal(fromMailauth({ dkim: dkim('other.example'), spf: false, dmarc: false }, 'a.example').authenticated, false);
  assert.equal(fromMailauth({ dkim: dkim('a.example', 'neutral'), spf: false, dmarc: false }, 'a.example').authenticated, false);
  assert.deepEqual(Object.values(fromMailauth({ dkim: {}, spf: false, dmarc: dmarc('fail', 'reject') }, 'a.example')).slice(0, 2), [false, true]);
  assert.deepEqual(Object.values(fromMailauth({ dkim: {}, spf: false, dmarc: dmarc('fail', 'none') }, 'a.example')).slice(0, 2), [false, false]);
});
