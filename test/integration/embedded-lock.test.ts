// PGlite is single-process: while `npm start` holds the embedded database, every writing CLI command
// refuses with who holds it and what to do, and changes nothing; once the server stops, the same
// command succeeds and the change is really there (the reviewer signs in with it in Chromium).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';
import { freePort, waitFor } from '../support/net.ts';
import { uniquePrefix } from '../support/pg.ts';
import { embeddedEnv, obliterateQueues } from '../support/app.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const bin = path.resolve('bin/caseconsultant.js');
const PASSWORD = 'correct horse battery staple';

describe('embedded database: one process at a time, honestly', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-lock-'));
  const prefix = uniquePrefix();
  let port: number;
  let server: ChildProcess | null = null;
  let browser: Browser;
  const env = () => embeddedEnv({ dataDir, prefix, port, redisUrl: REDIS_URL });
  const cli = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { env: env(), input, encoding: 'utf8', timeout: 60_000 });

  async function startServer(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [bin, 'start'], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.resume();
    await waitFor('web up', async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok, 60_000, 200);
    return child;
  }
  async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
  async function signIn(): Promise<string> {
    const ctx = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.fill('#pw-email', 'pat@reviewers.example');
    await page.fill('#pw-password', PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState();
    const url = page.url();
    await ctx.close();
    return url;
  }

  beforeAll(async () => {
    port = await freePort();
    const added = cli(['users', 'add', '--email', 'pat@reviewers.example', '--name', 'Pat Reviewer', '--role', 'admin']);
    assert.equal(added.status, 0, added.stderr);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });

  afterAll(async () => {
    if (server) await stop(server, 'SIGKILL');
    await browser?.close();
    await obliterateQueues(REDIS_URL, prefix);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses every writing command while the server runs, naming the server, and changes nothing', async () => {
    server = await startServer();
    const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'db.lock'), 'utf8'));
    assert.equal(lock.pid, server.pid, 'the server holds the lock');
    for (const [args, input] of [
      [['users', 'password', '--email', 'pat@reviewers.example'], `${PASSWORD}\n`],
      [['users', 'add', '--email', 'new@reviewers.example', '--name', 'New', '--role', 'reviewer']],
      [['accounts', 'add', '--name', 'Clinic', '--domain', 'clinic.example']],
      [['migrate']],
    ] as [string[], string?][]) {
      const r = cli(args, input);
      assert.equal(r.status, 2, `${args.join(' ')} exits 2`);
      assert.doesNotMatch(r.stdout, /password set|^user \d|^account \d|applied|up to date/m, `${args.join(' ')} reports no success`);
      assert.match(r.stderr, new RegExp(`open in process ${server.pid} \\(caseconsultant\\.js start, since `), 'names the holder');
      assert.match(r.stderr, new RegExp(`nothing was changed. Stop that process first \\(Ctrl-C in its terminal, or kill ${server.pid}\\)`));
      assert.match(r.stderr, /DATABASE_URL/);
    }
    // The refused password really is not there.
    assert.match(await signIn(), /\/login/);
    // Nor is a second server allowed on the same database.
    const second = cli(['start']);
    assert.equal(second.status, 2);
    assert.match(second.stderr, /open in process/);
  });

  it('succeeds once the server has stopped, and the change is there when it starts again', async () => {
    await stop(server!, 'SIGTERM');
    assert.equal(fs.existsSync(path.join(dataDir, 'db.lock')), false, 'a clean stop releases the lock');
    const r = cli(['users', 'password', '--email', 'pat@reviewers.example'], `${PASSWORD}\n`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /password set for user \d+ pat@reviewers\.example/);
    server = await startServer();
    assert.match(await signIn(), /\/queue$/, 'the password written by the CLI signs in');
  });

  it('takes over the lock of a server that was killed', async () => {
    await stop(server!, 'SIGKILL');
    assert.equal(fs.existsSync(path.join(dataDir, 'db.lock')), true, 'SIGKILL leaves the file');
    const r = cli(['users', 'add', '--email', 'kim@reviewers.example', '--name', 'Kim', '--role', 'reviewer']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /kim@reviewers\.example/);
    server = null;
  });
});
