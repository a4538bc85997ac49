// Raw RFC 5322 bytes -> InboundMessage. Hostile input is the norm here (corpus: 196 malformed,
// mislabelled and oversized messages), so every field degrades to "unknown" rather than throwing.
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import { AppError, ErrorCodes } from '../errors.ts';
import { ANALYSED_SUBJECT_MAX, boundText } from './bound.ts';
import { decodeText, RepairingIconv } from './charset.ts';
import { htmlToPlainText } from './html.ts';
import { displayNameCarriesPhi, maskMessageId } from './phi.ts';
import { CONTROL, cleanHeaderText, normalizeMessageId, parseMessageIdList } from './headers.ts';
import type { Address, InboundAttachment, InboundMessage } from './types.ts';

export interface ParseOptions {
  /** Bytes beyond this are not parsed (the message is still returned, truncated). Default 10 MB. */
  maxBytes?: number;
  /** Reference time for rejecting future dates; tests pass a fixed one. */
  now?: Date;
  /** Cap on the decoded text kept per text/* or message/* attachment. Default 64 KB. */
  maxAttachmentText?: number;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_ATTACHMENT_TEXT = 64 * 1024;
const MAX_HEADER_VALUE = 16 * 1024;
const MAX_HEADER_LINES = 1000;
const MAX_FROM_LINE = 4096;
const FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

// Local part without quotes or spaces and a dotted domain: stricter than RFC 5322 on purpose, since
// quoted or spaced local parts in From are spoofing artefacts (Zammad #2198/#2254), not real senders.
const ADDRESS_RE =
  /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

export function isValidAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS_RE.test(address);
}

/** Why a message could not be parsed: a short code for the quarantine list, and the parser's words. */
export class UnparseableMessage extends AppError {
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.MESSAGE_UNPARSEABLE, message, options);
    this.reason = reason;
  }
}

// mailsplit's limits (EMAXLEN), in the words an admin reads in the quarantine list
const PARSER_LIMITS: Array<[RegExp, string, string]> = [
  [/child nodes exceeded/i, 'too-many-mime-parts', 'too many MIME parts (mailsplit allows 1000)'],
  [/header size .*exceeded/i, 'header-too-large', 'header too large (mailsplit allows 1 MB per MIME part)'],
];

function parserFailure(err: unknown): UnparseableMessage {
  const text = err instanceof Error ? err.message : String(err);
  for (const [re, reason, words] of PARSER_LIMITS) if (re.test(text)) return new UnparseableMessage(reason, words, { cause: err });
  return new UnparseableMessage('parser-error', `mail parser failed: ${text.slice(0, 200)}`, { cause: err });
}

/** Parses one raw message. Throws UnparseableMessage (MESSAGE_UNPARSEABLE) only when nothing can be read. */
export async function parseRawEmail(raw: Buffer, opts: ParseOptions = {}): Promise<InboundMessage> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const now = opts.now ?? new Date();
  const attachmentCap = opts.maxAttachmentText ?? DEFAULT_ATTACHMENT_TEXT;
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    throw new UnparseableMessage('empty', 'empty message');
  }
  const input = normalizeLineEnds(raw.length > maxBytes ? raw.subarray(0, maxBytes) : raw);

  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(input, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
      keepDeliveryStatus: true,
      checksumAlgo: false,
      Iconv: RepairingIconv as never,
    } as Parameters<typeof simpleParser>[1]);
  } catch (err) {
    throw parserFailure(err);
  }

  const headers = collectHeaders(parsed);
  if (Object.keys(headers).length === 0 && !parsed.text && !parsed.html) {
    throw new UnparseableMessage('no-headers-no-body', 'no headers and no body');
  }

  const html = typeof parsed.html === 'string' && parsed.html.length > 0 ? parsed.html : null;
  let text = typeof parsed.text === 'string' ? parsed.text : '';
  let textFromHtml = false;
  if (!text.trim() && html) {
    text = htmlToPlainText(html);
    textFromHtml = true;
  }

  return {
    // Message-IDs and the sender's display name can carry patient identifiers (issue #14): masked here,
    // once, so every stage, the database and the acknowledgement see the masked form
    messageId: maskedId(normalizeMessageId(firstHeader(headers, 'message-id'))),
    inReplyTo: maskedId(parseMessageIdList(firstHeader(headers, 'in-reply-to') ?? '')[0] ?? null),
    references: parseMessageIdList((headers.references ?? []).join(' ')).map(maskMessageId),
    // a subject is a line (RFC 5322: 998 characters); a 900 KB one is cut, not analysed whole
    subject: boundText(cleanHeaderText(parsed.subject ?? ''), ANALYSED_SUBJECT_MAX),
    from: fromHeaderWellFormed(parsed) ? singleSender(parsed.from) : null,
    replyTo: addressList(parsed.replyTo),
    to: addressList(parsed.to),
    cc: addressList(parsed.cc),
    date: saneDate(firstHeader(headers, 'date'), now),
    headers,
    text: stripControl(text),
    html,
    textFromHtml,
    attachments: (parsed.attachments ?? []).map((a) => toAttachment(a, attachmentCap)),
    rawSize: raw.length,
    contentType: contentTypeOf(headers),
  };
}

// Old Mac mail uses bare CR; mailparser only splits on LF, so the whole message would be one header.
function normalizeLineEnds(input: Buffer): Buffer {
  // a byte-order mark before the first header hides that header from the parser
  const buf = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? input.subarray(3) : input;
  const head = buf.subarray(0, 65536);
  if (head.includes(0x0a) || !head.includes(0x0d)) return buf;
  return Buffer.from(buf.toString('latin1').replace(/\r/g, '\r\n'), 'latin1');
}

