// MicroBatcher: keys submitted together run as one batch, each caller gets its own outcome or error.
import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { MicroBatcher } from '../../src/queue/batcher.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('MicroBatcher', () => {
  it('runs keys submitted in one turn as one batch, up to maxBatch', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, string>(
      async (keys) => {
        batches.push(keys);
        return new Map(keys.map((k) => [k, `v${k}`]));
      },
      3,
      1,
    );
    const results = await Promise.all([1, 2, 3, 4, 5].map((k) => b.submit(k)));
    assert.deepEqual(results, ['v1', 'v2', 'v3', 'v4', 'v5']);
    assert.deepEqual(batches, [
      [1, 2, 3],
      [4, 5],
    ]);
  });

  const cases: { name: string; outcome: (k: number) => string | Error | undefined; expect: (string | RegExp)[] }[] = [
    { name: 'an error for one key rejects only that key', outcome: (k) => (k === 2 ? new Error('bad 2') : `ok${k}`), expect: ['ok1', /bad 2/, 'ok3'] },
    { name: 'a key missing from the results is rejected', outcome: (k) => (k === 3 ? undefined : `ok${k}`), expect: ['ok1', 'ok2', /no outcome/] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const b = new MicroBatcher<number, string>(async (keys) => {
        const m = new Map<number, string | Error>();
        for (const k of keys) {
          const o = c.outcome(k);
          if (o !== undefined) m.set(k, o);
        }
        return m;
      }, 10);
      const settled = await Promise.allSettled([1, 2, 3].map((k) => b.submit(k)));
      settled.forEach((s, i) => {
        const e = c.expect[i];
        if (typeof e === 'string') assert.deepEqual(s, { status: 'fulfilled', value: e });
        else assert.ok(s.status === 'rejected' && e.test((s.reason as Error).message), `key ${i + 1}`);
      });
    });
  }

  it('rejects the whole batch when the runner throws, and keeps serving', async () => {
    let fail = true;
    const b = new MicroBatcher<number, number>(async (keys) => {
      if (fail) throw new Error('db down');
      return new Map(keys.map((k) => [k, k * 2]));
    }, 10);
    const first = await Promise.allSettled([b.submit(1), b.submit(2)]);
    assert.ok(first.every((s) => s.status === 'rejected'));
    fail = false;
    assert.equal(await b.submit(4), 8);
  });

  it('holds at most maxInFlight batches at once and starts the next as one finishes', async () => {
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const b = new MicroBatcher<number, number>(
      async (keys) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return new Map(keys.map((k) => [k, k]));
      },
      1,
      2,
    );
    const all = Promise.all([1, 2, 3, 4].map((k) => b.submit(k)));
    for (let i = 0; i < 20 && release.length < 2; i++) await tick();
    assert.equal(release.length, 2, 'two batches started');
    while (release.length) {
      release.shift()!();
      for (let i = 0; i < 5; i++) await tick();
    }
    assert.deepEqual(await all, [1, 2, 3, 4]);
    assert.equal(peak, 2);
  });
});
