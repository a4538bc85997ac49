// Code extraction: which tokens of a coding question are CPT, HCPCS or ICD-10-CM codes, with the
// modifiers attached to them. A token becomes a code only when the KB knows it or the words around it
// say it is one; everything that looks like an identifier, ZIP, phone or amount is left out.
import type { CodeInfo, CodeSystem, KnowledgeBase } from '../kb/types.ts';
import { blockedSpans, hasIdentifierPrefix, inSpans, isNonCodeWord, isZipContext, saysDiagnosisCode, saysProcedureCode } from './context.ts';
import { attachedModifiers, mentionedModifiers } from './modifiers.ts';

export type CodeOracle = Pick<KnowledgeBase, 'lookup' | 'modifier'>;

export interface ExtractedCode {
  system: CodeSystem;
  /** Normalized: upper case, ICD-10-CM with its dot. */
  code: string;
  known: boolean;
  billable: boolean | null;
  description: string | null;
  modifiers: string[];
  info: CodeInfo;
}

export interface Extraction {
  codes: ExtractedCode[];
  /** Every modifier the text names, attached or not, in order of first appearance. */
  modifiers: string[];
  /** Ranges written with a dash between two codes of one system (64490-64495): its ends are not a pair. */
  ranges: Array<[string, string]>;
}

// Letter-initial tokens (HCPCS, ICD-10-CM with or without dot) or 5-character CPT (incl. Cat II/III, PLA).
const TOKEN = /(?<![0-9A-Za-z./@$_])(?:([A-Za-z]\d[0-9A-Za-z](?:\.[0-9A-Za-z]{1,4}|[0-9A-Za-z]{1,4})?)|(\d{4}[0-9FfTtUuMm]))(?![0-9A-Za-z_@]|[.,]\d)/g;

// Upper-case tokens that are common non-code words in billing mail (X12 837, N95 mask).
const STOP_TOKENS = new Set(['X12', 'N95', 'B12', 'A1C', 'Q10', 'K95']);

const LIST_GAP = /^[\s,;:]*(?:(?:and|or|&|\/|\+|with|vs\.?|versus)[\s,]*)?$/i;

export function dotted(code: string): string {
  const c = code.toUpperCase().replace('.', '');
  return c.length > 3 ? `${c.slice(0, 3)}.${c.slice(3)}` : c;
}

// Only the last `max` characters are searched for the line break: a lastIndexOf over the whole text
// made every token of a text without line breaks rescan it (13.7 s on a 1 MB single line).
function lineBefore(text: string, start: number, max = 60): string {
  const window = text.slice(Math.max(0, start - max), start);
  return window.slice(window.lastIndexOf('\n') + 1);
}

/** Gaps longer than this between two tokens are never a list separator ("and", ", "...). */
const MAX_GAP = 40;
const isListGap = (gap: string) => gap.length <= MAX_GAP && LIST_GAP.test(gap);

interface Decision {
  system: CodeSystem;
  info: CodeInfo;
}

function classifyProcedure(raw: string, before: string, after: string, listed: boolean, kb: CodeOracle, dos?: string): Decision | null {
  if (isZipContext(before, after)) return null;
  const info = kb.lookup(raw.toUpperCase(), { dos });
  if (info.known && (info.system === 'CPT' || info.system === null)) return { system: 'CPT', info };
  if (info.known && info.system === 'HCPCS') return { system: 'HCPCS', info };
  const hasMods = /^\s?-\s?[0-9A-Za-z]{2}(?![0-9A-Za-z])/.test(after);
  if (hasMods || listed || saysProcedureCode(before)) return { system: 'CPT', info };
  return null;
}

function classifyLetter(raw: string, before: string, after: string, kb: CodeOracle, dos?: string): Decision | null {
  const up = raw.toUpperCase();
  const hasDot = up.includes('.');
  const isUpper = raw === up;
  if (/^[A-Z]\d{4}$/.test(up)) {
    const h = kb.lookup(up, { dos });
    if (h.known && h.system === 'HCPCS') return { system: 'HCPCS', info: h };
    const icd = kb.lookup(dotted(up), { dos });
    if (icd.known && icd.system === 'ICD-10-CM') return { system: 'ICD-10-CM', info: icd };
    if (/\bhcpcs\b[^.?!\n]{0,40}$/i.test(before) || /^\s?-\s?[0-9A-Za-z]{2}(?![0-9A-Za-z])/.test(after)) return { system: 'HCPCS', info: h };
    return null;
  }
  const code = dotted(up);
  if (up.length === 3) {
    if (isNonCodeWord(before)) return null;
    const dx = saysDiagnosisCode(before);
    if ((STOP_TOKENS.has(up) || !isUpper) && !dx) return null;
  }
  const info = kb.lookup(code, { dos });
  if (info.known && info.system === 'ICD-10-CM') return { system: 'ICD-10-CM', info };
  // A dotted upper-case code (R51.X) is clearly meant as a diagnosis: name it as unknown.
  if (hasDot && (isUpper || saysDiagnosisCode(before))) return { system: 'ICD-10-CM', info };
  return null;
}

