import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { ttlMemo } from '../../src/ttl-memo.ts';

test('ttlMemo: computed once per period, shared while pending, a failure not kept', async () => {
  let clock = 0;
  let calls = 0;
  let fail = false;
  const memo = ttlMemo(
    () => 1000,
    async () => {
      calls++;
      if (fail) throw new Error('down');
      return calls;
    },
    () => clock,
  );

  const steps: [at: number, fails: boolean, expect: number | 'throws', callsAfter: number][] = [
    [0, false, 1, 1], // first call computes
    [999, false, 1, 1], // inside the period: reused
    [1000, false, 2, 2], // period over: computed again
    [2500, true, 'throws', 3], // a failure is returned to its caller...
    [2501, false, 4, 4], // ...and not kept: the next call tries again at once
    [3000, false, 4, 4],
  ];
  for (const [at, fails, expect, callsAfter] of steps) {
    clock = at;
    fail = fails;
    if (expect === 'throws') await assert.rejects(memo(), /down/);
    else assert.equal(await memo(), expect, `at ${at}`);
    assert.equal(calls, callsAfter, `calls at ${at}`);
  }

  // Concurrent callers share one computation.
  clock = 10_000;
  const [a, b] = await Promise.all([memo(), memo()]);
  assert.equal(a, b);
  assert.equal(calls, 5);

  // A period of 0 computes every time.
  let n = 0;
  const always = ttlMemo(
    () => 0,
    async () => ++n,
    () => 0,
  );
  await always();
  await always();
  assert.equal(n, 2);
});
