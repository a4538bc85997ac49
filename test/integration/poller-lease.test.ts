// The poller lease on real Redis and the fenced cursor on real PostgreSQL: one holder at a time, only
// the holder renews or releases, a lease that ran out goes to the next with a higher fencing token,
// and a stale holder's cursor write is refused by the database.
import assert from 'node:assert/strict';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { MailboxLeases, parseLeaseValue } from '../../src/mail/poller-lease.ts';
import { claimCursor, FencedOut, getCursor, saveCursor } from '../../src/store/cursors.ts';
import { createTestDatabase, uniquePrefix, type TestDatabase } from '../support/pg.ts';
import { obliterateQueues, startHandlerApp, type TestApp } from '../support/app.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('poller lease and fenced cursor', () => {
  let redis: Redis;
  let db: TestDatabase;
  let app: TestApp;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    db = await createTestDatabase();
    app = await startHandlerApp({ databaseUrl: db.url, redisUrl: REDIS_URL, prefix });
  });
  afterAll(async () => {
    redis.disconnect();
    await app.stop();
    await Promise.all([db.drop(), obliterateQueues(REDIS_URL, prefix)]);
  });

  it('one holder at a time, renewed and released only by it, taken over with a higher token', async () => {
    const a = new MailboxLeases(async () => redis, prefix, 'a', 400);
    const b = new MailboxLeases(async () => redis, prefix, 'b', 400);
    const fa = await a.acquire('mbx');
    assert.ok(fa !== null && fa > 0);
    assert.equal(await b.acquire('mbx'), null, 'held');
    assert.equal(await b.renew('mbx', fa!), false, 'not renewed by another');
    await b.release('mbx', fa!);
    assert.equal((await a.holderOf('mbx'))?.holder, 'a', 'not released by another');
    assert.equal(await a.renew('mbx', fa!), true);
    await sleep(500);
    assert.equal(await a.renew('mbx', fa!), false, 'ran out');
    const fb = await b.acquire('mbx');
    assert.ok(fb! > fa!, 'the next holder gets a higher fencing token');
    await a.release('mbx', fa!);
    assert.equal((await b.holderOf('mbx'))?.holder, 'b', 'a stale holder cannot release it');
    await b.release('mbx', fb!);
    assert.equal(await b.holderOf('mbx'), null);
  });

  it('refuses the cursor writes of a stale holder', async () => {
    const q = app.ctx.db;
    await claimCursor(q, 'mbx', 7, 1);
    await saveCursor(q, 'mbx', { uidvalidity: 7, lastUid: 10 }, 1);
    await claimCursor(q, 'mbx', 7, 2);
    await assert.rejects(saveCursor(q, 'mbx', { uidvalidity: 7, lastUid: 20 }, 1), FencedOut);
    await assert.rejects(claimCursor(q, 'mbx', 7, 1), FencedOut);
    await saveCursor(q, 'mbx', { uidvalidity: 7, lastUid: 15 }, 2);
    assert.deepEqual(await getCursor(q, 'mbx'), { uidvalidity: 7, lastUid: 15 });
  });

  it('reads lease values', () => {
    assert.deepEqual(parseLeaseValue('12|host:1:ab', 900), { fence: 12, holder: 'host:1:ab', expiresInMs: 900 });
    assert.equal(parseLeaseValue(null, -2), null);
    assert.equal(parseLeaseValue('junk', 10), null);
  });
});