export function extractCodes(text: string, kb: CodeOracle, opts: { dos?: string } = {}): Extraction {
  const spans = blockedSpans(text);
  const found = new Map<string, ExtractedCode>();
  let lastAccepted: { end: number; system: CodeSystem; code: string } | null = null;
  const ranges: Array<[string, string]> = [];
  let lastIdentifierEnd = -1;

  for (const m of text.matchAll(TOKEN)) {
    const raw = m[1] ?? m[2];
    const start = m.index!;
    const end = start + m[0].length;
    if (inSpans(spans, start, end)) continue;
    const before = lineBefore(text, start);
    const after = text.slice(end, end + 40);
    // at most MAX_GAP + 1 characters: a longer gap is never a list or range separator
    const gapFromAccepted = lastAccepted ? text.slice(lastAccepted.end, Math.min(start, lastAccepted.end + MAX_GAP + 1)) : null;
    const isRangeEnd = lastAccepted !== null && /^\s?-\s?$/.test(gapFromAccepted ?? '');

    if (lastIdentifierEnd >= 0 && isListGap(text.slice(lastIdentifierEnd, Math.min(start, lastIdentifierEnd + MAX_GAP + 1)))) {
      lastIdentifierEnd = end;
      continue;
    }
    if (hasIdentifierPrefix(before)) {
      lastIdentifierEnd = end;
      continue;
    }
    lastIdentifierEnd = -1;
    // Part of a longer number: ZIP+4, dotted or slashed identifiers, dashed account numbers.
    if (!isRangeEnd && /\d[-./]$/.test(before)) continue;
    if (/^-\d{3,}/.test(after) && !/^-\d{5}(?!\d)/.test(after)) continue;

    let decision: Decision | null;
    if (m[2]) {
      const listed = isRangeEnd || (lastAccepted !== null && lastAccepted.system !== 'ICD-10-CM' && isListGap(gapFromAccepted ?? 'x'));
      decision = classifyProcedure(raw, before, after, listed, kb, opts.dos);
    } else {
      decision = classifyLetter(raw, before, after, kb, opts.dos);
    }
    if (!decision) continue;

    const mods = decision.system === 'ICD-10-CM' ? { mods: [], length: 0 } : attachedModifiers(after, kb);
    const code = decision.system === 'ICD-10-CM' ? dotted(raw) : raw.toUpperCase();
    const prev = found.get(code);
    if (prev) {
      for (const x of mods.mods) if (!prev.modifiers.includes(x)) prev.modifiers.push(x);
    } else {
      const info = decision.info;
      found.set(code, {
        system: decision.system,
        code,
        known: info.known,
        billable: decision.system === 'ICD-10-CM' ? (info.known ? info.billable : null) : null,
        description: info.known ? info.description : null,
        modifiers: mods.mods,
        info,
      });
    }
    if (isRangeEnd && lastAccepted && lastAccepted.system === decision.system && lastAccepted.code < code) ranges.push([lastAccepted.code, code]);
    lastAccepted = { end: end + mods.length, system: decision.system, code };
  }

  const codes = [...found.values()];
  const modifiers: string[] = [];
  for (const c of codes) for (const x of c.modifiers) if (!modifiers.includes(x)) modifiers.push(x);
  for (const x of mentionedModifiers(text, kb)) if (!modifiers.includes(x)) modifiers.push(x);
  return { codes, modifiers, ranges };
}

/** Extraction over subject and body together; the subject counts as the first line. */
export function extractFromMessage(subject: string, text: string, kb: CodeOracle, opts: { dos?: string } = {}): Extraction {
  return extractCodes(`${subject}\n${text}`, kb, opts);
}
