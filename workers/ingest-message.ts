// One inbound message through ingest: prepared (decrypted, verified, parsed, classified, masked)
// without the database, then, when it needs more than a new consultation, its own transaction:
// follow-ups, duplicates, quota refusals. Machines are never answered; a bounce is recorded against
// what it bounced.
import { UnrecoverableError } from 'bullmq';
import type { AppContext } from '../src/context.ts';
import { parseDateOfService } from '../src/drafting/dos.ts';
import { truncationNote } from '../src/mail/bound.ts';
import { buildDraft, type DraftKb } from '../src/drafting/draft.ts';
import { instantFacts } from '../src/drafting/instant.ts';
import { getKnowledgeBase } from '../src/kb/index.ts';
import { classify, isListTraffic } from '../src/mail/classify.ts';
import { greetableName } from '../src/mail/display-name.ts';
import { parseRawEmail, UnparseableMessage } from '../src/mail/parse.ts';
import { detectPhi } from '../src/mail/phi.ts';
import { effectivePlan, monthStart, quotaDecision, type PlanLimits } from '../src/mail/quota.ts';
import { extractNewText, isCutForAnalysis } from '../src/mail/reply-text.ts';
import type { SenderAuth } from '../src/mail/sender-auth.ts';
import { parseTicketTag, replyTokenFromAddresses, resolveThread } from '../src/mail/threading.ts';
import { verifySender } from '../src/mail/verify-sender.ts';
import type { Classification, ClassifyContext, InboundMessage, PhiResult } from '../src/mail/types.ts';
import { ingestLag } from '../src/metrics.ts';
import { rawEncryptionKey } from '../src/raw-key.ts';
import { secretKey } from '../src/secrets.ts';
import { renderEmail } from '../src/send/render.ts';
import { angle } from '../src/send/threading-headers.ts';
import { buildCustomerReply } from '../src/send/customer-reply.ts';
import { alreadyDone, isUnanswered, unansweredStatus, type IngestOutcome, type UnansweredKind } from '../src/mail/ingest-outcome.ts';
import { outboundIdFromVerp } from '../src/send/verp.ts';
import { addressesWithAccount } from '../src/store/accounts.ts';
import { audit } from '../src/store/audit.ts';
import { enqueueAutoReply } from '../src/store/auto-replies.ts';
import { recordDeliveryReport } from '../src/store/bounces.ts';
import { addThreadMessage, consultationsByMessageIds, formatTicketNo, getConsultation, newReplyToken, startNextRound } from '../src/store/consultations.ts';
import { REDRAFT_ON_FOLLOW_UP, statusIn, UNDRAFTED_STATUSES } from '../src/store/consultation-status.ts';
import type { Queryable } from '../src/store/db.ts';
import { finishInbound, inboundPlaintext, type InboundRow } from '../src/store/inbound.ts';
import { mailboxDirectory } from '../src/mail/mailbox-specs.ts';
import {
  beginIntake,
  openConsultations,
  quotaUsageAndTickets,
  type Intake,
  type IntakeRequest,
  type NewQuestion,
  type OpenedConsultation,
} from '../src/store/intake.ts';
import { errorText } from '../src/log-error.ts';
import { setOutboundMailbox, unsentOutboundIds } from '../src/store/outbox.ts';

export function classifyContext(config: AppContext['config'], mailboxAddresses: string[] = []): ClassifyContext {
  return {
    // Mail from any of our mailboxes is a loop, whichever one it reached.
    ownAddresses: [...new Set([config.mailFromAddress, ...mailboxAddresses])],
    ownMessageIdDomain: config.MESSAGE_ID_DOMAIN,
    maxRecipients: config.MAX_RECIPIENTS,
    maxBytes: config.MAX_MESSAGE_BYTES,
    authservId: config.AUTHSERV_ID || null,
  };
}

export const isPrepared = (p: IngestOutcome | Prepared): p is Prepared => typeof p !== 'string';

