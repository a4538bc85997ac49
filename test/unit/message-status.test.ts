import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HELD_INBOUND_STATUSES, OPEN_INBOUND_STATUSES, OUTBOUND_STATUSES, UNSENT_OUTBOUND_STATUSES, outboundStatusIn } from '../../src/store/message-status.ts';

// inbound_messages' CHECK is compared with INBOUND_STATUSES in ingest-outcome.test.ts.
test('outbound_messages.status CHECK lists exactly OUTBOUND_STATUSES', () => {
  const sql = fs.readFileSync(path.join(import.meta.dirname, '../../src/store/migrations/001_init.sql'), 'utf8');
  const m = /DEFAULT 'queued' CHECK \(status IN \(([^)]*)\)\)/.exec(sql.slice(sql.indexOf('CREATE TABLE outbound_messages')));
  assert.ok(m);
  assert.deepEqual(
    m[1].split(',').map((s) => s.trim().replace(/'/g, '')),
    [...OUTBOUND_STATUSES],
  );
});

test('a held inbound message is open; unsent is queued or sending, nothing settled', () => {
  for (const s of HELD_INBOUND_STATUSES) assert.ok((OPEN_INBOUND_STATUSES as readonly string[]).includes(s), s);
  assert.deepEqual([...UNSENT_OUTBOUND_STATUSES], ['queued', 'sending']);
  for (const s of ['sent', 'failed', 'bounced', 'suppressed']) assert.ok(!outboundStatusIn(s, UNSENT_OUTBOUND_STATUSES), s);
});
