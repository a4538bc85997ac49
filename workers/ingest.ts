// ingest: decrypt and verify, parse, classify, thread or open a consultation (within quota),
// acknowledge. Messages arrive in batches (the jobs a worker holds at once): new questions share one
// transaction of three statements; anything else, and anything the batch could not take, goes
// through its own transaction (ingest-message.ts), so one bad message never holds up the others.
import type { AppContext } from '../src/context.ts';
import { effectivePlan, monthStart, quotaDecision } from '../src/mail/quota.ts';
import type { IngestJob } from '../src/queue/contracts.ts';
import { getInbound, getInbounds } from '../src/store/inbound.ts';
import { beginIntake, openConsultations, quotaScopeKey, quotaUsageAndTickets, type NewQuestion } from '../src/store/intake.ts';
import {
  enqueueOpened,
  heldAsUnauthenticated,
  ingestPrepared,
  instantFactsKb,
  settleSenderAuth,
  intakeRequest,
  isFresh,
  isPrepared,
  missingInbound,
  newQuestion,
  prepareMessage,
  type Prepared,
} from './ingest-message.ts';
import { errorFields } from '../src/log-error.ts';
import type { IngestOutcome } from '../src/mail/ingest-outcome.ts';

/**
 * A message larger than this is not read with its batch but on its own, after it: a batch of 128
 * then holds at most 32 MB of raw mail. Typed questions are a few KB; scans and PDFs go alone.
 */
export const BATCH_RAW_BYTES = 256 * 1024;

/**
 * Messages of a batch prepared at once. Preparing is mostly parsing, on this one thread: more at once
 * only holds more parsers' buffers alive together (a batch of 128 parsed all at once was an ingest
 * worker's peak memory), while a few keep the database waits of some overlapped with the parsing of others.
 */
const PREPARE_AT_ONCE = 8;

/** Runs fn over items, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** One message: a batch of one. */
export async function handleIngest(ctx: AppContext, data: IngestJob): Promise<IngestOutcome> {
  const out = (await handleIngestBatch(ctx, [data.inboundId])).get(data.inboundId);
  if (out instanceof Error) throw out;
  return out!;
}

/** Each id's outcome, or the error its job should fail with. */
export async function handleIngestBatch(ctx: AppContext, inboundIds: number[]): Promise<Map<number, IngestOutcome | Error>> {
  const ids = [...new Set(inboundIds)];
  const out = new Map<number, IngestOutcome | Error>();
  const rows = await getInbounds(ctx.db, ids, { rawUpTo: BATCH_RAW_BYTES });
  const fresh: Prepared[] = [];
  const single: Prepared[] = [];
  const large: number[] = [];
  await eachLimited(ids, PREPARE_AT_ONCE, async (id) => {
    try {
      const row = rows.get(id);
      if (!row) throw missingInbound(id);
      if (row.raw === null) return void large.push(id);
      const p = await prepareMessage(ctx, { ...row, raw: row.raw });
      if (!isPrepared(p)) out.set(id, p);
      else (isFresh(p) ? fresh : single).push(p);
    } catch (err) {
      out.set(id, err as Error);
    }
  });

  try {
    await settleSenderAuth(ctx, [...fresh, ...single]);
  } catch (err) {
    // The database is not answering: these jobs retry, as they would at the intake that follows.
    for (const p of [...fresh, ...single]) out.set(p.row.id, err as Error);
    fresh.length = 0;
    single.length = 0;
  }

  // Messages finish preparing in any order (each awaits the database): taken by id, so of a sender's
  // messages in one batch the first stored is the one opened, and the copy is its duplicate.
  fresh.sort((a, b) => a.row.id - b.row.id);
  if (fresh.length) {
    try {
      const { opened, deferred } = await openFreshQuestions(ctx, fresh);
      single.push(...deferred);
      try {
        await enqueueOpened(ctx, opened);
        for (const o of opened) {
          out.set(o.inboundId, 'question');
          ctx.log.info({ inboundId: o.inboundId, consultationId: o.consultationId, kind: 'question' }, 'inbound ingested');
        }
      } catch (err) {
        // Committed but not enqueued: each job's retry finds its row processed and enqueues then.
        for (const o of opened) out.set(o.inboundId, err as Error);
      }
    } catch (err) {
      ctx.log.warn({ messages: fresh.length, err: errorFields(err) }, 'ingest batch failed; taking its messages one by one');
      single.push(...fresh);
    }
  }

  // Sorted, so a sender's messages keep their order.
  single.sort((a, b) => a.row.id - b.row.id);
  for (const p of single) {
    try {
      out.set(p.row.id, await ingestPrepared(ctx, p));
    } catch (err) {
      out.set(p.row.id, err as Error);
    }
  }
  // Large messages last, read and taken one at a time.
  for (const id of large.sort((a, b) => a - b)) {
    try {
      const row = await getInbound(ctx.db, id);
      if (!row) throw missingInbound(id);
      const p = await prepareMessage(ctx, row);
      if (isPrepared(p)) await settleSenderAuth(ctx, [p]);
      out.set(id, isPrepared(p) ? await ingestPrepared(ctx, p) : p);
    } catch (err) {
      out.set(id, err as Error);
    }
  }
  return out;
}

/**
 * New questions in one transaction. Left for one-by-one handling (deferred): duplicates, mail held as
 * unauthenticated, questions over quota, and a second question from the same sender or quota scope, whose quota and
 * acknowledgement depend on the first being committed.
 */
async function openFreshQuestions(ctx: AppContext, fresh: Prepared[]) {
  return ctx.db.tx(async (q) => {
    const intakes = await beginIntake(q, fresh.map(intakeRequest));
    const deferred: Prepared[] = [];
    const chosen: { p: Prepared; intake: (typeof intakes)[number] }[] = [];
    const taken = new Set<string>();
    fresh.forEach((p, i) => {
      const intake = intakes[i];
      const scope = quotaScopeKey({ accountId: intake.accountId, address: p.from.address });
      const address = p.from.address.toLowerCase();
      if (intake.duplicateOf || heldAsUnauthenticated(ctx, intake) || taken.has(scope) || taken.has(address)) {
        deferred.push(p);
        return;
      }
      taken.add(scope).add(address);
      chosen.push({ p, intake });
    });
    if (!chosen.length) return { opened: [], deferred };

    const usages = await quotaUsageAndTickets(
      q,
      chosen.map((c) => ({ accountId: c.intake.accountId, address: c.p.from.address })),
      monthStart(new Date()),
    );
    const questions: NewQuestion[] = [];
    for (const [k, c] of chosen.entries()) {
      const plan = effectivePlan(c.intake.planRow, ctx.config.PLANS[c.intake.plan]);
      if (quotaDecision(plan, usages[k]).allowed) questions.push(newQuestion(ctx, c.p, c.intake, plan, usages[k].ticketNo, await instantFactsKb(ctx, plan)));
      else deferred.push(c.p);
    }
    if (!questions.length) return { opened: [], deferred };
    const opened = await openConsultations(q, questions, ctx.config.AUTO_REPLY_MIN_INTERVAL_MINUTES);
    return { opened: opened.map((o, k) => ({ ...o, inboundId: questions[k].inboundId })), deferred };
  });
}
