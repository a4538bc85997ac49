// PGlite is a single-process database: a second process that opens the same directory works on its
// own copy of the pages, and whatever it writes is lost when the first one next writes back (a
// `users password` run beside `npm start` printed "password set" and the password never worked).
// So every process that opens the embedded database first takes this lock file beside the data
// directory, naming itself; a second process is refused with who holds it and what to do.
// The file is created with O_EXCL (atomic); a holder that died without removing it is recognised
// by its pid being gone or reused (the process start time in /proc differs) and the lock is taken over.
import fs from 'node:fs';
import os from 'node:os';
import { AppError, ErrorCodes } from '../errors.ts';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** Clock ticks since boot when the process started (/proc/<pid>/stat field 22), when known. */
  procStart: string | null;
}

export const lockPathFor = (dataDir: string) => `${dataDir.replace(/[\\/]+$/, '')}.lock`;

function procStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return true; // another machine's process: we cannot tell, so believe it
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = procStart(h.pid);
  return !(h.procStart && now && now !== h.procStart);
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

export function describeHolder(h: LockHolder): string {
  return `process ${h.pid}${h.host !== os.hostname() ? ` on ${h.host}` : ''} (${h.command}, since ${h.since})`;
}

export class DatabaseInUse extends AppError {
  readonly holder: LockHolder;
  constructor(holder: LockHolder, dataDir: string) {
    super(
      ErrorCodes.DATABASE_IN_USE,
      `the embedded database ${dataDir} is open in ${describeHolder(holder)}. PGlite allows one process at a time, ` +
        `so nothing was changed. Stop that process first (Ctrl-C in its terminal, or kill ${holder.pid}) and run this ` +
        'again; while it runs, use the console (Admin → Users) instead; or set DATABASE_URL to PostgreSQL, which any ' +
        'number of processes can share.',
    );
    this.holder = holder;
  }
}

export interface PgliteLock {
  readonly file: string;
  release(): void;
}

/** Takes the lock for this process, or throws DatabaseInUse naming the live holder. */
export function acquirePgliteLock(
  dataDir: string,
  command = process.argv
    .slice(1)
    .map((a) => a.replace(/^.*[\\/](?=[^\\/]+$)/, ''))
    .join(' '),
): PgliteLock {
  const file = lockPathFor(dataDir);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), command, since: new Date().toISOString(), procStart: procStart(process.pid) };
  const body = JSON.stringify(me);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, body, { flag: 'wx', mode: 0o644 });
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.removeListener('exit', release);
        // Only our own file: never remove a lock another process has since taken over.
        if (readHolder(file)?.pid === me.pid && readHolder(file)?.host === me.host) fs.rmSync(file, { force: true });
      };
      process.on('exit', release);
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(file);
    if (holder && holder.pid === process.pid && holder.host === me.host) {
      throw new AppError(ErrorCodes.DATABASE_IN_USE, `the embedded database ${dataDir} is already open in this process`);
    }
    if (holder && alive(holder)) throw new DatabaseInUse(holder, dataDir);
    // Unreadable: another process is between creating and writing it (young), or one crashed there (stale).
    if (!holder && Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 5000) {
      throw new AppError(
        ErrorCodes.DATABASE_IN_USE,
        `the embedded database ${dataDir} is being opened by another process right now; nothing was changed. Try again in a moment.`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new AppError(ErrorCodes.DATABASE_IN_USE, `could not take the lock ${file} on the embedded database ${dataDir}; another process keeps taking it`);
}
