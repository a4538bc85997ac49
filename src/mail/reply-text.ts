// Only the new text of a reply reaches the drafter: quoted history can hold earlier answers and other
// patients' identifiers. Forwarded content is the opposite case: the coder forwards it *as* the
// question, so it stays. Line rules, not a model, so every cut can be explained and tested.
import { ANALYSED_TEXT_MAX, boundText } from './bound.ts';
import { HTML_READ_MAX, htmlToPlainText } from './html.ts';
import type { InboundMessage } from './types.ts';

const WROTE = /(wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev|kirjoitti|napisał|написал|написала|napsal)\s*:\s*$/i;
// German and Dutch clients put the sender after the verb: "Am ... schrieb Name <a@b>:"
const WROTE_INSIDE = /\b(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev|napisał|написал)\b.*:\s*$/i;
const WROTE_START = /^\s*(-{2,}\s*)?(on|le|am|el|il|op|em|den|w dniu|\d{1,4}[./-]\d{1,2}[./-]\d{1,4})\b/i;
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht)\s*-{2,}\s*$/i;
const HEADER_FROM = /^\s*\*?(from|von|de|van|da|från)\s*:\*?\s+\S/i;
const HEADER_SENT = /^\s*\*?(sent|date|gesendet|datum|envoyé|enviado|verzonden|inviato|data|skickat)\s*:\*?\s/i;
const FORWARD_MARKER =
  /^\s*(-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht)\s*-{2,}|begin forwarded message\s*:?)\s*$/i;
const FORWARD_SUBJECT = /^\s*(fwd?|fw|wg|tr|rv|i)\s*:/i;
const SIGNATURE_DELIM = /^--\s?$/;
const MOBILE_SIGNATURE =
  /^\s*(sent from my \S.*|sent from (mail|outlook|yahoo mail|aol|samsung).*|get outlook for \S+.*|sent with \S+.*|sent via \S+.*|von meinem \S+.*gesendet|envoyé de mon \S.*|enviado desde mi \S.*|verzonden vanaf mijn \S.*|inviato da \S.*)$/i;

const HTML_QUOTE_SELECTORS = ['.gmail_quote', '.gmail_signature', 'blockquote[type="cite"]', '.yahoo_quoted', '.moz-cite-prefix'];

function sourceText(msg: InboundMessage): string {
  // Gmail and Apple Mail mark quotes in HTML; when the text came from that HTML, drop them there,
  // where they are unambiguous. A forward also sits in gmail_quote, so then the HTML stays whole.
  if (msg.textFromHtml && msg.html && !/forwarded message|begin forwarded/i.test(msg.html)) {
    return htmlToPlainText(msg.html, HTML_QUOTE_SELECTORS);
  }
  return msg.text;
}

/** The new text the sender wrote, without quoted history or signature; of its first 32 KB (bound.ts). */
export function extractNewText(msg: InboundMessage): string {
  return extractNewTextFrom(boundText(sourceText(msg)), msg.subject);
}

/** True when the message's text is longer than analysis reads (the reviewer is told). */
export function isCutForAnalysis(msg: InboundMessage): boolean {
  return msg.text.length > ANALYSED_TEXT_MAX || (!!msg.textFromHtml && (msg.html?.length ?? 0) > HTML_READ_MAX);
}

/** Same as extractNewText for a plain body; `subject` tells a forward ("Fwd:") from a reply. */
export function extractNewTextFrom(text: string, subject = ''): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let forwardAt = lines.findIndex((l) => FORWARD_MARKER.test(l));
  if (forwardAt < 0 && FORWARD_SUBJECT.test(subject)) {
    // Outlook forwards have no marker, only a header block: that block starts the forwarded part
    forwardAt = lines.findIndex((l, i) => ORIGINAL_MESSAGE.test(l) || isHeaderBlock(lines, i));
  }
  const head = forwardAt >= 0 ? lines.slice(0, forwardAt) : lines;
  const tail = forwardAt >= 0 ? lines.slice(forwardAt) : [];
  const kept = stripReply(head);
  const parts = [tidy(kept.join('\n')), tidy(tail.join('\n'))].filter((p) => p.length > 0);
  return parts.join('\n\n');
}

function isHeaderBlock(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i])) return false;
  for (let k = i + 1; k <= i + 4 && k < lines.length; k++) if (HEADER_SENT.test(lines[k])) return true;
  return false;
}

/** Index range [start, end] of an "On <date>, <contact> wrote:" header ending at line `end`, if any. */
function wroteHeaderStart(lines: string[], end: number): number | null {
  if (lines[end].length > 400) return null;
  const endsWithVerb = WROTE.test(lines[end]);
  // clients wrap this header over up to three lines; find where it starts
  for (let start = Math.max(0, end - 2); start <= end; start++) {
    const window = lines.slice(start, end + 1);
    // WROTE_INSIDE backtracks from each verb to each colon: only header-sized lines are tried
    if (window.some((l) => !l.trim() || l.length > 400)) continue;
    if (!WROTE_START.test(lines[start])) continue;
    if (endsWithVerb || WROTE_INSIDE.test(window.join(' '))) return start;
  }
  // "Name <a@b.example> wrote:" with no date prefix; plain prose ending in "wrote:" is not a header
  return endsWithVerb && /@|\d{1,2}:\d{2}/.test(lines[end]) && lines[end].trim().length < 200 ? end : null;
}

function stripReply(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (ORIGINAL_MESSAGE.test(line) || isHeaderBlock(lines, i)) break;
    if (SIGNATURE_DELIM.test(line) || MOBILE_SIGNATURE.test(line)) break;
    // a wrapped "On ... wrote:" header: look ahead for its last line
    let headerEnd = -1;
    for (let k = i; k <= i + 2 && k < lines.length; k++) {
      if (/:\s*$/.test(lines[k]) && wroteHeaderStart(lines, k) === i) {
        headerEnd = k;
        break;
      }
    }
    if (headerEnd >= 0) {
      let next = headerEnd + 1;
      while (next < lines.length && !lines[next].trim()) next++;
      // without ">" markers (Yahoo, Outlook web) everything after the header is the quote
      if (next >= lines.length || !lines[next].trimStart().startsWith('>')) break;
      i = headerEnd;
      continue;
    }
    if (line.trimStart().startsWith('>')) continue;
    out.push(line);
  }
  return out;
}

// By hand: /[ \t]+$/ retries from every blank of a long run that does not end the line (quadratic).
function trimEndBlanks(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0xa0) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map(trimEndBlanks)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