function firstHeader(headers: Record<string, string[]>, name: string): string | null {
  return headers[name]?.[0] ?? null;
}

// Header values come from the raw lines, not mailparser's typed Map, so classify sees exactly what
// was sent (e.g. Return-Path "<>", which mailparser turns into an empty address object).
function collectHeaders(parsed: ParsedMail): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  const lines = parsed.headerLines ?? [];
  for (const { key, line } of lines.slice(0, MAX_HEADER_LINES)) {
    const name = String(key).toLowerCase().trim();
    if (!name || name.length > 100) continue;
    const colon = line.indexOf(':');
    const rawValue = colon >= 0 ? line.slice(colon + 1) : '';
    const value = cleanHeaderText(decodeHeaderValue(rawValue.slice(0, MAX_HEADER_VALUE)));
    (out[name] ??= []).push(value);
  }
  return out;
}

// mailsplit hands header lines over as binary strings; raw UTF-8 (RFC 6532) must be re-read as such.
function decodeHeaderValue(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value)) return decodeEncodedWords(value);
  return decodeEncodedWords(decodeText(Buffer.from(value, 'latin1'), null));
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

function decodeEncodedWords(value: string): string {
  // adjacent encoded words are joined without the whitespace between them (RFC 2047 §6.2)
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(ENCODED_WORD, (_m, charset: string, enc: string, data: string) => {
    try {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(
              data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return decodeText(bytes, charset.split('*')[0]);
    } catch {
      return '';
    }
  });
}

function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

function flatten(obj: AddressObject | AddressObject[] | undefined): { address?: string; name?: string; group?: unknown[] }[] {
  if (!obj) return [];
  const objs = Array.isArray(obj) ? obj : [obj];
  const out: { address?: string; name?: string }[] = [];
  for (const o of objs) {
    for (const v of o?.value ?? []) {
      const group = (v as { group?: { address?: string; name?: string }[] }).group;
      if (Array.isArray(group)) out.push(...group);
      else out.push(v);
    }
  }
  return out;
}

function toAddress(v: { address?: string; name?: string }): Address | null {
  const address = (v.address ?? '').trim();
  if (!isValidAddress(address)) return null;
  return { address: address.toLowerCase(), name: cleanHeaderText(v.name ?? '') };
}

const maskedId = (id: string | null) => (id ? maskMessageId(id) : null);

// Exactly one valid mailbox, or nobody: a guessed sender would let junk open consultations.
function singleSender(from: AddressObject | undefined): Address | null {
  const all = flatten(from);
  if (all.length !== 1) return null;
  const sender = toAddress(all[0]);
  // a display name carrying a patient identifier is dropped, never stored or used in a greeting
  if (sender && displayNameCarriesPhi(sender.name)) sender.name = '';
  return sender;
}

// mailparser salvages an address from a malformed From ("Foo [X] <a@b>", "<power system@x.com>");
// RFC 5322 specials in an unquoted display name or a spaced angle-addr mean the header is junk.
function fromHeaderWellFormed(parsed: ParsedMail): boolean {
  const lines = (parsed.headerLines ?? []).filter((h) => String(h.key).toLowerCase() === 'from');
  if (lines.length !== 1) return false;
  const line = lines[0].line;
  // the quoted-string and comment patterns below retry from every quote of an unclosed run: a From
  // line longer than any real one is junk, and is not scanned
  if (line.length > MAX_FROM_LINE) return false;
  let value = decodeText(Buffer.from(line.slice(line.indexOf(':') + 1), 'latin1'), null)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
  value = value.replace(/=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/g, 'x');
  const withoutQuoted = value
    .replace(/"(?:[^"\\]|\\.)*"/g, 'q')
    .replace(/\((?:[^()\\]|\\.)*\)/g, ' ')
    .trim();
  const angle = /^(.*)<([^<>]*)>\s*$/s.exec(withoutQuoted);
  if (angle) {
    // '@' alone is tolerated: "a@b.it <a@b.it>" is a common client habit, not an ambiguity
    if (/[[\]<>:;\\",]/.test(angle[1])) return false;
    return isValidAddress(angle[2].trim());
  }
  return isValidAddress(withoutQuoted);
}

function addressList(obj: AddressObject | AddressObject[] | undefined): Address[] {
  const out: Address[] = [];
  for (const v of flatten(obj)) {
    const a = toAddress(v);
    if (a) out.push(a);
  }
  return out;
}

function saneDate(value: string | null, now: Date): Date | null {
  if (!value) return null;
  // comments such as "(PST)" defeat Date.parse; strip them
  const t = Date.parse(value.replace(/\([^()]*\)/g, ' ').trim());
  if (!Number.isFinite(t)) return null;
  if (t > now.getTime() + FUTURE_SKEW_MS) return null;
  return new Date(t);
}

function contentTypeOf(headers: Record<string, string[]>): string {
  const ct = firstHeader(headers, 'content-type');
  if (!ct) return 'text/plain';
  const type = ct.split(';')[0].trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : 'text/plain';
}

function toAttachment(a: Attachment, cap: number): InboundAttachment {
  const contentType = (a.contentType || 'application/octet-stream').toLowerCase();
  const content: Buffer = Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0);
  let text: string | null = null;
  if (/^(text|message)\//.test(contentType)) {
    const charset = (a as { headers?: Map<string, unknown> }).headers?.get('content-type') as { params?: Record<string, string> } | undefined;
    text = stripControl(decodeText(content.subarray(0, cap), charset?.params?.charset ?? null));
    // nothing reads an HTML attachment's text (bounces read message/* parts): left as markup, so a
    // thousand HTML parts cost no conversion
  }
  return {
    filename: a.filename ? cleanHeaderText(a.filename) : null,
    contentType,
    size: a.size ?? content.length,
    text,
  };
}
