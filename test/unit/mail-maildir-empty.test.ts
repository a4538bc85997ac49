// A file in new/ that is still empty is left for a later scan: the source removes a file once it is
// stored, so storing an empty read would lose the message the writer is still writing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@jest/globals';
import { ensureMaildir, scanMaildirOnce } from '../../src/mail/sources/maildir.ts';

test('an empty file in new/ is neither stored nor removed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-maildir-'));
  try {
    ensureMaildir(dir);
    const file = path.join(dir, 'new', 'being-written.eml');
    fs.writeFileSync(file, '');
    // No database: storing anything would throw, so a pass means nothing was stored.
    const ctx = { db: null, producers: null, log: { info() {}, warn() {}, error() {} }, config: {} } as unknown as Parameters<typeof scanMaildirOnce>[0];
    assert.equal(await scanMaildirOnce(ctx, dir), 0);
    assert.ok(fs.existsSync(file), 'the file stays for the next scan');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
