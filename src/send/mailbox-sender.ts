// Which mailbox a message leaves from: the one its question came to (the outbound row's mailbox, else
// its consultation's), with that mailbox's From, SMTP server and sign-in, and its Sent folder for the
// reconcile. Rows from before several mailboxes, and reviewer notifications, leave from MAIL_FROM.
import type { AppContext } from '../context.ts';
import { mailboxDirectory, type MailboxSpec } from '../mail/mailbox-specs.ts';
import type { OutboundRow } from '../store/outbox.ts';
import { imapReconciler, type Reconciler } from './reconcile.ts';
import { replyAddress } from './threading-headers.ts';
import { createTransport, type MailTransport } from './transport.ts';
import { mailboxOfConsultation } from '../store/consultations.ts';

export interface Sender {
  from: string;
  fromAddress: string;
  transport: MailTransport;
  /** Where to look for an earlier copy; undefined: the caller's default. */
  reconcile?: Reconciler;
}

const transports = new WeakMap<AppContext, Map<string, { version: string; transport: MailTransport; reconcile?: Reconciler }>>();

function mailboxParts(ctx: AppContext, spec: MailboxSpec) {
  let byKey = transports.get(ctx);
  if (!byKey) transports.set(ctx, (byKey = new Map()));
  let hit = byKey.get(spec.key);
  if (!hit || hit.version !== spec.version) {
    hit?.transport.close();
    const transport = spec.smtp ? createTransport(ctx.config, spec.smtp.tokens, spec.smtp.url) : ctx.transport;
    // The mailbox's own Sent folder, when its messages go out over SMTP.
    const reconcile = transport.kind === 'smtp' ? imapReconciler(spec.imap, spec.sentMailbox ?? ctx.config.IMAP_SENT_MAILBOX) : undefined;
    hit = { version: spec.version, transport, reconcile };
    byKey.set(spec.key, hit);
  }
  return hit;
}

/** Mail to our own people (reviewer notifications, sign-in links) leaves from MAIL_FROM, whatever the case. */
const INTERNAL_KINDS: ReadonlySet<string> = new Set(['notify', 'magic_link']);

export async function senderFor(ctx: AppContext, row: Pick<OutboundRow, 'consultation_id' | 'kind'> & { mailbox?: string | null }): Promise<Sender> {
  let key = INTERNAL_KINDS.has(row.kind) ? null : (row.mailbox ?? null);
  if (!key && row.consultation_id && !INTERNAL_KINDS.has(row.kind)) {
    key = await mailboxOfConsultation(ctx.db, row.consultation_id);
  }
  const spec = key ? (await mailboxDirectory(ctx, key)).get(key) : undefined;
  if (!spec || spec.version === 'env') return { from: ctx.config.MAIL_FROM, fromAddress: ctx.config.mailFromAddress, transport: ctx.transport };
  const parts = mailboxParts(ctx, spec);
  return { from: spec.from, fromAddress: spec.fromAddress, transport: parts.transport, reconcile: parts.reconcile };
}

/**
 * A Reply-To written for MAIL_FROM (consult+<token>@domain) rewritten for the mailbox the message
 * leaves from, so the customer's answer comes back to that mailbox. Pure.
 */
export function replyToFor(headers: Record<string, string>, defaultAddress: string, fromAddress: string): Record<string, string> {
  const current = headers['Reply-To'];
  if (!current || defaultAddress === fromAddress) return headers;
  const [local, domain] = defaultAddress.split('@');
  const at = current.lastIndexOf('@');
  const prefix = `${local.split('+')[0]}+`;
  if (at < 0 || current.slice(at + 1).toLowerCase() !== domain || !current.toLowerCase().startsWith(prefix)) return headers;
  return { ...headers, 'Reply-To': replyAddress(fromAddress, current.slice(prefix.length, at)) };
}
