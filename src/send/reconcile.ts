// After a send died between the server's acceptance and our commit, find out whether the message
// went out instead of sending it again: look for its Message-ID where the sent copy would be.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { connectImap, type ImapTarget } from '../mail/imap-client.ts';
import type { OutboundRow } from '../store/outbox.ts';

export type Reconciler = (row: Pick<OutboundRow, 'message_id'>) => Promise<boolean>;

export function fileName(messageId: string): string {
  return `${messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`;
}

/**
 * SMTP: the provider files every submitted message in the Sent mailbox (as Gmail, Microsoft 365 and
 * our test server do), so a message there was accepted. File outbox: the file itself.
 * Without a way to look, nothing is known and the caller resends (at-least-once).
 */
export function createReconciler(config: Pick<Config, 'SMTP_URL' | 'IMAP_SENT_MAILBOX' | 'paths'>, imap: ImapTarget | null): Reconciler | undefined {
  if (!config.SMTP_URL) return async (row) => fs.existsSync(path.join(config.paths.outbox, fileName(row.message_id)));
  return imapReconciler(imap, config.IMAP_SENT_MAILBOX);
}

/** Looks in one mailbox's Sent folder (signed in as the poller does, OAuth2 included). */
export function imapReconciler(target: ImapTarget | null, sentMailbox: string): Reconciler | undefined {
  if (!target || !sentMailbox) return undefined;
  return async (row) => {
    const c = await connectImap(target);
    try {
      const lock = await c.getMailboxLock(sentMailbox, { readOnly: true });
      try {
        const found = await c.search({ header: { 'message-id': row.message_id } }, { uid: true });
        return Array.isArray(found) && found.length > 0;
      } finally {
        lock.release();
      }
    } finally {
      await c.logout().catch(() => c.close());
    }
  };
}
