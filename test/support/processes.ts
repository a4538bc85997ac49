// Runs caseconsultant parts as separate OS processes, so a test can SIGKILL and restart them.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve('bin/caseconsultant.js');

export interface Part {
  name: string;
  args: string[];
  env: Record<string, string>;
  child: ChildProcess | null;
  starts: number;
  kills: number;
}

export class ProcessGroup {
  readonly parts: Part[] = [];
  private readonly env: Record<string, string>;
  constructor(env: Record<string, string>) {
    this.env = env;
  }

  add(name: string, args: string[], env: Record<string, string> = {}): Part {
    const p: Part = { name, args, env, child: null, starts: 0, kills: 0 };
    this.parts.push(p);
    this.start(p);
    return p;
  }

  alive(p: Part): boolean {
    return !!p.child && p.child.exitCode === null && p.child.signalCode === null;
  }

  start(p: Part): void {
    // CHILD_EXEC_ARGV passes Node flags (e.g. --cpu-prof) that NODE_OPTIONS does not allow.
    p.child = spawn(process.execPath, [...(process.env.CHILD_EXEC_ARGV?.split(' ').filter(Boolean) ?? []), bin, ...p.args], { env: { ...process.env, ...this.env, ...p.env }, stdio: ['ignore', 'ignore', 'inherit'] });
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
