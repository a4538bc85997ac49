// The IMAP poller: IDLE on its own connection, plus a catch-up fetch by UID on every (re)connect and
// every wake. Cursor = (UIDVALIDITY, last committed UID) in the database. ImapFlow does not reconnect
// by itself, so each session is a new client, with backoff between them.
import type { AppContext } from '../../context.ts';
import { claimCursor, FencedOut, saveCursor } from '../../store/cursors.ts';
import { acceptRawBatch } from '../accept.ts';
import type { ImapFlow } from 'imapflow';
import { connectImap, mailboxKey, type ImapTarget } from '../imap-client.ts';
import type { MailSource } from './types.ts';
import { errorFields } from '../../log-error.ts';

// The client helpers live in imap-client.ts (the send side's reconciler needs them without the poller).
export { connectImap, mailboxKey, newImapClient, parseImapUrl, type ImapTarget } from '../imap-client.ts';

const BATCH = 200;
/** Mail bytes held in memory per batch: 200 messages of the 10 MB maximum would be 2 GB. */
const BATCH_BYTES = 32 * 1024 * 1024;

/**
 * UIDs in order, cut into batches of at most maxCount messages and maxBytes of mail; a message larger
 * than maxBytes goes alone. Pure.
 */
export function batchesBySize(messages: { uid: number; size: number }[], maxCount = BATCH, maxBytes = BATCH_BYTES): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (const m of [...messages].sort((a, b) => a.uid - b.uid)) {
    if (cur.length && (cur.length >= maxCount || bytes + m.size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(m.uid);
    bytes += m.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

export interface ImapSourceOptions {
  archiveMailbox?: string;
  onCycle?: (stored: number) => void;
  /** The fencing token of this poller's lease on the mailbox (poller-lease.ts): checked at every cursor write. */
  fence?: number;
  /** The cursor refused our fence: another poller holds the mailbox now. The source has stopped. */
  onFenced?: () => void;
  /** The key the mailbox is known by (default: from its URL). */
  key?: string;
}

export function startImapSource(ctx: Pick<AppContext, 'db' | 'producers' | 'log' | 'config'>, target: ImapTarget, opts: ImapSourceOptions = {}): MailSource {
  const key = opts.key ?? mailboxKey(target);
  const fence = opts.fence ?? 0;
  let stopped = false;
  let client: ImapFlow | null = null;
  let wakeSleep: (() => void) | null = null;

  async function catchUp(c: ImapFlow, uidvalidity: number): Promise<number> {
    // Every catch-up first claims the cursor with our fence: refused once a newer holder has it.
    const { cursor } = await claimCursor(ctx.db, key, uidvalidity, fence);
    let last = cursor && cursor.uidvalidity === uidvalidity ? cursor.lastUid : 0;
    if (cursor && cursor.uidvalidity !== uidvalidity) {
      // A new UIDVALIDITY renumbers the mailbox; dedup by content hash and Message-ID keeps this safe.
      ctx.log.warn({ mailbox: key, old: cursor.uidvalidity, new: uidvalidity }, 'UIDVALIDITY changed, cursor reset');
    }
    // Sizes first (cheap), so no batch holds more than BATCH_BYTES of mail in memory.
    const pending: { uid: number; size: number }[] = [];
    for await (const m of c.fetch(`${last + 1}:*`, { uid: true, size: true }, { uid: true })) {
      // `N:*` past the last UID still names the last message: keep only what is new.
      if (m.uid > last) pending.push({ uid: m.uid, size: m.size ?? 0 });
    }
    let stored = 0;
    for (const batch of batchesBySize(pending)) {
      const messages: { uid: number; source: Buffer }[] = [];
      // No IMAP command may run inside the fetch iterator, so collect first, then store.
      for await (const m of c.fetch(batch.join(','), { uid: true, source: true }, { uid: true })) {
        if (m.source) messages.push({ uid: m.uid, source: m.source });
      }
      messages.sort((a, b) => a.uid - b.uid);
      await acceptRawBatch(
        ctx,
        messages.map((m) => ({ mailbox: key, uidvalidity, uid: m.uid, raw: m.source })),
      );
      stored += messages.length;
      // Durable and enqueued: only now is the message flagged, moved and the cursor moved on.
      const done = messages.map((m) => m.uid);
      if (done.length) {
        await c.messageFlagsAdd(done.join(','), ['\\Seen'], { uid: true });
        if (opts.archiveMailbox) await c.messageMove(done.join(','), opts.archiveMailbox, { uid: true });
        last = Math.max(last, ...done);
        await saveCursor(ctx.db, key, { uidvalidity, lastUid: last }, fence);
      }
    }
    if (!cursor || cursor.uidvalidity !== uidvalidity) await saveCursor(ctx.db, key, { uidvalidity, lastUid: last }, fence);
    return stored;
  }

  async function session(): Promise<void> {
    const c = await connectImap(target, (err: Error) => ctx.log.warn({ mailbox: key, err: errorFields(err) }, 'imap error'));
    client = c;
    let pending = true;
    c.on('exists', () => {
      pending = true;
      // Any command ends IDLE; the loop below then catches up.
      if (c.idling) c.noop().catch(() => {});
    });
    try {
      const mb = await c.mailboxOpen(target.mailbox);
      const uidvalidity = Number(mb.uidValidity);
      ctx.log.info({ mailbox: key }, 'imap connected');
      while (!stopped && c.usable) {
        pending = false;
        const n = await catchUp(c, uidvalidity);
        // Reset only after a whole catch-up: a session that connects and then fails on the database or
        // Redis must back off too, not log in again twice a second for the length of the outage.
        backoff = 500;
        opts.onCycle?.(n);
        if (pending || stopped) continue;
        await c.idle();
      }
    } finally {
      await c.logout().catch(() => {});
      c.close();
    }
  }

  let backoff = 500;
  const loop = (async () => {
    while (!stopped) {
      try {
        await session();
      } catch (err) {
        if (err instanceof FencedOut) {
          ctx.log.warn({ mailbox: key, fence }, 'poller lease lost: another poller holds the mailbox');
          stopped = true;
          opts.onFenced?.();
          break;
        }
        if (!stopped) ctx.log.warn({ mailbox: key, err: errorFields(err) }, 'imap session ended');
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wakeSleep = resolve;
        setTimeout(resolve, backoff);
      });
      backoff = Math.min(backoff * 2, 30_000);
    }
  })();

  return {
    async stop() {
      stopped = true;
      wakeSleep?.();
      if (client) await client.logout().catch(() => client?.close());
      await loop;
    },
  };
}
