// Hostile clients against the web process on real PostgreSQL and Redis: forged X-Forwarded-For,
// an open /metrics, unauthenticated admin calls, out-of-range numbers, a lookalike Referer, a magic
// link opened in someone else's session, and a password lock anyone could trigger (issue #14).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { setPassword } from '../../src/review/console/credentials.ts';
import { obliterateQueues, startTestApp, type TestApp } from '../support/app.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PUBLIC_URL = 'http://localhost:3200';
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const PASSWORD = 'a long enough passphrase';

/** A browser's worth of state: cookies kept between requests, the CSRF token of the last page. */
class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  private base: string;
  private headers: Record<string, string>;
  constructor(base: string, headers: Record<string, string> = {}) {
    this.base = base;
    this.headers = headers;
  }
  async request(p: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const res = await fetch(this.base + p, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...this.headers,
        ...init.headers,
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams({ _csrf: this.csrf, ...init.form }).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value) this.cookies.set(pair.slice(0, eq), value);
      else this.cookies.delete(pair.slice(0, eq));
    }
    const text = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(text);
    if (csrf) this.csrf = csrf[1];
    return { status: res.status, text, location: res.headers.get('location') };
  }
  async signIn(email: string, password = PASSWORD) {
    await this.request('/login');
    return this.request('/login/password', { form: { email, password } });
  }
}

