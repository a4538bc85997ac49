// Delivery reports -> per-recipient outcomes and the handles that correlate them with what we sent
// (VERP token, enclosed Message-ID). Never by From or Subject: those are the reporting MTA's.
import { addressesIn, normalizeMessageId } from './headers.ts';
import type { BounceInfo, BounceRecipient, InboundMessage } from './types.ts';

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ENCLOSED_TYPES = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global-headers']);

/** The report-type parameter of a multipart/report root, lower-cased, or null. */
export function reportType(msg: InboundMessage): string | null {
  if (msg.contentType !== 'multipart/report') return null;
  const ct = msg.headers['content-type']?.[0] ?? '';
  const m = /report-type\s*=\s*"?([a-z0-9._-]+)"?/i.exec(ct);
  return m ? m[1].toLowerCase() : null;
}

export function hasDeliveryStatusPart(msg: InboundMessage): boolean {
  return reportType(msg) === 'delivery-status' || DSN_TYPES.has(msg.contentType) || msg.attachments.some((a) => DSN_TYPES.has(a.contentType));
}

function unfold(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split('\n');
}

function mapAction(value: string): BounceRecipient['action'] {
  const v = value
    .trim()
    .toLowerCase()
    .split(/[\s(;]/)[0];
  // "deliverable" is what address verification (sendmail -bv, Postfix verify) reports
  if (v === 'deliverable') return 'delivered';
  if (v === 'failed' || v === 'delayed' || v === 'delivered' || v === 'relayed' || v === 'expanded') return v;
  return 'unknown';
}

function recipientAddress(value: string): string | null {
  // "rfc822; user@example.com", sometimes with angle brackets or a trailing comment
  const v = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  return addressesIn(v)[0] ?? null;
}

function statusCode(value: string): string | null {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(value)?.[1] ?? null;
}

/**
 * RFC 3464 per-recipient fields. Groups are separated by blank lines, but real reports omit them
 * (MimeKit fixtures), so a field repeating inside a group also starts a new recipient.
 */
export function parseDeliveryStatus(text: string): BounceRecipient[] {
  const out: BounceRecipient[] = [];
  const groups = text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/);
  for (const group of groups) {
    let seen = new Set<string>();
    let cur: BounceRecipient & { isRecipient: boolean } = fresh();
    const flush = () => {
      if (cur.isRecipient) out.push({ address: cur.address, action: cur.action, status: cur.status, diagnostic: cur.diagnostic });
      cur = fresh();
      seen = new Set();
    };
    for (const line of unfold(group)) {
      const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line.trim());
      if (!m) continue;
      const name = m[1].toLowerCase();
      const value = m[2].trim();
      if (!RECIPIENT_FIELDS.has(name)) continue;
      if (seen.has(name)) flush();
      seen.add(name);
      if (name === 'original-recipient') {
        cur.isRecipient = true;
        cur.address ??= recipientAddress(value);
      } else if (name === 'final-recipient') {
        cur.isRecipient = true;
        // the final recipient is where delivery was attempted; it wins over the original
        cur.address = recipientAddress(value) ?? cur.address;
      } else if (name === 'action') {
        cur.isRecipient = true;
        cur.action = mapAction(value);
      } else if (name === 'status') {
        cur.isRecipient = true;
        cur.status = statusCode(value);
      } else if (name === 'diagnostic-code') {
        cur.diagnostic = value.slice(0, 500);
      }
    }
    flush();
  }
  return out;
}

const RECIPIENT_FIELDS = new Set(['original-recipient', 'final-recipient', 'action', 'status', 'diagnostic-code']);

function fresh(): BounceRecipient & { isRecipient: boolean } {
  return { address: null, action: 'unknown', status: null, diagnostic: null, isRecipient: false };
}