/** A human's message, read and masked, ready for the database. Holds text: never logged or enqueued. */
export interface Prepared {
  row: InboundRow;
  msg: InboundMessage;
  /** name: the display name only when it reads as a person's name (greetableName), else null. */
  from: { address: string; name: string | null };
  /** What vouches for the From domain (DKIM/DMARC, or our server's Authentication-Results). */
  auth: SenderAuth;
  /** The plaintext, kept only while auth is deferred (settleSenderAuth completes it). */
  plain: Buffer | null;
  bodyPhi: PhiResult;
  /** What is stored as the message's text: masked, with a note when analysis did not read all of it. */
  bodyText: string;
  subjectPhi: PhiResult;
  phiKinds: string[];
  dateOfService: string | null;
  /** In-Reply-To and References, in our angle form: the thread hints by Message-ID. */
  threadIds: string[];
  replyToken: string | null;
  ticketTag: string | null;
  /** This message's Message-ID in angle form, or null. */
  messageId: string | null;
  /** This message's own References, in angle form, as kept on its thread message. */
  references: string | null;
}

/** In-Reply-To and References, in our angle form: the Message-IDs this message answers. */
const threadHints = (msg: InboundMessage) => [msg.inReplyTo, ...msg.references].filter((x): x is string => !!x).map(angle);

/** No thread hint of any kind: it can only be a new question (or a duplicate of one). */
export const isFresh = (p: Prepared) => p.threadIds.length === 0 && !p.replyToken && !p.ticketTag;

export function intakeRequest(p: Prepared): IntakeRequest {
  return {
    inboundId: p.row.id,
    address: p.from.address,
    name: p.from.name,
    messageId: p.messageId,
    threadIds: p.threadIds,
    replyToken: p.replyToken,
    ticketNo: p.ticketTag ? Number(p.ticketTag.replace(/\D/g, '')) : null,
    authenticated: p.auth.authenticated,
  };
}

/**
 * The row read without the database: a final outcome for what needs no consultation (already done,
 * broken, or from a machine: those are recorded here), else the prepared message.
 */
export async function prepareMessage(ctx: AppContext, row: InboundRow): Promise<IngestOutcome | Prepared> {
  if (row.status === 'processed' && row.consultation_id) {
    // Processed before, but a crash may have come between the commit and the enqueues.
    await enqueueDownstream(ctx, row.consultation_id);
    return alreadyDone('processed');
  }
  if (row.status !== 'received') return alreadyDone(row.status);

  let plain: Buffer;
  try {
    plain = inboundPlaintext(row, rawEncryptionKey(ctx.config));
  } catch (err) {
    // Bytes that fail their hash (or a wrong key) cannot be repaired by retrying: held for an admin,
    // who can reprocess once the key is right.
    await finishInbound(ctx.db, row.id, { status: 'quarantined', reason: 'integrity', error: errorText(err, 500) });
    ctx.log.error({ inboundId: row.id }, 'raw message failed its integrity check');
    return 'integrity';
  }

  let msg: InboundMessage;
  try {
    msg = await parseRawEmail(plain, { maxBytes: ctx.config.MAX_MESSAGE_BYTES });
  } catch (err) {
    // Kept and held for an admin with the parser's reason, never answered; retrying cannot make a
    // broken message parse. Anything else (a bug of ours) fails the job, and retries.
    if (!(err instanceof UnparseableMessage)) throw err;
    await finishInbound(ctx.db, row.id, { status: 'quarantined', kind: 'unparseable', reason: err.reason, error: err.message.slice(0, 500) });
    ctx.log.warn({ inboundId: row.id, reason: err.reason }, 'inbound quarantined: unparseable');
    return 'unparseable';
  }

  // parsing ended in a synchronous conversion: let other jobs run before the analysis does
  await new Promise((resolve) => setImmediate(resolve));
  const mailboxes = await mailboxDirectory(ctx, row.mailbox);
  const read = analyseMessage(
    msg,
    classifyContext(
      ctx.config,
      [...mailboxes.values()].flatMap((m) => [m.fromAddress, m.imap.user.toLowerCase()]),
    ),
  );
  if (isUnanswered(read.cls)) return recordUnanswered(ctx, row, msg, read.cls);
  const auth = await verifySender(ctx.config, plain, msg, { dkim: 'when-enforcing' });
  // A forgery its own domain asks us to reject: held, and never answered (no backscatter). List mail
  // fails DMARC honestly (lists rewrite it), as classify's own dmarc-fail rule says: merely unverified.
  if (auth.forged && !isListTraffic(msg)) return recordUnanswered(ctx, row, msg, { kind: 'rejected', machine: false, reason: 'dmarc-fail', bounce: null });
  const { bodyPhi, bodyText, subjectPhi, phiKinds, dateOfService } = read;
  return {
    row,
    msg,
    from: { address: msg.from!.address, name: greetableName(msg.from!.name) },
    auth,
    plain: auth.deferred ? plain : null,
    bodyPhi,
    bodyText,
    subjectPhi,
    phiKinds,
    dateOfService,
    threadIds: threadHints(msg),
    // Replies come back to consult+<token>@ of the mailbox the question came to.
    replyToken: replyTokenFromAddresses(
      [...msg.to, ...msg.cc].map((a) => a.address),
      (mailboxes.get(row.mailbox)?.fromAddress ?? ctx.config.mailFromAddress).split('@')[0],
    ),
    ticketTag: parseTicketTag(msg.subject),
    messageId: msg.messageId ? angle(msg.messageId) : null,
    references: msg.references.map(angle).join(' ') || null,
  };
}

