// The one way an error goes into a log line or a stored error column: its name, code (ours, Node's or
// the SMTP server's), message and cause chain, with mail addresses blanked out. An SMTP refusal quotes
// the recipient ("550 5.1.1 <coder@clinic.example>: user unknown"); pino's redaction only knows field
// names, so the address would otherwise reach the log.
import { AppError } from './errors.ts';

export interface ErrorFields {
  name: string;
  message: string;
  code?: string;
  /** SMTP reply code and command, when an SMTP server refused. */
  responseCode?: number;
  command?: string;
  stack?: string;
  cause?: ErrorFields;
}

const MAX_MESSAGE = 500;
const MAX_CAUSES = 4;

/**
 * Every whitespace-separated word holding an '@' becomes [address]. One pass over a bounded prefix:
 * linear, whatever the server put in its reply.
 */
export function redactAddresses(text: string): string {
  const s = text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
  return s
    .split(/(\s+)/)
    .map((w) => (w.includes('@') ? '[address]' : w))
    .join('');
}

function fieldsOf(err: unknown, depth: number, withStack: boolean): ErrorFields {
  if (!(err instanceof Error)) return { name: 'NonError', message: redactAddresses(String(err)) };
  const e = err as Error & { code?: unknown; responseCode?: unknown; command?: unknown };
  const out: ErrorFields = { name: e.name, message: redactAddresses(e.message ?? '') };
  if (err instanceof AppError || typeof e.code === 'string') out.code = String(e.code);
  if (typeof e.responseCode === 'number') out.responseCode = e.responseCode;
  if (typeof e.command === 'string') out.command = e.command;
  if (withStack && e.stack) out.stack = redactAddresses(e.stack.split('\n').slice(0, 12).join('\n'));
  if (e.cause !== undefined && depth < MAX_CAUSES) out.cause = fieldsOf(e.cause, depth + 1, false);
  return out;
}

/** For a log line: `ctx.log.warn({ err: errorFields(err) }, '...')`. The stack only when asked. */
export function errorFields(err: unknown, opts: { stack?: boolean } = {}): ErrorFields {
  return fieldsOf(err, 0, opts.stack ?? false);
}

/** For a stored error column (outbox last_error, quarantine reason): one line, addresses blanked. */
export function errorText(err: unknown, max = 300): string {
  const f = errorFields(err);
  const parts = [`${f.code ? `${f.code} ` : ''}${f.name}: ${f.message}`];
  for (let c = f.cause; c; c = c.cause) parts.push(`caused by ${c.code ? `${c.code} ` : ''}${c.name}: ${c.message}`);
  return parts.join('; ').slice(0, max);
}
