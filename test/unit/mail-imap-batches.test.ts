// The poller's fetch batches: bounded by count and by bytes, in UID order, a huge message alone.
import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { batchesBySize } from '../../src/mail/sources/imap.ts';

const m = (uid: number, size: number) => ({ uid, size });

describe('batchesBySize', () => {
  const cases: { name: string; messages: { uid: number; size: number }[]; maxCount: number; maxBytes: number; expect: number[][] }[] = [
    { name: 'nothing to fetch', messages: [], maxCount: 3, maxBytes: 100, expect: [] },
    { name: 'cut by count', messages: [m(1, 1), m(2, 1), m(3, 1), m(4, 1)], maxCount: 3, maxBytes: 100, expect: [[1, 2, 3], [4]] },
    { name: 'cut by bytes', messages: [m(1, 40), m(2, 40), m(3, 40)], maxCount: 10, maxBytes: 100, expect: [[1, 2], [3]] },
    { name: 'exactly at the byte limit stays together', messages: [m(1, 50), m(2, 50)], maxCount: 10, maxBytes: 100, expect: [[1, 2]] },
    { name: 'a message over the limit goes alone', messages: [m(1, 10), m(2, 500), m(3, 10)], maxCount: 10, maxBytes: 100, expect: [[1], [2], [3]] },
    { name: 'UID order whatever the input order', messages: [m(9, 1), m(3, 1), m(5, 1)], maxCount: 2, maxBytes: 100, expect: [[3, 5], [9]] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(batchesBySize(c.messages, c.maxCount, c.maxBytes), c.expect));
  }
});