export interface MessageReading {
  cls: Classification;
  bodyPhi: PhiResult;
  bodyText: string;
  subjectPhi: PhiResult;
  phiKinds: string[];
  dateOfService: string | null;
}

/**
 * Ingest's text analysis of a parsed message, pure: classification, new text, PHI masks, date of
 * service. Reads the first 32 KB of text (src/mail/bound.ts); a longer text is stored with a note.
 * Machines and rejected mail are only classified: their text is never read.
 */
export function analyseMessage(msg: InboundMessage, context: ClassifyContext): MessageReading {
  const cls = classify(msg, context);
  if (cls.machine || cls.kind === 'rejected') {
    const none = detectPhi('');
    return { cls, bodyPhi: none, bodyText: '', subjectPhi: none, phiKinds: [], dateOfService: null };
  }
  const newText = extractNewText(msg);
  const bodyPhi = detectPhi(newText);
  const subjectPhi = detectPhi(msg.subject);
  return {
    cls,
    bodyPhi,
    bodyText: isCutForAnalysis(msg) ? `${bodyPhi.masked}\n\n${truncationNote(msg.text.length)}` : bodyPhi.masked,
    subjectPhi,
    phiKinds: [...new Set([...bodyPhi.kinds, ...subjectPhi.kinds])],
    // Read before masking, which may remove dates; kept in the database only, never echoed back.
    dateOfService: parseDateOfService(`${msg.subject}\n${newText}`),
  };
}

/**
 * Completes the deferred sender checks of prepared messages: DKIM is verified for senders who claim
 * an account (one query for the lot); for anyone else it changes nothing, so it is not paid for.
 */
export async function settleSenderAuth(ctx: AppContext, prepared: Prepared[]): Promise<void> {
  const deferred = prepared.filter((p) => p.auth.deferred && p.plain);
  if (!deferred.length) return;
  const claimed = await addressesWithAccount(
    ctx.db,
    deferred.map((p) => p.from.address),
  );
  await Promise.all(
    deferred.map(async (p) => {
      if (claimed.has(p.from.address.toLowerCase())) p.auth = await verifySender(ctx.config, p.plain!, p.msg);
      else p.auth = { ...p.auth, deferred: false };
      p.plain = null;
    }),
  );
}

/** The knowledge base for a plan with instant facts (loaded once per process, only when a plan asks). */
export async function instantFactsKb(ctx: AppContext, plan: PlanLimits): Promise<DraftKb | null> {
  return plan.instantFacts ? getKnowledgeBase({ importDir: ctx.config.paths.codesets }) : null;
}

