// Pure helpers for the headers that keep a reply in its thread.
import { randomBytes } from '../random-pool.ts';

const PREFIX = /^\s*((re|fw|fwd|aw|wg|sv|vs|antw|r|rif|tr)\s*(\[\d+\])?\s*:\s*)+/i;
const TAG = /\s*\[CC-\d{6,}\]\s*/g;

/** `Re: [CC-000123] <original subject>` without piling up Re: or tags; no tag when there is no ticket. */
export function replySubject(ticket: string | null, original: string): string {
  let s = original.replace(TAG, ' ');
  s = s.replace(PREFIX, '').replace(/\s+/g, ' ').trim();
  return `Re: ${ticket ? `[${ticket}] ` : ''}${s || '(no subject)'}`;
}

/** References = the parent's References, then the parent's Message-ID; duplicates dropped, order kept. */
export function replyReferences(parentReferences: string[], parentMessageId: string | null): string[] {
  const out: string[] = [];
  for (const id of [...parentReferences, ...(parentMessageId ? [parentMessageId] : [])]) {
    const norm = angle(id);
    if (norm && !out.includes(norm)) out.push(norm);
  }
  return out;
}

export function angle(id: string): string {
  const t = id.trim();
  if (!t) return '';
  return t.startsWith('<') ? t : `<${t}>`;
}

/** Our Message-IDs: unique, and recognisable by domain so our own mail coming back is seen as a loop. */
export function newMessageId(domain: string, kind: string): string {
  return `<cc.${kind}.${Date.now().toString(36)}.${randomBytes(8).toString('hex')}@${domain}>`;
}

/** The per-consultation reply address: consult+TOKEN@domain. */
export function replyAddress(mailFrom: string, token: string): string {
  const [local, domain] = mailFrom.split('@');
  return `${local.split('+')[0]}+${token}@${domain}`;
}
