// The poller part: one IMAP source per mailbox this process holds the lease of (poller-lease.ts).
// Run it on two machines: each mailbox is polled by exactly one of them; when the holder dies its
// lease runs out (POLLER_LEASE_SECONDS) and another takes the mailbox over and catches up by UID from
// the committed cursor. Every tick renews what is held, tries to take what nobody holds, and follows
// mailboxes added or removed (the table is read again each tick).
import type { Redis } from 'ioredis';
import type { AppContext } from '../context.ts';
import { pollerLeases } from '../metrics.ts';
import { loadMailboxSpecs, type MailboxSpec } from './mailbox-specs.ts';
import { MailboxLeases, newHolderId } from './poller-lease.ts';
import { startImapSource } from './sources/imap.ts';
import type { MailSource } from './sources/types.ts';
import { errorFields } from '../log-error.ts';

interface Held {
  spec: MailboxSpec;
  fence: number;
  source: MailSource;
  renewedAt: number;
}

export function pollerLeasesOf(ctx: Pick<AppContext, 'producers' | 'queuePrefix' | 'config'>, holder = newHolderId()): MailboxLeases {
  return new MailboxLeases(
    () => ctx.producers.queue('sweep').getBackend().client as unknown as Promise<Redis>,
    ctx.queuePrefix,
    holder,
    ctx.config.POLLER_LEASE_SECONDS * 1000,
  );
}

export function startMailboxPoller(ctx: AppContext): { stop(): Promise<void>; holder: string } {
  const leases = pollerLeasesOf(ctx);
  const ttl = leases.ttlMs;
  const held = new Map<string, Held>();
  let stopped = false;

  const drop = async (key: string, why: 'lost' | 'released' | 'removed' | 'changed') => {
    const h = held.get(key);
    if (!h) return;
    held.delete(key);
    pollerLeases.remove({ mailbox: h.spec.name });
    await h.source.stop().catch(() => {});
    if (why !== 'lost') await leases.release(key, h.fence).catch(() => {});
    ctx.log.info({ mailbox: key, fence: h.fence, why }, why === 'lost' ? 'poller lease lost' : 'poller lease released');
  };

  const start = (spec: MailboxSpec, fence: number) => {
    const h: Held = { spec, fence, renewedAt: Date.now(), source: null as unknown as MailSource };
    h.source = startImapSource(ctx, spec.imap, {
      key: spec.key,
      fence,
      archiveMailbox: spec.archiveMailbox,
      // The database refused our fence: someone newer has the mailbox. Forget it; do not release.
      onFenced: () => void drop(spec.key, 'lost'),
    });
    held.set(spec.key, h);
    pollerLeases.set({ mailbox: spec.name }, fence);
    ctx.log.info({ mailbox: spec.key, fence, holder: leases.holder }, 'poller lease acquired');
  };

  async function tick(): Promise<void> {
    let specs: MailboxSpec[];
    try {
      specs = await loadMailboxSpecs(ctx);
    } catch (err) {
      ctx.log.warn({ err: errorFields(err) }, 'mailboxes not read; keeping the ones held');
      specs = [...held.values()].map((h) => h.spec);
    }
    const wanted = new Map(specs.map((s) => [s.key, s]));
    for (const key of [...held.keys()]) if (!wanted.has(key)) await drop(key, 'removed');
    for (const spec of specs) {
      if (stopped) return;
      const h = held.get(spec.key);
      try {
        if (h) {
          if (await leases.renew(spec.key, h.fence)) {
            h.renewedAt = Date.now();
            // Edited (removed and added again): poll it with the new settings, same lease.
            if (h.spec.version !== spec.version) {
              await h.source.stop();
              held.delete(spec.key);
              start(spec, h.fence);
            }
          } else await drop(spec.key, 'lost');
        } else {
          const fence = await leases.acquire(spec.key);
          if (fence !== null && !stopped) start(spec, fence);
        }
      } catch (err) {
        // Redis unreachable: keep polling while the lease cannot have run out, then stop touching the mailbox.
        if (h && Date.now() - h.renewedAt >= ttl) await drop(spec.key, 'lost');
        ctx.log.warn({ mailbox: spec.key, err: errorFields(err) }, 'poller lease not renewed');
      }
    }
  }

  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    running = running.then(() => (stopped ? undefined : tick())).catch((err) => ctx.log.error({ err: errorFields(err) }, 'poller tick failed'));
  };
  schedule();
  // A third of the lease: two renewals may fail before it runs out; a free mailbox is taken within this.
  const timer = setInterval(schedule, Math.max(1000, Math.floor(ttl / 3)));
  return {
    holder: leases.holder,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      // Released, not left to expire: the other poller takes over at its next tick.
      await Promise.all([...held.keys()].map((k) => drop(k, 'released')));
    },
  };
}
