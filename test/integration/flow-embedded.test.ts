// The embedded defaults, as `npm start` runs them: Maildir inbox, PGlite, .eml outbox, one process.
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { freePort, waitFor } from '../support/net.ts';
import { uniquePrefix } from '../support/pg.ts';
import { embeddedEnv, obliterateQueues } from '../support/app.ts';

const run = promisify(execFile);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const bin = path.resolve('bin/caseconsultant.js');

describe('embedded defaults: Maildir + PGlite + .eml outbox', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-embedded-'));
  const prefix = uniquePrefix();
  let port: number;
  let child: ChildProcess;
  let token: string;
  const env = () => embeddedEnv({ dataDir, prefix, port, redisUrl: REDIS_URL });

  beforeAll(async () => {
    port = await freePort();
    const added = await run(process.execPath, [bin, 'users', 'add', '--email', 'lee@reviewers.example', '--name', 'Lee Lead', '--role', 'lead'], {
      env: env(),
    });
    token = added.stdout.trim().split('\n').at(-1)!;
    assert.match(token, /^cc_[A-Za-z0-9_-]{20,}$/, 'the token is alone on the last line');
    child = spawn(process.execPath, [bin, 'start'], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.once('exit', (code) => {
      if (code) console.error(`start exited ${code}: ${stderr.slice(-2000)}`);
    });
    await waitFor('web up', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60_000, 200);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await obliterateQueues(REDIS_URL, prefix);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const api = async (p: string, init: RequestInit = {}) => {
    const res = await fetch(`http://127.0.0.1:${port}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    return { status: res.status, body: await res.json() };
  };

  it('turns a file dropped in the Maildir into an approved .eml reply, then stops on SIGTERM', async () => {
    const inbox = path.join(dataDir, 'mail', 'inbox');
    const raw = [
      'From: Sam Biller <sam@billing.example>',
      'To: consult@caseconsultant.localhost',
      'Subject: Is M80.08 billable?',
      'Message-ID: <emb-1@billing.example>',
      `Date: ${new Date().toUTCString()}`,
      '',
      'Is M80.08 billable or do I need a 7th character?',
      '',
    ].join('\r\n');
    fs.writeFileSync(path.join(inbox, 'tmp', 'q1.eml'), raw);
    fs.renameSync(path.join(inbox, 'tmp', 'q1.eml'), path.join(inbox, 'new', '1700000000.q1.host'));

    const item = await waitFor(
      'awaiting_review',
      async () => {
        const r = await api('/api/consultations?status=awaiting_review');
        return r.body[0];
      },
      60_000,
      200,
    );
    assert.equal(item.subject, 'Is M80.08 billable?');
    assert.equal(fs.readdirSync(path.join(inbox, 'new')).length, 0, 'the message left new/');
    assert.equal(fs.readdirSync(path.join(inbox, 'cur')).length, 0, 'and no plaintext copy is kept (the database holds it encrypted)');

    const approved = await api(`/api/consultations/${item.id}/approve`, { method: 'POST', body: JSON.stringify({}) });
    assert.equal(approved.status, 202);

    const outbox = path.join(dataDir, 'outbox');
    // The outbox also holds the acknowledgement and, in some order, the reviewer's notification:
    // wait for the one message that is not automatic.
    const parsed = await waitFor(
      'the answer among the .eml files',
      async () => {
        const f = fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((n) => n.endsWith('.eml')) : [];
        const all = await Promise.all(f.map((n) => simpleParser(fs.readFileSync(path.join(outbox, n)))));
        return all.some((m) => m.headers.get('auto-submitted') === undefined) ? all : null;
      },
      30_000,
      100,
    );
    const answer = parsed.find((m) => m.headers.get('auto-submitted') === undefined)!;
    const ack = parsed.find((m) => m.headers.get('auto-submitted') === 'auto-replied');
    assert.ok(ack, 'the acknowledgement is there');
    assert.equal(ack.to && !Array.isArray(ack.to) ? ack.to.value[0].address : null, 'sam@billing.example');
    assert.equal(answer.inReplyTo, '<emb-1@billing.example>');
    assert.equal(answer.subject, `Re: [${item.ticket}] Is M80.08 billable?`);
    assert.match(answer.text ?? '', /M80\.08/);

    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 25_000, 'graceful shutdown within 25 s');
  });
});