/** Recipients of a bounce without a DSN part (qmail, Exim, Gmail and friends write prose). */
export function parsePlainTextBounce(text: string): BounceRecipient[] {
  const body = text.slice(0, 20000);
  const cut = body.search(/^(-{2,}.*(copy of the message|original message|undelivered message|message headers).*|Return-Path:.*)$/im);
  const report = cut > 0 ? body.slice(0, cut) : body;
  const found = new Map<string, BounceRecipient>();
  const lines = report.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    // qmail "<addr>:", Exim/Gmail an indented bare address on its own line
    const m = /^<?([^\s<>@]+@[^\s<>@:]+?)>?:?$/.exec(line);
    if (!m) continue;
    const address = m[1].toLowerCase();
    if (found.has(address)) continue;
    const context = lines.slice(i, i + 6).join(' ');
    found.set(address, {
      address,
      action: 'failed',
      status: statusCode(context),
      diagnostic:
        lines
          .slice(i + 1, i + 4)
          .join(' ')
          .trim()
          .slice(0, 500) || null,
    });
  }
  if (found.size === 0) {
    const status = statusCode(report);
    return status ? [{ address: null, action: 'failed', status, diagnostic: null }] : [];
  }
  return [...found.values()];
}

const DELAY_WORDING =
  /\b(delay(ed)?|will (continue to )?(be )?retr(y|ied)|still being retried|could not send message for past|not yet been delivered|warning:)/i;
const FINAL_WORDING = /\b(failed permanently|permanent (error|failure)|giving up|given up|returning message|returned mail|undeliverable|undelivered)/i;

export function bounceOutcome(recipients: BounceRecipient[], subject: string, text: string): BounceInfo['outcome'] {
  if (recipients.some((r) => r.action === 'failed')) {
    return 'failed';
  }
  if (recipients.some((r) => r.action === 'delayed')) return 'delayed';
  if (recipients.length > 0 && recipients.every((r) => ['delivered', 'relayed', 'expanded'].includes(r.action))) {
    return 'delivered';
  }
  const statuses = recipients.map((r) => r.status).filter((s): s is string => !!s);
  if (statuses.some((s) => s.startsWith('5'))) return 'failed';
  if (statuses.length > 0 && statuses.every((s) => s.startsWith('2'))) return 'delivered';
  if (DELAY_WORDING.test(subject) && !FINAL_WORDING.test(subject)) return 'delayed';
  if (statuses.some((s) => s.startsWith('4')) && DELAY_WORDING.test(text.slice(0, 2000))) return 'delayed';
  return 'failed';
}

function headerSection(text: string): string {
  const normalized = text.replace(/\r\n?/g, '\n');
  const end = normalized.search(/\n\s*\n/);
  return end >= 0 ? normalized.slice(0, end) : normalized;
}

/** Message-ID of the message that bounced: from the enclosed copy, else from the report's prose. */
export function enclosedMessageId(msg: InboundMessage): string | null {
  for (const a of msg.attachments) {
    if (!ENCLOSED_TYPES.has(a.contentType) || !a.text) continue;
    const id = messageIdField(headerSection(a.text));
    if (id) return id;
  }
  return messageIdField(msg.text);
}

function messageIdField(text: string): string | null {
  for (const line of unfold(text.slice(0, 200000))) {
    const m = /^\s*Message-ID\s*:\s*(.+)$/i.exec(line);
    if (m) {
      const id = normalizeMessageId(m[1]);
      if (id) return id;
    }
  }
  return null;
}

const VERP_RE = /^(?:[^@\s+]+\+verp-|bounces\+)([A-Za-z0-9_.=-]{1,200})@[^@\s]+$/i;

/** Token of a VERP address (`local+verp-TOKEN@domain` or `bounces+TOKEN@domain`) we sent from. */
export function verpTokenFromAddress(address: string): string | null {
  return VERP_RE.exec(address.trim())?.[1] ?? null;
}

export function verpToken(msg: InboundMessage): string | null {
  const candidates: string[] = [];
  for (const name of ['delivered-to', 'x-original-to', 'to', 'return-path', 'envelope-to']) {
    for (const v of msg.headers[name] ?? []) candidates.push(...addressesIn(v));
  }
  candidates.push(...msg.to.map((a) => a.address));
  for (const c of candidates) {
    const t = verpTokenFromAddress(c);
    if (t) return t;
  }
  return null;
}

