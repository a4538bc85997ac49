// How the application's PostgreSQL sessions are set up, on a real server: named for
// pg_stat_activity, and without JIT (a batch statement crossing jit_above_cost once spent ~200 ms
// compiling).
import assert from 'node:assert/strict';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import type { Db } from '../../src/store/db.ts';
import { openPg } from '../../src/store/pg.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg.ts';

describe('PostgreSQL sessions', () => {
  let tdb: TestDatabase;
  const opened: Db[] = [];
  const open = (url: string, name?: string) => {
    const db = openPg(url, name);
    opened.push(db);
    return db;
  };
  const one = async (db: Db, sql: string) => Object.values((await db.query<Record<string, string>>(sql)).rows[0])[0];

  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await tdb?.drop();
  });

  it('run without JIT, inside and outside transactions', async () => {
    const db = open(tdb.url, 'caseconsultant-worker');
    assert.equal(await one(db, 'SHOW jit'), 'off');
    assert.equal(await db.tx((q) => q.query<{ jit: string }>('SHOW jit').then((r) => r.rows[0].jit)), 'off');
  });

  it('carry the process part as application name, unless the URL names one', async () => {
    assert.equal(
      await one(open(tdb.url, 'caseconsultant-poller'), 'SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()'),
      'caseconsultant-poller',
    );
    const url = new URL(tdb.url);
    url.searchParams.set('application_name', 'ops-chosen');
    assert.equal(
      await one(open(url.toString(), 'caseconsultant-poller'), 'SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()'),
      'ops-chosen',
    );
  });
});
