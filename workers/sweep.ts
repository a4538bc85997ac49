// sweep: a repeatable job that heals what a lost job, a lost Redis or a crash left behind, escalates
// consultations near their due time and purges raw messages past their retention.
import type { AppContext } from '../src/context.ts';
import { audit } from '../src/store/audit.ts';
import { escalateNearDue, purgeRaw, staleInbound, staleOutbound, staleUndrafted } from '../src/store/sweep.ts';

/**
 * Rows with no progress for two job-lock periods (60 s with the default 30 s lock) are presumed to
 * have lost their job: by then a job whose worker died has been picked up again. ensure() is a no-op
 * for a job that exists, so erring short costs a Redis lookup, not a duplicate.
 */
const staleSecondsOf = (ctx: AppContext) => Math.max(5, 2 * ctx.config.JOB_LOCK_SECONDS);
const BATCH = 500;
/** Raw messages purged per sweep at most: ~5.7 million a day at the default interval. */
const PURGE_BATCH = 2000;

export interface SweepResult {
  ingest: number;
  draft: number;
  send: number;
  escalated: number;
  purged: number;
  /** Of the re-enqueued, jobs that had completed while their row still waited (see Producers.ensure). */
  rerun: number;
}

export async function handleSweep(ctx: AppContext, opts: { staleSeconds?: number; now?: Date } = {}): Promise<SweepResult> {
  const stale = opts.staleSeconds ?? staleSecondsOf(ctx);
  const out: SweepResult = { ingest: 0, draft: 0, send: 0, escalated: 0, purged: 0, rerun: 0 };
  const ensure = async <K extends 'ingest' | 'draft' | 'send'>(name: K, data: Parameters<typeof ctx.producers.ensure<K>>[1]) => {
    if ((await ctx.producers.ensure(name, data)) === 'rerun') out.rerun++;
  };

  // Deterministic job ids: ensure() adds only what is missing.
  const inbound = await staleInbound(ctx.db, stale, BATCH);
  for (const id of inbound) await ensure('ingest', { inboundId: id });
  out.ingest = inbound.length;

  const drafting = await staleUndrafted(ctx.db, stale, BATCH);
  for (const r of drafting) await ensure('draft', { consultationId: r.id, round: r.round });
  out.draft = drafting.length;

  const outbound = await staleOutbound(ctx.db, stale, BATCH);
  for (const id of outbound) await ensure('send', { outboundId: id });
  out.send = outbound.length;

  const escalated = await escalateNearDue(ctx.db, ctx.config.ESCALATE_BEFORE_DUE_MINUTES * 60);
  for (const id of escalated) await audit(ctx.db, { action: 'consultation.escalated', consultationId: id });
  out.escalated = escalated.length;

  out.purged = await purgeRaw(ctx.db, ctx.config.RAW_RETENTION_DAYS, PURGE_BATCH);
  if (out.rerun > 0) ctx.log.warn({ rerun: out.rerun }, 'sweep ran completed jobs again: their rows still waited (a database restored from a backup?)');
  if (out.ingest + out.draft + out.send + out.escalated + out.purged > 0) ctx.log.info(out, 'sweep');
  return out;
}

/** Registers the repeatable sweep with BullMQ's job scheduler (one schedule however many processes call it). */
export async function scheduleSweep(ctx: AppContext, everyMs = 30_000): Promise<void> {
  await ctx.producers
    .queue('sweep')
    .upsertJobScheduler('sweeper', { every: everyMs }, { name: 'sweep', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
}
