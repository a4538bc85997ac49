// The one door into the system: raw bytes become durable before anything else happens to them.
import type { AppContext } from '../context.ts';
import { rawEncryptionKey } from '../raw-key.ts';
import { storeInbound } from '../store/inbound.ts';
import { encryptRaw, sha256Hex } from './raw-crypto.ts';

export interface RawArrival {
  mailbox: string;
  uidvalidity: number;
  uid: number;
  sourceKey?: string | null;
  raw: Buffer;
}

/**
 * Stores the message (commit), then enqueues its ingest job by id. Only after this returns may the
 * source flag or move the message. A message already stored is re-enqueued when still unprocessed,
 * so a crash between commit and enqueue heals on the next pass.
 */
// config is typed optional only because the mailbox sources declare a narrower context than the full
// AppContext they are given; without it nothing is stored, since plaintext must never be.
export async function acceptRaw(
  ctx: Pick<AppContext, 'db' | 'producers'> & Partial<Pick<AppContext, 'config'>>,
  a: RawArrival,
): Promise<{ inboundId: number; created: boolean }> {
  if (!ctx.config) throw new Error('acceptRaw needs the configuration to encrypt the message');
  // The hash is of the plaintext (dedup must see identical mail as identical); the bytes kept are
  // encrypted, so the database never holds readable mail.
  const sha256 = sha256Hex(a.raw);
  const sealed = encryptRaw(a.raw, rawEncryptionKey(ctx.config), sha256);
  const stored = await storeInbound(ctx.db, { mailbox: a.mailbox, uidvalidity: a.uidvalidity, uid: a.uid, sourceKey: a.sourceKey, sha256, raw: sealed, size: a.raw.length });
  if (stored.created || stored.status === 'received') await ctx.producers.add('ingest', { inboundId: stored.id });
  return { inboundId: stored.id, created: stored.created };
}
