// Helpers for the operations tests: feeding a Dovecot mailbox through outages, an SMTP sink that files
// what it accepts in Sent (as hosted providers do, and as reconciliation expects), and a log spy.
import type { ImapFlow } from 'imapflow';
import type { AppContext } from '../../src/context.ts';
import { imapClient, type Dovecot } from './dovecot.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

export const MAILBOX = 'consult@example.test';

export function question(i: number, tag = 'q', date = new Date()): string {
  const codes = [['20610', '99213'], ['29881', '29877'], ['J1885'], ['64483', '64484'], ['M80.08'], ['72292', '72291']][i % 6];
  return [
    // One sender per question: a guest sender's plan allows one consultation.
    `From: Coder ${i} <${tag}${i}@clinic${i % 7}.example>`,
    `To: ${MAILBOX}`,
    `Subject: ${tag} ${i} about ${codes.join(' and ')}`,
    `Message-ID: <${tag}-${i}@clinic.example>`,
    `Date: ${date.toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Can we bill ${codes.join(' with ')}? Thanks.`,
    '',
  ].join('\r\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One short IMAP session per call, retried while the server is away. */
export async function imapDo<T>(dovecot: Dovecot, fn: (c: ImapFlow) => Promise<T>, tries = 60, user = MAILBOX): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    const c = imapClient(dovecot, user);
    try {
      await c.connect();
      const out = await fn(c);
      await c.logout().catch(() => c.close());
      return out;
    } catch (err) {
      last = err;
      c.close();
      await sleep(250);
    }
  }
  throw new Error(`IMAP still failing after ${tries} tries: ${(last as Error)?.message}`);
}

export const appendWithRetry = (dovecot: Dovecot, raw: string | Buffer, mailbox = 'INBOX') =>
  imapDo(dovecot, (c) => c.append(mailbox, raw).then(() => undefined));

/** The SMTP server answers 250 only once the message is filed in Sent, retrying through a Dovecot restart. */
export function startFilingSink(dovecot: Dovecot): Promise<SmtpSink> {
  return startSmtpSink({ onMessage: (m) => appendWithRetry(dovecot, m.raw, 'Sent') });
}

export interface LogRecord {
  level: string;
  msg: string;
  obj: Record<string, unknown>;
}

/** Records what the app logs through ctx.log (whatever LOG_LEVEL says), still passing it on. */
export function spyLog(ctx: Pick<AppContext, 'log'>): LogRecord[] {
  const records: LogRecord[] = [];
  const orig = ctx.log;
  const spy = Object.create(orig) as typeof orig;
  for (const level of ['info', 'warn', 'error'] as const) {
    (spy as unknown as Record<string, unknown>)[level] = (obj: unknown, msg?: string) => {
      records.push(typeof obj === 'string' ? { level, msg: obj, obj: {} } : { level, msg: msg ?? '', obj: (obj ?? {}) as Record<string, unknown> });
      return (orig[level] as (o: unknown, m?: string) => void).call(orig, obj, msg);
    };
  }
  ctx.log = spy;
  return records;
}
