// The embedded default inbox: a Maildir under DATA_DIR/mail/inbox. Files in new/ are stored, then
// removed, the Maildir equivalent of flagging after the commit. Not moved to cur/: that copy would be
// readable plaintext kept forever, while the database's copy is encrypted and purged after
// RAW_RETENTION_DAYS. A crash between the commit and the removal leaves the file in new/; the next
// scan finds it already stored (same hash) and removes it then.
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../context.ts';
import { acceptRaw } from '../accept.ts';

import type { MailSource } from './types.ts';
import { errorFields } from '../../log-error.ts';

export type { MailSource } from './types.ts';

export function ensureMaildir(dir: string): void {
  for (const sub of ['new', 'cur', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
}

/** Maildir file names are unique; a stable number from the name stands in for an IMAP UID. */
export function uidFromName(name: string): number {
  let h = 0x811c9dc5;
  const base = name.split(':')[0];
  for (let i = 0; i < base.length; i++) h = Math.imul(h ^ base.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export async function scanMaildirOnce(ctx: Pick<AppContext, 'db' | 'producers' | 'log' | 'config'>, dir: string): Promise<number> {
  const newDir = path.join(dir, 'new');
  let n = 0;
  for (const name of fs.readdirSync(newDir).sort()) {
    if (name.startsWith('.')) continue;
    const file = path.join(newDir, name);
    let raw: Buffer;
    try {
      raw = fs.readFileSync(file);
    } catch {
      continue; // moved away by a concurrent scan
    }
    // A writer that skipped tmp/ may not have written yet; the file is removed once stored, so an
    // empty read would lose the message it becomes. Left for a later scan.
    if (raw.length === 0) continue;
    const { inboundId } = await acceptRaw(ctx, { mailbox: `maildir:${dir}`, uidvalidity: 0, uid: uidFromName(name), sourceKey: name, raw });
    fs.rmSync(file, { force: true });
    ctx.log.info({ inboundId }, 'maildir message stored');
    n++;
  }
  return n;
}

export function startMaildirSource(ctx: Pick<AppContext, 'db' | 'producers' | 'log' | 'config'>, dir: string, intervalMs = 500): MailSource {
  ensureMaildir(dir);
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running.then(() => (stopped ? 0 : scanMaildirOnce(ctx, dir))).catch((err) => ctx.log.error({ err: errorFields(err) }, 'maildir scan failed'));
  };
  const watcher = fs.watch(path.join(dir, 'new'), () => tick());
  const timer = setInterval(tick, intervalMs);
  tick();
  return {
    async stop() {
      stopped = true;
      watcher.close();
      clearInterval(timer);
      await running;
    },
  };
}
