// The one door into the system: raw bytes become durable before anything else happens to them.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import { storeInbound } from '../store/inbound.ts';

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
export async function acceptRaw(ctx: Pick<AppContext, 'db' | 'producers'>, a: RawArrival): Promise<{ inboundId: number; created: boolean }> {
  const sha256 = crypto.createHash('sha256').update(a.raw).digest('hex');
  const stored = await storeInbound(ctx.db, { mailbox: a.mailbox, uidvalidity: a.uidvalidity, uid: a.uid, sourceKey: a.sourceKey, sha256, raw: a.raw });
  if (stored.created || stored.status === 'received') await ctx.producers.add('ingest', { inboundId: stored.id });
  return { inboundId: stored.id, created: stored.created };
}
