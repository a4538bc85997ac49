// Runs caseconsultant parts as separate OS processes, so a test can SIGKILL and restart them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const bin = path.resolve('bin/caseconsultant.js');

export interface Part {
  name: string;
  args: string[];
  env: Record<string, string>;
  child: ChildProcess | null;
  starts: number;
  kills: number;
  /** Milliseconds from spawn to the process's 'ready' message (src/cli.ts), for its latest start. */
  readyMs: number | null;
  /** Its resident memory (MB) when it said ready: what start-up alone costs, before any job. */
  rssAtReadyMb: number | null;
  /** Resolves on the latest start's 'ready' message. */
  ready: Promise<void>;
}

/**
 * V8 flags every part is started with, as the Procfile and `npm start` start them: a young generation
 * of 2 MB semi-spaces instead of V8's default (16 MB or more on a large machine), which the processes
 * filled with short-lived garbage and never gave back (see README, Memory).
 */
export const PART_NODE_FLAGS = ['--max-semi-space-size=2'];

/**
 * glibc settings every part starts with, as in the Procfile and `npm start` (they are read when the
 * process starts, so they cannot be set from inside it): two malloc arenas instead of one per thread
 * that ever allocated (libuv's pool inflates and hashes on four), and a fixed mmap threshold, so a
 * buffer over 128 KB (a decompressed code-set table, a large message) is returned to the system when
 * freed; by default glibc raises the threshold to the largest buffer freed so far and keeps later
 * ones in its heap, where the knowledge base's load left ~20 MB resident but unused.
 */
export const PART_ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/** Current resident set of a process, in MB, from /proc (Linux); null when unreadable. */
export function rssMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number | null {
  if (!pid) return null;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

export class ProcessGroup {
  readonly parts: Part[] = [];
  private readonly env: Record<string, string>;
  constructor(env: Record<string, string>) {
    this.env = env;
  }

  add(name: string, args: string[], env: Record<string, string> = {}): Part {
    const p: Part = { name, args, env, child: null, starts: 0, kills: 0, readyMs: null, rssAtReadyMb: null, ready: Promise.resolve() };
    this.parts.push(p);
    this.start(p);
    return p;
  }

  alive(p: Part): boolean {
    return !!p.child && p.child.exitCode === null && p.child.signalCode === null;
  }

  start(p: Part): void {
    // CHILD_EXEC_ARGV passes Node flags (e.g. --cpu-prof) that NODE_OPTIONS does not allow.
    const t0 = performance.now();
    const child = spawn(process.execPath, [...PART_NODE_FLAGS, ...(process.env.CHILD_EXEC_ARGV?.split(' ').filter(Boolean) ?? []), bin, ...p.args], {
      env: { ...PART_ENV, ...process.env, ...this.env, ...p.env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    p.child = child;
    p.readyMs = null;
    p.rssAtReadyMb = null;
    p.ready = new Promise<void>((resolve) => {
      child.on('message', (m: { type?: string }) => {
        if (m?.type !== 'ready' || p.child !== child) return;
        p.readyMs = Math.round(performance.now() - t0);
        p.rssAtReadyMb = rssMb(child.pid);
        resolve();
      });
    });
    p.starts++;
  }

  async kill(p: Part, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const c = p.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
    c.kill(signal);
    p.kills += signal === 'SIGKILL' ? 1 : 0;
    return exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.parts.map((p) => this.kill(p, 'SIGTERM')));
  }
}