/** The new consultation's rows, its acknowledgement rendered (with the table facts when the plan has instant facts). */
export function newQuestion(ctx: AppContext, p: Prepared, intake: Intake, plan: PlanLimits, ticketNo: number, kb: DraftKb | null = null): NewQuestion {
  const dueAt = new Date(Date.now() + plan.dueHours * 3600_000);
  const ticket = formatTicketNo(ticketNo);
  const replyToken = newReplyToken();
  const maskedSubject = p.subjectPhi.masked;
  // Only masked text is read, as the draft worker does; the facts are the tables', marked preliminary.
  const instant = plan.instantFacts && kb ? instantFacts(buildDraft({ subject: maskedSubject, text: p.bodyPhi.masked, dos: p.dateOfService }, kb)) : null;
  const ack = renderEmail('ack', { name: p.from.name, ticket, phiDetected: p.phiKinds.length > 0, dueText: `by ${dueAt.toUTCString()}`, instant });
  return {
    inboundId: p.row.id,
    ticketNo,
    replyToken,
    subject: maskedSubject || '(no subject)',
    fromAddress: p.from.address,
    fromName: p.from.name,
    contactId: intake.contactId,
    accountId: intake.accountId,
    messageId: p.messageId,
    references: p.references,
    bodyText: p.bodyText,
    phiKinds: p.phiKinds,
    dateOfService: p.dateOfService,
    dueAt,
    rawMessageId: p.msg.messageId,
    audit: {
      inboundId: p.row.id,
      phiKinds: p.phiKinds,
      plan: plan.name,
      senderAuth: p.auth.evidence,
      ...(intake.claimedAccountId !== null && intake.accountId === null ? { unauthenticatedClaim: intake.claimedAccountId } : {}),
    },
    ack: buildCustomerReply(ctx.config, {
      kind: 'ack',
      consultationId: null,
      // openConsultations keys the acknowledgement by the consultation it opens.
      dedupKey: 'ack',
      to: p.from.address,
      ticket,
      subject: maskedSubject,
      parent: { messageId: p.messageId, references: p.references },
      replyToken,
      body: ack,
    }),
  };
}

type Result =
  | { kind: 'duplicate'; consultationId: number }
  | { kind: 'follow_up'; consultationId: number; lagSeconds: number | null }
  | { kind: 'question'; consultationId: number; opened: OpenedQuestion }
  | { kind: 'over_quota'; consultationId: null; outboundId: number | null }
  | { kind: 'rejected'; consultationId: null };

/** UNAUTHENTICATED_SENDERS=hold: unauthenticated mail that claims an account is held, not answered. */
export const heldAsUnauthenticated = (ctx: AppContext, intake: Intake) =>
  ctx.config.UNAUTHENTICATED_SENDERS === 'hold' && intake.accountId === null && intake.claimedAccountId !== null;

export type OpenedQuestion = OpenedConsultation & { inboundId: number };

/** Seconds from the raw commit to the consultation's commit, on the database's clock. */
function observeLag(seconds: number | null): void {
  if (seconds !== null && seconds >= 0) ingestLag.observe(seconds);
}

/**
 * After the commit that opened them: each new consultation's draft and queued acknowledgement, in one
 * bulk add per queue, from what the transaction returned (nothing is read back); then their lag.
 */
export async function enqueueOpened(ctx: AppContext, opened: OpenedQuestion[]): Promise<void> {
  await Promise.all([
    ctx.producers.addBulk(
      'draft',
      opened.map((o) => ({ consultationId: o.consultationId, round: 1 })),
    ),
    ctx.producers.addBulk(
      'send',
      opened.filter((o) => o.ackStatus === 'queued').map((o) => ({ outboundId: o.ackId })),
    ),
  ]);
  for (const o of opened) observeLag(o.lagSeconds);
}

