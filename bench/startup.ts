// `npm run bench:startup`: how long a process takes from its start to ready, per role (web, poller,
// worker, the one-process `start` on the embedded default) and for `caseconsultant --help`, on this
// Node with type stripping, with Node's compile cache warm and without it. STARTUP_BASELINE names
// another build to time in the same run, as a command that is given the role's arguments, e.g. a
// checkout of the commit before Node 24 with its own node_modules, run by Node 20 through tsx:
//   STARTUP_BASELINE="/usr/bin/node /tmp/before/bin/caseconsultant.js" npm run bench:startup
// (that checkout needs src/cli.ts's `ready` log line too).
// "Ready" is the `ready` log line src/cli.ts writes once every part of the process has started; the
// web part has then also answered to listen(). Runs alternate between runtimes so drift hits all alike.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, uniquePrefix } from '../test/support/pg.ts';

const RUNS = Number(process.env.STARTUP_RUNS ?? 7);
const repo = path.resolve(import.meta.dirname, '..');
const bin = path.join(repo, 'bin', 'caseconsultant.js');

interface Runtime {
  name: string;
  command: (args: string[]) => string[];
  env: Record<string, string>;
}

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-compile-cache-'));
const runtimes: Runtime[] = [
  { name: `Node ${process.version}, type stripping, compile cache warm`, command: (a) => [process.execPath, bin, ...a], env: { NODE_COMPILE_CACHE: cacheDir } },
  {
    name: `Node ${process.version}, type stripping, no compile cache`,
    command: (a) => [process.execPath, bin, ...a],
    env: { NODE_DISABLE_COMPILE_CACHE: '1' },
  },
];
const baseline = process.env.STARTUP_BASELINE?.split(' ').filter(Boolean);
if (baseline?.length) runtimes.push({ name: `baseline: ${baseline.join(' ')}`, command: (a) => [...baseline, ...a], env: {} });

/** Milliseconds from spawn to the `ready` line (then SIGTERM), or to exit when waitForReady is false. */
function timeOnce(rt: Runtime, args: string[], env: Record<string, string>, waitForReady: boolean): Promise<number> {
  const [cmd, ...rest] = rt.command(args);
  const t0 = performance.now();
  const child = spawn(cmd, rest, { cwd: repo, env: { ...process.env, ...env, ...rt.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let ms: number | null = null;
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      if (!waitForReady || ms !== null) return;
      buf += d.toString();
      if (/"msg":"ready"/.test(buf)) {
        ms = performance.now() - t0;
        child.kill('SIGTERM');
      }
      // Keep only the unfinished last line, so the scan stays linear in the output.
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
    child.on('exit', (code) => {
      if (!waitForReady && code === 0) return resolve(performance.now() - t0);
      if (ms !== null) return resolve(ms);
      reject(new Error(`${rt.name} ${args.join(' ')} exited ${code} before ready: ${stderr.slice(-2000)}`));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchStartup() {
  const db = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-startup-'));
  const embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-startup-embedded-'));
  const shared = { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', QUEUE_PREFIX: uniquePrefix(), PORT: '0', LOG_LEVEL: 'info' };
  const pg = { ...shared, DATABASE_URL: db.url, DATA_DIR: dataDir };
  const roles: { role: string; args: string[]; env: Record<string, string>; ready: boolean }[] = [
    { role: '--help', args: ['--help'], env: shared, ready: false },
    { role: 'web (PostgreSQL)', args: ['web'], env: pg, ready: true },
    { role: 'poller (PostgreSQL)', args: ['poller'], env: pg, ready: true },
    { role: 'worker (PostgreSQL)', args: ['worker'], env: pg, ready: true },
    { role: 'start (embedded PGlite)', args: ['start'], env: { ...shared, DATA_DIR: embeddedDir }, ready: true },
  ];
  try {
    // Migrations once, so no timed start applies them; one start of each runtime warms caches.
    await timeOnce(runtimes[0], ['migrate'], pg, false);
    await timeOnce(runtimes[0], ['start'], roles[4].env, true);
    const results: { role: string; runtime: string; medianMs: number; minMs: number }[] = [];
    for (const r of roles) {
      for (const rt of runtimes) await timeOnce(rt, r.args, r.env, r.ready);
      const times = new Map<string, number[]>(runtimes.map((rt) => [rt.name, []]));
      for (let i = 0; i < RUNS; i++) for (const rt of runtimes) times.get(rt.name)!.push(await timeOnce(rt, r.args, r.env, r.ready));
      for (const rt of runtimes) {
        const t = times.get(rt.name)!;
        results.push({ role: r.role, runtime: rt.name, medianMs: Math.round(median(t)), minMs: Math.round(Math.min(...t)) });
      }
    }
    return { runs: RUNS, runtimes: runtimes.map((rt) => rt.name), results };
  } finally {
    await db.drop();
    for (const d of [dataDir, embeddedDir, cacheDir]) fs.rmSync(d, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  const r = await benchStartup();
  console.log(`Start-up, process start to ready (median of ${r.runs}, min in brackets, ms), ${os.cpus().length} CPUs`);
  console.log(['| role |', ...r.runtimes.map((n) => ` ${n} |`)].join(''));
  console.log(`|---|${r.runtimes.map(() => '---|').join('')}`);
  for (const role of [...new Set(r.results.map((x) => x.role))]) {
    const row = r.runtimes.map((n) => r.results.find((x) => x.role === role && x.runtime === n)!);
    console.log(`| ${role} |${row.map((x) => ` ${x.medianMs} (${x.minMs}) |`).join('')}`);
  }
}
