// After a send died between the server's acceptance and our commit, find out whether the message
// went out instead of sending it again: look for its Message-ID where the sent copy would be.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { newImapClient, parseImapUrl } from '../mail/sources/imap.ts';
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
export function createReconciler(config: Pick<Config, 'SMTP_URL' | 'IMAP_URL' | 'IMAP_SENT_MAILBOX' | 'paths'>): Reconciler | undefined {
  if (!config.SMTP_URL) return async (row) => fs.existsSync(path.join(config.paths.outbox, fileName(row.message_id)));
  if (!config.IMAP_URL || !config.IMAP_SENT_MAILBOX) return undefined;
  const target = parseImapUrl(config.IMAP_URL);
  return async (row) => {
    const c = newImapClient(target);
    c.on('error', () => {});
    await c.connect();
    try {
      const lock = await c.getMailboxLock(config.IMAP_SENT_MAILBOX, { readOnly: true });
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
