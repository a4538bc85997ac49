// /readyz: can this deployment do its work right now? Redis, the database and the mailbox.
import fs from 'node:fs';
import type { AppContext } from './context.ts';
import { connectImap } from './mail/imap-client.ts';
import { envImapTarget } from './mail/mailbox-specs.ts';
import { mailboxOverview } from './mail/mailbox-overview.ts';
import { listMailboxes } from './store/mailboxes.ts';
import { errorText } from './log-error.ts';
import { pingDb } from './store/health.ts';

export interface Check {
  ok: boolean;
  ms: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>, timeoutMs = 5000): Promise<Check> {
  const t0 = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref())]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - t0), error: errorText(err, 200) };
  }
}

/** Each mailbox and the poller holding its lease (null: none holds it; nothing is read from it). */
async function leases(
  ctx: AppContext,
): Promise<Record<string, { key: string; holder: string | null; fence: number | null; expiresInMs: number | null; lastUid: number | null }>> {
  const out: Awaited<ReturnType<typeof leases>> = {};
  for (const m of await mailboxOverview(ctx)) {
    out[m.name] = {
      key: m.key,
      holder: m.lease?.holder ?? null,
      fence: m.lease?.fence ?? null,
      expiresInMs: m.lease?.expiresInMs ?? null,
      lastUid: m.cursor?.lastUid ?? null,
    };
  }
  return out;
}

export async function readiness(ctx: AppContext): Promise<{ ok: boolean; checks: Record<string, Check>; mailboxes?: Awaited<ReturnType<typeof leases>> }> {
  const [redis, database, mailbox] = await Promise.all([
    // A real round trip on the producers' fail-fast connection.
    timed(() => ctx.producers.queue('ingest').getJobCounts('waiting')),
    timed(() => pingDb(ctx.db)),
    timed(async () => {
      if (!ctx.config.IMAP_URL) {
        // Mailboxes from the table are reported below, each with the poller that holds it.
        if ((await listMailboxes(ctx.db)).length) return;
        fs.accessSync(ctx.config.paths.maildir, fs.constants.W_OK);
        return;
      }
      const target = envImapTarget(ctx)!;
      const c = await connectImap(target);
      try {
        await c.status(target.mailbox, { uidValidity: true });
      } finally {
        await c.logout().catch(() => c.close());
      }
    }),
  ]);
  const checks = { redis, database, mailbox };
  const mailboxes = await leases(ctx).catch(() => undefined);
  return { ok: Object.values(checks).every((c) => c.ok), checks, ...(mailboxes ? { mailboxes } : {}) };
}
