// The one door into the system: raw bytes become durable before anything else happens to them.
import type { AppContext } from '../context.ts';
import { rawEncryptionKey } from '../raw-key.ts';
import { storeInbounds } from '../store/inbound.ts';
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
  const [result] = await acceptRawBatch(ctx, [a]);
  return result;
}

/**
 * The same for a batch, in one transaction and one bulk enqueue: a mailbox catch-up of thousands of
 * messages pays one commit per batch instead of one per message. Same order of guarantees: all rows
 * durable, then all jobs enqueued, then the caller may flag.
 */
export async function acceptRawBatch(
  ctx: Pick<AppContext, 'db' | 'producers'> & Partial<Pick<AppContext, 'config'>>,
  arrivals: RawArrival[],
): Promise<{ inboundId: number; created: boolean }[]> {
  if (!ctx.config) throw new Error('acceptRaw needs the configuration to encrypt the message');
  const key = rawEncryptionKey(ctx.config);
  // The hash is of the plaintext (dedup must see identical mail as identical); the bytes kept are
  // encrypted, so the database never holds readable mail.
  const sealed = arrivals.map((a) => {
    const sha256 = sha256Hex(a.raw);
    return { a, sha256, raw: encryptRaw(a.raw, key, sha256) };
  });
  const stored = await ctx.db.tx((q) =>
    storeInbounds(
      q,
      sealed.map((m) => ({
        mailbox: m.a.mailbox,
        uidvalidity: m.a.uidvalidity,
        uid: m.a.uid,
        sourceKey: m.a.sourceKey,
        sha256: m.sha256,
        raw: m.raw,
        size: m.a.raw.length,
      })),
    ),
  );
  await ctx.producers.addBulk(
    'ingest',
    stored.filter((s) => s.created || s.status === 'received').map((s) => ({ inboundId: s.id })),
  );
  return stored.map((s) => ({ inboundId: s.id, created: s.created }));
}