/** One prepared message in its own transaction: every case, the rare ones included. */
export async function ingestPrepared(ctx: AppContext, p: Prepared): Promise<IngestOutcome> {
  const { row, msg, from } = p;
  const interval = ctx.config.AUTO_REPLY_MIN_INTERVAL_MINUTES;
  const maskedSubject = p.subjectPhi.masked;

  const result = await ctx.db.tx(async (q): Promise<Result> => {
    const [intake] = await beginIntake(q, [intakeRequest(p)]);
    if (intake.duplicateOf) {
      await finishInbound(q, row.id, { status: 'duplicate', kind: 'question', messageId: msg.messageId, consultationId: intake.duplicateOf });
      return { consultationId: intake.duplicateOf, kind: 'duplicate' };
    }
    if (heldAsUnauthenticated(ctx, intake)) {
      await finishInbound(q, row.id, { status: 'quarantined', kind: 'rejected', reason: 'unauthenticated', messageId: msg.messageId });
      await audit(q, {
        action: 'inbound.unauthenticated',
        detail: { inboundId: row.id, claimedAccountId: intake.claimedAccountId, senderAuth: p.auth.evidence },
      });
      return { kind: 'rejected', consultationId: null };
    }
    const decision = resolveThread({
      messageIds: p.threadIds,
      replyToken: p.replyToken,
      ticketTag: p.ticketTag,
      senderAddress: from.address,
      senderAccountId: intake.accountId,
      byMessageId: intake.byMessageId,
      byToken: intake.byToken,
      byTicket: intake.byTicket,
    });

    // A follow-up continues its consultation and never counts against the quota.
    if (decision.consultationId) {
      const c = (await getConsultation(q, decision.consultationId, true))!;
      await addThreadMessage(q, {
        consultationId: c.id,
        direction: 'in',
        inboundId: row.id,
        messageId: p.messageId,
        references: p.references,
        subject: maskedSubject,
        bodyText: p.bodyText,
        phiKinds: p.phiKinds,
        dateOfService: p.dateOfService,
      });
      if (statusIn(c.status, REDRAFT_ON_FOLLOW_UP)) await startNextRound(q, c);
      const lagSeconds = await finishInbound(q, row.id, {
        status: 'processed',
        kind: 'follow_up',
        reason: decision.via,
        messageId: msg.messageId,
        consultationId: c.id,
      });
      await audit(q, {
        action: decision.reopen ? 'consultation.reopened' : 'consultation.follow_up',
        consultationId: c.id,
        detail: { inboundId: row.id, via: decision.via, phiKinds: p.phiKinds },
      });
      if (p.phiKinds.length) {
        const ticket = formatTicketNo(c.ticket_no);
        const note = renderEmail('deidentify', { name: from.name, ticket });
        await enqueueAutoReply(
          q,
          buildCustomerReply(ctx.config, {
            kind: 'deidentify',
            consultationId: c.id,
            dedupKey: `deidentify:in:${row.id}`,
            to: from.address,
            ticket,
            subject: c.subject,
            parent: { messageId: p.messageId, references: p.references },
            replyToken: c.reply_token,
            body: note,
          }),
          interval,
        );
      }
      return { consultationId: c.id, kind: 'follow_up', lagSeconds };
    }

    // Named a consultation it may not join: it opens its own (within quota), and both logs say why.
    if (decision.refused) {
      await audit(q, {
        action: 'inbound.thread_refused',
        consultationId: decision.refused.consultationId,
        detail: { inboundId: row.id, via: decision.refused.via, reason: 'sender-not-customer' },
      });
    }
    const plan = effectivePlan(intake.planRow, ctx.config.PLANS[intake.plan]);
    const [usage] = await quotaUsageAndTickets(q, [{ accountId: intake.accountId, address: from.address }], monthStart(new Date()));
    const verdict = quotaDecision(plan, usage);
    if (!verdict.allowed) {
      const notice = renderEmail('quota', quotaView(plan, verdict, intake.accountId === null, from.name, ctx.config.UPGRADE_URL));
      const { row: out, suppressed } = await enqueueAutoReply(
        q,
        // No consultation, so no ticket tag and no reply token: an answer to it is a new question.
        buildCustomerReply(ctx.config, {
          kind: 'quota',
          consultationId: null,
          dedupKey: `quota:in:${row.id}`,
          to: from.address,
          ticket: null,
          subject: maskedSubject,
          parent: { messageId: p.messageId, references: p.references },
          replyToken: null,
          body: notice,
        }),
        interval,
      );
      // Leaves from the mailbox the question came to (it has no consultation to say so).
      await setOutboundMailbox(q, out.id, row.mailbox);
      await finishInbound(q, row.id, { status: 'ignored', kind: 'over_quota', reason: `${plan.name}-${verdict.reason}`, messageId: msg.messageId });
      await audit(q, {
        action: 'inbound.over_quota',
        detail: { inboundId: row.id, plan: plan.name, quota: verdict.reason, limit: verdict.limit, outboundId: out.id, suppressed },
      });
      return { kind: 'over_quota', consultationId: null, outboundId: suppressed ? null : out.id };
    }

    const question = newQuestion(ctx, p, intake, plan, usage.ticketNo, await instantFactsKb(ctx, plan));
    if (decision.refused) question.audit.threadRefused = decision.refused;
    const [opened] = await openConsultations(q, [question], interval);
    return { consultationId: opened.consultationId, kind: 'question', opened: { ...opened, inboundId: row.id } };
  });

  if (result.kind === 'over_quota') {
    if (result.outboundId) await ctx.producers.add('send', { outboundId: result.outboundId });
  } else if (result.kind === 'question') {
    await enqueueOpened(ctx, [result.opened]);
  } else if (result.kind === 'follow_up') {
    await enqueueDownstream(ctx, result.consultationId);
    observeLag(result.lagSeconds);
  }
  ctx.log.info({ inboundId: row.id, consultationId: result.consultationId, kind: result.kind }, 'inbound ingested');
  return result.kind;
}

