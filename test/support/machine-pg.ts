// Restarts the machine's PostgreSQL cluster (reconnect tests only) and makes sure it is up again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The local cluster's version and name, or null when this machine has none to restart. */
export function machineCluster(): { version: string; name: string } | null {
  if (!fs.existsSync('/usr/bin/pg_ctlcluster') || !fs.existsSync('/etc/postgresql')) return null;
  for (const version of fs.readdirSync('/etc/postgresql')) {
    if (fs.existsSync(`/etc/postgresql/${version}/main`)) return { version, name: 'main' };
  }
  return null;
}

export async function pgAccepts(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

function ctl(action: 'restart' | 'start' | 'stop'): void {
  const c = machineCluster();
  if (!c) throw new Error('no local PostgreSQL cluster to control');
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', c.version, c.name, action], { stdio: 'ignore', timeout: 60_000 });
}

export async function waitPgUp(timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await pgAccepts()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('PostgreSQL did not come back');
}

export async function restartMachinePg(): Promise<void> {
  ctl('restart');
  await waitPgUp();
}

/** Whatever happened, leave the shared cluster running. */
export async function ensureMachinePgRunning(): Promise<void> {
  if (await pgAccepts()) return;
  try {
    ctl('start');
  } catch {
    // already starting, or a stale pid file: wait and see
  }
  await waitPgUp(60_000);
}
