import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { INGEST_OUTCOMES, isUnanswered, outcomeRule, type IngestOutcome } from '../../src/mail/ingest-outcome.ts';
import { INBOUND_STATUSES } from '../../src/store/message-status.ts';

test('inbound_messages.status CHECK lists exactly INBOUND_STATUSES', () => {
  const sql = fs.readFileSync(path.join(import.meta.dirname, '../../src/store/migrations/001_init.sql'), 'utf8');
  const m = /CHECK \(status IN \(('received', 'processed'[^)]*)\)\)/.exec(sql);
  assert.ok(m);
  assert.deepEqual(
    m[1].split(',').map((s) => s.trim().replace(/'/g, '')),
    [...INBOUND_STATUSES],
  );
});

const table: [IngestOutcome, string | null, string | null, string | null][] = [
  ['already-processed', null, null, null],
  ['already-quarantined', null, null, null],
  ['question', 'processed', 'question', 'ack'],
  ['over_quota', 'ignored', 'over_quota', 'quota'],
  ['duplicate', 'duplicate', 'duplicate', null],
  ['rejected', 'quarantined', 'rejected', null],
  ['unparseable', 'quarantined', 'unparseable', null],
  ['bounce', 'ignored', 'bounce', null],
  ['loop', 'ignored', 'loop', null],
];
for (const [o, inbound, metric, email] of table) {
  test(`${o}: inbound ${inbound}, metric ${metric}, email ${email}`, () => {
    assert.deepEqual(outcomeRule(o), { inbound, metric, email });
  });
}

test('an earlier attempt is never counted again', () => {
  for (const s of INBOUND_STATUSES) assert.equal(outcomeRule(`already-${s}`).metric, null);
  assert.equal(Object.keys(INGEST_OUTCOMES).length, 12);
});

test('only human kinds are answered', () => {
  assert.equal(isUnanswered({ kind: 'question', machine: false, reason: 'human', bounce: null }), false);
  assert.equal(isUnanswered({ kind: 'auto_reply', machine: true, reason: 'auto-submitted', bounce: null }), true);
  assert.equal(isUnanswered({ kind: 'rejected', machine: false, reason: 'no-sender', bounce: null }), true);
});
