// CPU time per process group (poller, workers, PostgreSQL, Redis, Dovecot, the bench itself), read
// from /proc between two snapshots: where a message's cost goes, not only how long it took.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export type CpuSnapshot = Map<number, { group: string; ticks: number }>;

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function groupOf(pid: number, cmdline: string): string | null {
  if (pid === process.pid) return 'bench';
  if (cmdline.includes('caseconsultant')) {
    if (/\bpoller\b/.test(cmdline)) return 'poller';
    if (/\bworker\b/.test(cmdline)) return 'workers';
    return 'app';
  }
  if (cmdline.startsWith('postgres')) return 'postgresql';
  if (cmdline.includes('redis-server')) return 'redis';
  if (cmdline.startsWith('dovecot') || cmdline.includes('/dovecot/')) return 'dovecot';
  return null;
}

/** labels: a group for given pids, e.g. a PostgreSQL backend by the application it serves. */
export function cpuSnapshot(labels: Map<number, string> = new Map()): CpuSnapshot {
  const snap: CpuSnapshot = new Map();
  if (!fs.existsSync('/proc/self/stat')) return snap;
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const group = labels.get(pid) ?? groupOf(pid, cmdline);
      if (!group) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      snap.set(pid, { group, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // Gone between readdir and read: it cannot be counted either way.
    }
  }
  return snap;
}

/** Milliseconds of CPU per group between two snapshots; a process that started in between counts from zero. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, a] of after) {
    const b = before.get(pid);
    const ticks = a.ticks - (b ? b.ticks : 0);
    out[a.group] = (out[a.group] ?? 0) + (ticks * 1000) / ticksPerSecond;
  }
  return out;
}

/** Each group's CPU per item (message, draft), in ms to three decimals. */
export function cpuPerItem(ms: Record<string, number>, items: number): Record<string, number> {
  return Object.fromEntries(Object.entries(ms).map(([g, v]) => [g, Number((v / items).toFixed(3))]));
}