describe('hostile clients against the web process', () => {
  let db: TestDatabase;
  /** Default settings, with a metrics token. */
  let app: TestApp;
  /** Behind a proxy on 127.0.0.1 (TRUST_PROXY), /metrics open. */
  let proxied: TestApp;
  let adminToken = '';
  const prefix = uniquePrefix();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-web-'));
  const q = <T = any>(sql: string, params: unknown[] = []) => app.ctx.db.query<T>(sql, params).then((r) => r.rows);

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      MAIL_FROM: 'CaseConsultant <consult@example.test>',
      SMTP_URL: 'smtp://127.0.0.1:1',
      IMAP_URL: 'imap://u:p@127.0.0.1:1/INBOX',
      PUBLIC_URL,
    };
    app = await startTestApp({ ...env, METRICS_TOKEN }, { poller: false, workers: false });
    proxied = await startTestApp({ ...env, TRUST_PROXY: '127.0.0.1' }, { poller: false, workers: false });
    adminToken = (await app.addUser({ email: 'ada@reviewers.example', name: 'Ada Admin', role: 'admin' })).token;
    await app.addUser({ email: 'alice@reviewers.example', name: 'Alice', role: 'reviewer' });
    await app.addUser({ email: 'bob@reviewers.example', name: 'Bob', role: 'reviewer' });
    for (const e of ['ada@reviewers.example', 'alice@reviewers.example', 'bob@reviewers.example']) await setPassword(app.ctx.db, e, PASSWORD);
  });

  afterAll(async () => {
    await proxied?.stop();
    await app?.stop();
    await Promise.all([db?.drop(), obliterateQueues(REDIS_URL, prefix)]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY names the proxy (finding 5)', async () => {
    const lastIp = async () => (await q(`SELECT ip FROM login_attempts ORDER BY id DESC LIMIT 1`))[0].ip;
    const direct = new Browser(app.baseUrl, { 'x-forwarded-for': '203.0.113.7' });
    assert.equal((await direct.signIn('nobody@reviewers.example')).status, 401);
    assert.equal(await lastIp(), '127.0.0.1', 'the connecting address, not the header');
    const viaProxy = new Browser(proxied.baseUrl, { 'x-forwarded-for': '203.0.113.7' });
    assert.equal((await viaProxy.signIn('nobody@reviewers.example')).status, 401);
    assert.equal(await lastIp(), '203.0.113.7', 'the client behind the trusted proxy');
  });

  it('locks out one address and client, never the account for everyone (finding 11)', async () => {
    const attacker = new Browser(proxied.baseUrl, { 'x-forwarded-for': '198.51.100.1' });
    for (let i = 0; i < 5; i++) assert.equal((await attacker.signIn('alice@reviewers.example', 'wrong password!!')).status, 401);
    assert.equal((await attacker.signIn('alice@reviewers.example', 'wrong password!!')).status, 429, 'the guessing client is stopped');
    const alice = new Browser(proxied.baseUrl, { 'x-forwarded-for': '192.0.2.44' });
    const r = await alice.signIn('alice@reviewers.example');
    assert.equal(r.status, 303, 'Alice, elsewhere, still signs in');
    assert.equal(r.location, '/queue');
  });

  it('asks for a bearer token on /metrics when METRICS_TOKEN is set (finding 12)', async () => {
    assert.equal((await fetch(`${app.baseUrl}/metrics`)).status, 401);
    assert.equal((await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const ok = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /# HELP/);
    assert.equal((await fetch(`${proxied.baseUrl}/metrics`)).status, 200, 'open without the setting');
  });

  it('authenticates admin API calls before reading their bodies (finding 13)', async () => {
    for (const [p, body] of [
      ['/api/admin/accounts', {}],
      ['/api/admin/users', { email: 'not an address' }],
      ['/api/admin/users/not-an-id', {}],
      ['/api/admin/accounts/99999999999/plan', {}],
    ] as const) {
      const r = await app.api(p, { method: 'POST', token: null, body });
      assert.equal(r.status, 401, p);
      assert.equal(r.body.error.code, 'UNAUTHORIZED', p);
    }
  });

  it('answers out-of-range numbers and impossible dates with 400 or 404, never 500 (finding 7)', async () => {
    const api = (p: string, init: { method?: string; body?: unknown } = {}) => app.api(p, { ...init, token: adminToken });
    assert.equal((await api('/api/admin/audit?since=2026-13-45')).status, 400);
    assert.equal((await api('/api/admin/audit?user=99999999999')).status, 400);
    assert.equal((await api('/api/admin/audit?consultation=99999999999')).status, 400);
    assert.equal((await api('/api/admin/audit?since=2026-02-10')).status, 200);
    assert.equal((await api('/api/kb/lookup?code=99213&dos=2026-02-30')).status, 400);
    assert.equal((await api('/api/consultations/99999999999')).status, 404);
    assert.equal((await api('/api/admin/users/99999999999', { method: 'POST', body: { capacity: 3 } })).status, 404);
    assert.equal((await api('/api/consultations/1/reassign', { method: 'POST', body: { userId: 99999999999 } })).status, 400);
    const admin = new Browser(app.baseUrl);
    assert.equal((await admin.signIn('ada@reviewers.example')).status, 303);
    await admin.request('/admin/users');
    assert.equal((await admin.request('/admin/users/99999999999', { form: { role: 'reviewer', capacity: '3' } })).status, 404);
    assert.equal((await admin.request('/admin/accounts/99999999999', { form: { plan: 'pro' } })).status, 404);
    assert.equal((await admin.request('/admin/audit?since=2026-13-45&user=99999999999')).status, 200, 'a filter that is no date is ignored');
    assert.equal((await admin.request('/c/99999999999')).status, 404);
  });

  it('offers "Go back" only to a Referer of our own origin (finding 10)', async () => {
    const b = new Browser(app.baseUrl);
    await b.request('/login');
    const evil = await b.request('/logout', { method: 'POST', headers: { referer: `${PUBLIC_URL}.evil.example/phish` } });
    assert.equal(evil.status, 403);
    assert.ok(!evil.text.includes('evil.example'), 'no link to the lookalike host');
    const ours = await b.request('/logout', { method: 'POST', headers: { referer: `${PUBLIC_URL}/queue` } });
    assert.ok(ours.text.includes(`href="${PUBLIC_URL}/queue"`), 'a link back to our own page');
  });

  it("never switches an open session to another user's magic link silently (finding 9)", async () => {
    const alice = new Browser(app.baseUrl);
    assert.equal((await alice.signIn('alice@reviewers.example')).status, 303);
    // Bob's link, as he would get it by mail (the token is stored hashed; this one is made here).
    const token = 'bobs-magic-link-token-0123456789abcdef';
    const { sha256Hex } = await import('../../src/store/users.ts');
    const [bob] = await q(`SELECT id FROM users WHERE email = 'bob@reviewers.example'`);
    await q(`INSERT INTO magic_links (token_sha256, user_id, expires_at) VALUES ($1, $2, now() + interval '10 minutes')`, [sha256Hex(token), bob.id]);
    const page = await alice.request(`/login/magic/${token}`);
    assert.match(page.text, /signed in as Alice/i, 'the page says who is signed in');
    const r = await alice.request(`/login/magic/${token}`, { form: {} });
    assert.notEqual(r.status, 303, 'no silent switch');
    assert.match(r.text, /signed in as Alice/i);
    assert.equal((await q(`SELECT count(*)::int AS n FROM console_sessions WHERE user_id = $1`, [bob.id]))[0].n, 0, 'no session for Bob');
    assert.equal((await alice.request('/queue')).status, 200, 'Alice is still signed in');
    const [link] = await q(`SELECT used_at FROM magic_links WHERE user_id = $1`, [bob.id]);
    assert.equal(link.used_at, null, 'the link is not used up');
    // Signed out, the same link signs Bob in.
    await alice.request('/logout', { form: {} });
    await alice.request(`/login/magic/${token}`);
    const signed = await alice.request(`/login/magic/${token}`, { form: {} });
    assert.deepEqual([signed.status, signed.location], [303, '/queue']);
  });
});
