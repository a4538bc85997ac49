// Pure pieces of the console's security: cookies, CSRF tokens, passwords, redirects, headers, CSV.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from '@jest/globals';
import { parseCookies, serializeCookie } from '../../src/review/console/cookies.ts';
import { csrfToken, verifyCsrf } from '../../src/review/console/csrf.ts';
import { csvCell, toCsv } from '../../src/review/console/csv.ts';
import { securityHeaders } from '../../src/review/console/headers.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/review/console/passwords.ts';
import { safeNext } from '../../src/review/console/state.ts';

describe('cookies', () => {
  it('parses a Cookie header, first name wins, values decoded', () => {
    assert.deepEqual(parseCookies('a=1; cc_session=x%2By; a=2; junk; =v; q="quoted"'), { a: '1', cc_session: 'x+y', q: 'quoted' });
    assert.deepEqual(parseCookies(undefined), {});
  });
  it('always sets HttpOnly and SameSite; Secure only when asked', () => {
    const plain = serializeCookie('cc_session', 'abc', { secure: false, maxAgeSeconds: 60 });
    assert.equal(plain, 'cc_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
    assert.match(serializeCookie('cc_session', 'abc', { secure: true }), /; Secure$/);
    assert.throws(() => serializeCookie('bad name', 'x', { secure: false }));
  });
});

describe('CSRF tokens', () => {
  const key = crypto.randomBytes(32);
  it('accept the token of the same binding only', () => {
    const t = csrfToken(key, 'session-1');
    assert.equal(verifyCsrf(key, 'session-1', t), true);
    assert.equal(verifyCsrf(key, 'session-2', t), false);
    assert.equal(verifyCsrf(crypto.randomBytes(32), 'session-1', t), false);
  });
  it('refuse missing, empty and non-string tokens', () => {
    assert.equal(verifyCsrf(key, 'session-1', undefined), false);
    assert.equal(verifyCsrf(key, 'session-1', ''), false);
    assert.equal(verifyCsrf(key, 'session-1', ['x']), false);
    assert.equal(verifyCsrf(key, null, csrfToken(key, 'null')), false);
  });
});

describe('passwords', () => {
  it('hash with scrypt and a fresh salt, verify only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.match(a, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('anything', null), false);
    assert.equal(await verifyPassword('anything', 'plain-text'), false);
  });
  it('want at least 12 characters', () => {
    assert.ok(passwordProblem('short'));
    assert.equal(passwordProblem('twelve chars'), null);
  });
});

describe('redirect targets after sign-in', () => {
  it('keep local paths and refuse other sites', () => {
    assert.equal(safeNext('/c/12?done=1'), '/c/12?done=1');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/login?next=/x', '', undefined, 42]) {
      assert.equal(safeNext(bad), '/queue', String(bad));
    }
  });
});

describe('security headers', () => {
  it('forbid inline script and framing', () => {
    const h = securityHeaders(false);
    assert.match(h['content-security-policy'], /script-src 'self'(;|$)/);
    assert.doesNotMatch(h['content-security-policy'], /unsafe-inline/);
    assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(h['x-frame-options'], 'DENY');
    assert.equal(h['strict-transport-security'], undefined);
    assert.ok(securityHeaders(true)['strict-transport-security']);
  });
});

describe('audit CSV', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell(null), '');
    assert.equal(csvCell({ a: 1 }), '"{""a"":1}"');
    assert.equal(toCsv(['h1', 'h2'], [[1, 'x']]), 'h1,h2\r\n1,x\r\n');
  });
});
