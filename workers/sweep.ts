// sweep: a repeatable job that heals what a lost job, a lost Redis or a crash left behind, escalates
// consultations near their due time and purges raw messages past their retention.
import type { AppContext } from '../src/context.ts';
import { audit } from '../src/store/audit.ts';
import { DUE_CLOCK_STATUSES, UNDRAFTED_STATUSES } from '../src/store/consultation-status.ts';

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
  const inbound = await ctx.db.query<{ id: number }>(
    `SELECT id FROM inbound_messages WHERE status = 'received' AND received_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
    [stale, BATCH],
  );
  for (const r of inbound.rows) await ensure('ingest', { inboundId: r.id });
  out.ingest = inbound.rows.length;

  const drafting = await ctx.db.query<{ id: number; round: number }>(
    `SELECT id, round FROM consultations WHERE status = ANY($3::text[]) AND updated_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
    [stale, BATCH, [...UNDRAFTED_STATUSES]],
  );
  for (const r of drafting.rows) await ensure('draft', { consultationId: r.id, round: r.round });
  out.draft = drafting.rows.length;

  const outbound = await ctx.db.query<{ id: number }>(
    `SELECT id FROM outbound_messages WHERE status IN ('queued', 'sending') AND created_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
    [stale, BATCH],
  );
  for (const r of outbound.rows) await ensure('send', { outboundId: r.id });
  out.send = outbound.rows.length;

  const escalated = await ctx.db.query<{ id: number }>(
    `UPDATE consultations SET escalated_at = now()
     WHERE escalated_at IS NULL AND status = ANY($2::text[])
       AND due_at < now() + make_interval(secs => $1)
     RETURNING id`,
    [ctx.config.ESCALATE_BEFORE_DUE_MINUTES * 60, [...DUE_CLOCK_STATUSES]],
  );
  for (const r of escalated.rows) await audit(ctx.db, { action: 'consultation.escalated', consultationId: r.id });
  out.escalated = escalated.rows.length;

  // Oldest first and at most PURGE_BATCH a sweep, so the first sweep after a long pause (or after
  // RAW_RETENTION_DAYS is lowered) is not one huge transaction; later sweeps take the rest.
  const purged = await ctx.db.query<{ id: number }>(
    `UPDATE inbound_messages SET raw = ''::bytea, raw_purged_at = now()
     WHERE id IN (SELECT id FROM inbound_messages
                  WHERE raw_purged_at IS NULL AND status <> 'received' AND received_at < now() - make_interval(days => $1)
                  ORDER BY received_at LIMIT $2)
     RETURNING id`,
    [ctx.config.RAW_RETENTION_DAYS, PURGE_BATCH],
  );
  out.purged = purged.rows.length;
  if (out.rerun > 0) ctx.log.warn({ rerun: out.rerun }, 'sweep ran completed jobs again: their rows still waited (a database restored from a backup?)');
  if (out.ingest + out.draft + out.send + out.escalated + out.purged > 0) ctx.log.info(out, 'sweep');
  return out;
}

/** Registers the repeatable sweep with BullMQ's job scheduler (one schedule however many processes call it). */
export async function scheduleSweep(ctx: AppContext, everyMs = 30_000): Promise<void> {
  await ctx.producers.queue('sweep').upsertJobScheduler('sweeper', { every: everyMs }, { name: 'sweep', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } });
}