export type SesNotificationType = 'Bounce' | 'Complaint' | 'Delivery';

export interface SesNotification {
  type: SesNotificationType;
  recipients: BounceRecipient[];
  originalMessageId: string | null;
}

// The notification is JSON out of a mail body anyone can send: each field is read for the shape it
// should have, and anything else counts as absent.
type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Amazon SES notifications delivered by e-mail (SNS): a JSON body instead of a DSN. */
export function sesNotification(msg: InboundMessage): SesNotification | null {
  const text = msg.text.trim();
  const start = text.indexOf('{"notificationType"');
  if (start < 0 || start > 200) return null;
  let depth = 0;
  let end = -1;
  let inString = false;
  for (let i = start; i < text.length && i < start + 200000; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) return null;
  const json = text.slice(start, end);
  let data: Json;
  try {
    data = asObject(JSON.parse(json));
  } catch {
    try {
      // SNS wraps long lines with a newline and one space, inside strings too
      data = asObject(JSON.parse(json.replace(/\r?\n /g, '').replace(/\r?\n/g, '')));
    } catch {
      return null;
    }
  }
  const type = data.notificationType;
  if (type !== 'Bounce' && type !== 'Complaint' && type !== 'Delivery') return null;
  const headers = asList(asObject(data.mail).headers).map(asObject);
  const midHeader = headers.find((h) => String(h.name).toLowerCase() === 'message-id');
  const originalMessageId = normalizeMessageId(asString(midHeader?.value));
  let recipients: BounceRecipient[] = [];
  if (type === 'Bounce') {
    const bounce = asObject(data.bounce);
    const permanent = bounce.bounceType === 'Permanent';
    recipients = asList(bounce.bouncedRecipients)
      .map(asObject)
      .map((r): BounceRecipient => {
        const status = asString(r.status);
        return {
          address: asString(r.emailAddress)?.toLowerCase() ?? null,
          action: permanent ? 'failed' : 'delayed',
          status: status === null ? null : statusCode(status),
          diagnostic: asString(r.diagnosticCode)?.slice(0, 500) ?? null,
        };
      });
  } else if (type === 'Delivery') {
    const delivery = asObject(data.delivery);
    recipients = asList(delivery.recipients).map(
      (a): BounceRecipient => ({
        address: asString(a)?.toLowerCase() ?? null,
        action: 'delivered',
        status: statusCode(String(delivery.smtpResponse ?? '')),
        diagnostic: null,
      }),
    );
  } else {
    const complaint = asObject(data.complaint);
    recipients = asList(complaint.complainedRecipients)
      .map(asObject)
      .map(
        (r): BounceRecipient => ({
          address: asString(r.emailAddress)?.toLowerCase() ?? null,
          action: 'unknown',
          status: null,
          diagnostic: asString(complaint.complaintFeedbackType),
        }),
      );
  }
  return { type, recipients, originalMessageId };
}

/** Everything a bounce tells us. Call only for messages classify has judged to be bounces. */
export function parseBounce(msg: InboundMessage): BounceInfo {
  const ses = sesNotification(msg);
  let recipients: BounceRecipient[] = [];
  if (ses) {
    recipients = ses.recipients;
  } else {
    for (const a of msg.attachments) {
      if (DSN_TYPES.has(a.contentType) && a.text) recipients.push(...parseDeliveryStatus(a.text));
    }
    // some reports inline the DSN fields in the text (broken MIME, or a part mailparser merged)
    if (recipients.length === 0 && /^\s*Action\s*:/im.test(msg.text)) recipients = parseDeliveryStatus(msg.text);
    if (recipients.length === 0 || recipients.every((r) => !r.address)) {
      const prose = parsePlainTextBounce(msg.text);
      if (prose.some((r) => r.address)) recipients = prose;
    }
  }
  return {
    outcome: bounceOutcome(recipients, msg.subject, msg.text),
    recipients,
    originalMessageId: ses?.originalMessageId ?? enclosedMessageId(msg),
    verpToken: verpToken(msg),
  };
}