function quotaView(plan: PlanLimits, verdict: { reason: 'total' | 'monthly'; limit: number }, isGuest: boolean, name: string | null, upgradeUrl: string) {
  const noun = isGuest ? 'question' : 'consultation';
  return {
    name,
    isGuest,
    plan: plan.name,
    monthly: verdict.reason === 'monthly',
    limitText: `${verdict.limit === 1 && isGuest ? 'one' : verdict.limit} ${noun}${verdict.limit === 1 ? '' : 's'}`,
    upgradeUrl,
  };
}

/**
 * Mail nobody answers: machines, and rejected mail held for an admin. A bounce is recorded against
 * the outbound row it reports on; an auto-reply that references a case is attached to it for the
 * record. Neither changes the consultation's status or round.
 */
async function recordUnanswered(ctx: AppContext, row: InboundRow, msg: InboundMessage, cls: Classification & { kind: UnansweredKind }): Promise<IngestOutcome> {
  await ctx.db.tx(async (q) => {
    let consultationId: number | null = null;
    if (cls.kind === 'bounce' && cls.bounce) {
      consultationId =
        (
          await recordDeliveryReport(q, row.id, cls.bounce, {
            verpOutboundId: outboundIdFromVerp(secretKey(ctx.config), cls.bounce.verpToken),
            originalMessageId: cls.bounce.originalMessageId ? angle(cls.bounce.originalMessageId) : null,
          })
        )?.consultationId ?? null;
    } else if (cls.kind === 'auto_reply') {
      consultationId = await attachAutoReply(q, row.id, msg, cls.reason);
    }
    await finishInbound(q, row.id, {
      status: unansweredStatus(cls.kind),
      kind: cls.kind,
      reason: cls.reason,
      messageId: msg.messageId,
      consultationId,
    });
  });
  ctx.log.info({ inboundId: row.id, kind: cls.kind, reason: cls.reason }, 'inbound not answered');
  return cls.kind;
}

async function attachAutoReply(q: Queryable, inboundId: number, msg: InboundMessage, reason: string): Promise<number | null> {
  const [c] = await consultationsByMessageIds(q, threadHints(msg));
  if (!c) return null;
  await audit(q, { action: 'consultation.auto_reply', consultationId: c.id, detail: { inboundId, reason } });
  return c.id;
}

/** Enqueues whatever the consultation's rows say is due: its draft and its unsent messages. */
export async function enqueueDownstream(ctx: AppContext, consultationId: number): Promise<void> {
  const c = await getConsultation(ctx.db, consultationId);
  if (!c) return;
  const pending = await unsentOutboundIds(ctx.db, consultationId);
  // Different queues, so the two adds go out side by side.
  await Promise.all([
    statusIn(c.status, UNDRAFTED_STATUSES) ? ctx.producers.add('draft', { consultationId, round: c.round }) : null,
    ctx.producers.addBulk(
      'send',
      pending.map((id) => ({ outboundId: id })),
    ),
  ]);
}

/** Stops a job for a row that does not exist: retrying cannot make it appear. */
export const missingInbound = (id: number) => new UnrecoverableError(`inbound ${id} not found`);
