// The embedded database's one-process lock: a live holder refuses, a dead or reused pid is taken over.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from '@jest/globals';
import { acquirePgliteLock, DatabaseInUse, lockPathFor } from '../../src/store/pglite-lock.ts';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-lock-')), 'db');
const holder = (o: Partial<{ pid: number; host: string; procStart: string | null }>) =>
  JSON.stringify({ pid: process.ppid, host: os.hostname(), command: 'caseconsultant start', since: '2026-01-01T00:00:00.000Z', procStart: null, ...o });
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('PGlite lock', () => {
  it('is taken, named beside the data directory, and released', () => {
    const dir = tmp();
    const lock = acquirePgliteLock(dir, 'test');
    assert.equal(lock.file, `${dir}.lock`);
    assert.equal(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid, process.pid);
    lock.release();
    assert.equal(fs.existsSync(lock.file), false);
    acquirePgliteLock(dir, 'test').release();
  });

  const cases: { name: string; body: () => string; refused: boolean }[] = [
    { name: 'a live process holds it', body: () => holder({}), refused: true },
    { name: 'another host holds it (cannot be checked, so believed)', body: () => holder({ host: 'elsewhere.example', pid: deadPid() }), refused: true },
    { name: 'its holder has exited', body: () => holder({ pid: deadPid() }), refused: false },
    { name: 'its pid now belongs to another process (start time differs)', body: () => holder({ procStart: '1' }), refused: false },
  ];
  for (const c of cases) {
    it(`${c.refused ? 'refuses' : 'takes over'} when ${c.name}`, () => {
      const dir = tmp();
      fs.writeFileSync(lockPathFor(dir), c.body());
      if (c.refused) {
        assert.throws(
          () => acquirePgliteLock(dir, 'test'),
          (err: unknown) => {
            assert.ok(err instanceof DatabaseInUse);
            assert.match(err.message, /caseconsultant start/);
            assert.match(err.message, /nothing was changed/);
            return true;
          },
        );
        assert.match(fs.readFileSync(lockPathFor(dir), 'utf8'), /caseconsultant start/, 'the holder keeps its lock');
      } else {
        const lock = acquirePgliteLock(dir, 'test');
        assert.equal(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid, process.pid);
        lock.release();
      }
    });
  }

  it('names the live holder: its pid and how to stop it', () => {
    const dir = tmp();
    fs.writeFileSync(lockPathFor(dir), holder({}));
    assert.throws(() => acquirePgliteLock(dir, 'test'), new RegExp(`process ${process.ppid} .*kill ${process.ppid}`));
  });

  it('treats a fresh empty file as a holder mid-write, an old one as a crash', () => {
    const dir = tmp();
    fs.writeFileSync(lockPathFor(dir), '');
    assert.throws(() => acquirePgliteLock(dir, 'test'), /being opened by another process/);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockPathFor(dir), old, old);
    acquirePgliteLock(dir, 'test').release();
  });
});
