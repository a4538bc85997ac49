// A private redis-server on a free loopback port, for tests that stop and restart Redis: the machine's
// shared Redis is left alone. No persistence, so a restart loses every key, like a failover to an
// empty replica (the worst case the sweeper has to heal).
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitForPort } from './net.ts';

export interface PrivateRedis {
  port: number;
  url: string;
  running(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(downMs?: number): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--maxmemory-policy', 'noeviction'], {
      stdio: 'ignore',
    });
    await waitForPort(port, 10_000);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 5000).unref();
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    stop,
    start,
    async restart(downMs = 0) {
      await stop();
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
  };
}
