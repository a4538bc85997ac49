// Safe Harbor identifiers (45 CFR 164.514(b)(2)) in coding questions, found by pattern and context.
// The coding content must survive: CPT/HCPCS/ICD-10/NDC codes, modifiers, money, units, years and a
// bare date of service are what the question is about, so no detector matches them on their own.
// Person-tied dates need a cue ("DOB", "born"...). Names are found after a cue word in any case, or,
// without one, as a frequent given name and surname from the Census/SSA lists (phi-names.ts): a
// single capitalised word alone is as likely a drug, a payer or a place, and flagging those would
// blind the drafter. A name after "Dr." is masked too: a provider's name beside a date of service
// narrows the patient down, and the drafter never needs it.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { findNames } from './phi-names.ts';
import type { PhiKind, PhiResult, PhiSpan } from './types.ts';

interface Detector {
  kind: PhiKind | ((match: RegExpExecArray, text: string) => PhiKind);
  re: RegExp;
  /** Which capture group is the identifier (0 = the whole match). */
  group?: number;
  accept?: (value: string, match: RegExpExecArray, text: string) => boolean;
}

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DATE = `(?:\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})|\\d{4}-\\d{1,2}-\\d{1,2}|${MONTH}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}\\s+${MONTH}\\.?,?\\s+\\d{4})`;

// Words that follow "patient"/"Pt" or a title but are not names.
const NOT_A_NAME = new Set(
  (
    'a an the is was has had have with without in on at for of to and or but who which that this his her he she it its ' +
    'medicare medicaid tricare aetna cigna humana anthem united unitedhealthcare bcbs blue cross shield kaiser ' +
    'cpt icd hcpcs dos dob mrn ndc er ed icu or pacu ' +
    'presented presents came comes seen returned returns underwent received receives needs needed required requires ' +
    'status visit encounter record records chart account name id number admitted discharged born age aged ' +
    'new established male female inpatient outpatient observation follow january february march april may june july ' +
    'august september october november december monday tuesday wednesday thursday friday saturday sunday'
  ).split(' '),
);

// Smith, O'Brien, McDonald, Garcia-Lopez
const NAME_WORD = "(?:[A-Z][a-z]?['’]?)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?";
const INITIAL = '[A-Z](?:\\.|(?![A-Za-z]))';

function nameAccept(value: string): boolean {
  const words = value.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) return false;
  return !NOT_A_NAME.has(words[0].toLowerCase().replace(/\.$/, ''));
}

// Trim trailing words that are not part of the name ("John Smith Was" -> "John Smith").
function trimName(value: string): string {
  const words = value.split(/\s+/);
  let end = words.length;
  while (end > 1 && NOT_A_NAME.has(words[end - 1].toLowerCase())) end--;
  return words.slice(0, end).join(' ');
}

const PERSON_CUE = /\b(patient|pt|he|she|his|her|mr|mrs|ms|member|beneficiary)\b/i;

const DETECTORS: Detector[] = [
  // the lookbehind starts a local part only where its run starts: without it, a run of "a.a.a." with
  // no @ is rescanned from every position (quadratic; 200 KB stalled ingest for 34 s)
  { kind: 'email', re: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
  { kind: 'url', re: /\b(?:https?:\/\/|www\.)[^\s<>"'()\]]+[^\s<>"'().,;:!?\]]/gi },
  {
    kind: 'ip',
    re: /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])/g,
    accept: (v) => isIP(v) === 4,
  },
  {
    kind: 'ip',
    re: /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi,
    // needs "::" or eight groups, so clock times ("10:30:15") never qualify
    accept: (v) => (v.includes('::') || v.split(':').length === 8) && isIP(v) === 6,
  },
  {
    kind: 'ssn',
    re: /\b(?:SSN|SS#|social security(?:\s+(?:number|no\.?|#))?)\s{0,8}(?:[:#]\s{0,8})?(\d{3}[- ]?\d{2}[- ]?\d{4})\b/gi,
    group: 1,
  },
  { kind: 'ssn', re: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g },
  {
    kind: (m, text) => (/\bfax\b/i.test(text.slice(Math.max(0, m.index - 16), m.index)) ? 'fax' : 'phone'),
    re: /(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?:\s*(?:x|ext\.?)\s*\d{1,5})?(?![\w-])/gi,
  },
  {
    kind: (m) => (/fax/i.test(m[0]) ? 'fax' : 'phone'),
    re: /\b(?:phone|ph|tel|telephone|cell|mobile|fax|call(?: (?:me|her|him|them))?(?: at)?)\s{0,8}(?:[:#.]\s{0,8})?(\d{3}[-.]\d{4})\b/gi,
    group: 1,
  },
  {
    kind: 'mrn',
    re: /\b(?:MRN|MR#|MR\s?no\.?|medical record(?:\s+(?:number|no\.?|#))?|med(?:ical)?\s?rec(?:ord)?\s?#|chart\s?(?:#|no\.?|number))\s{0,8}(?:[:#]\s{0,8})?([A-Z]{0,3}-?\d[\dA-Z-]{3,})/gi,
    group: 1,
  },
  {
    kind: 'account',
    re: /\b(?:(?:patient|pt|member|subscriber|beneficiary|policy|policyholder|insurance|medicaid|medicare|health plan|plan|group|claim|account|acct|certificate|license|licence|MBI|HICN|ICN|DCN|TCN)\s*(?:ID|identifier|number|num|no\.?|#)\s{0,8}[:#]?|(?:MBI|HICN|ICN|DCN|account|acct|policy|claim)\s{0,8}[:#]?)\s{0,8}(#?\s?[A-Z0-9][A-Z0-9-]{4,})\b/gi,
    group: 1,
    // a bare "claim 99214" is a code, not an identifier: require a digit and, without an explicit
    // number label, something longer than a CPT code
    accept: (v, m) => {
      const value = v.replace(/^#\s?/, '');
      if (!/\d/.test(value)) return false;
      if (
        /\b(ID|identifier|number|num|no\.?|#)\s{0,8}[:#]?\s{0,8}#?\s?$/i.test(m[0].slice(0, m[0].length - v.length)) ||
        /[:#]/.test(m[0].slice(0, m[0].length - v.length))
      ) {
        return value.length >= 5;
      }
      return value.replace(/-/g, '').length >= 8;
    },
  },
  // a bare "ID" label near a person cue: "Member: Thomas Anderson, ID W123456789" (six or more
  // characters with five digits, so "ID 99214" stays a code)
  {
    kind: 'account',
    re: /\b(?:ID|I\.D\.)\s{0,8}[:#]?\s{0,8}([A-Z]{0,3}\d[\dA-Z-]{5,})\b/g,
    group: 1,
    accept: (v, m, text) => (v.match(/\d/g) ?? []).length >= 5 && PERSON_CUE.test(text.slice(Math.max(0, m.index - 120), m.index)),
  },
  // Medicare Beneficiary Identifier: its format is distinctive enough to need no label
  {
    kind: 'account',
    re: /\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}\b/g,
  },
  {
    kind: 'date',
    re: new RegExp(
      `\\b(?:DOB|D\\.O\\.B\\.?|date of birth|birth\\s?date|birthday|born(?: on)?|b\\.|date of death|DOD|died(?: on)?|deceased(?: on)?|expired(?: on)?)\\s{0,8}(?:[:#-]\\s{0,8})?(${DATE})`,
      'gi',
    ),
    group: 1,
  },
  {
    kind: 'date',
    re: new RegExp(
      `\\b(?:admit(?:ted)?|admission|discharged?|discharge date|readmitted|transferred)(?:\\s{1,8}(?:date|on|from|to))?\\s{0,8}(?:[:-]\\s{0,8})?(${DATE})`,
      'gi',
    ),
    group: 1,
    // a stay's dates identify a person only alongside one; a bare admit date on a claim question does not
    accept: (_v, m, text) => PERSON_CUE.test(text.slice(Math.max(0, m.index - 120), m.index + m[0].length + 60)),
  },
  // ages over 89 are identifying on their own (Safe Harbor groups them as "90 or older")
  { kind: 'date', re: /\b(?:9\d|1[01]\d)[- ](?:years?|yrs?|y\/?o)(?:[- ]old)?\b/gi },
  { kind: 'date', re: /\bage(?:d)?\s{0,8}(?:[:=]\s{0,8})?(9\d|1[01]\d)\b/gi, group: 1 },
  {
    kind: 'address',
    re: /\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][A-Za-z0-9'.-]*\s+){1,4}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|Dr|Drive|Ct|Court|Way|Pl|Place|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Sq|Square|Trl|Trail)\b\.?(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*[\w-]+)?(?:,\s*[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)*)?(?:,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?)?/g,
  },
  { kind: 'address', re: /\bP\.?\s?O\.?\s+Box\s+\d+\b/gi },
  // names after a courtesy title
  {
    kind: 'name',
    re: new RegExp(`\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\\.?\\s+(${NAME_WORD}(?:\\s+${INITIAL})?(?:\\s+${NAME_WORD})?)`, 'g'),
    group: 1,
    accept: nameAccept,
  },
  // names after a person cue: "patient John Smith", "Pt: Mary Jones", "name: Smith, John"
  {
    kind: 'name',
    re: new RegExp(
      `\\b(?:[Pp]atient(?:'s)?(?:\\s+[Nn]ame)?|P[Tt]\\.?(?:\\s+[Nn]ame)?|[Nn]ame|[Mm]ember(?:\\s+[Nn]ame)?|[Ss]ubscriber|[Ii]nsured|[Gg]uarantor|[Bb]eneficiary|[Rr]esident)\\s{0,8}[:,-]?\\s{1,8}(${NAME_WORD},\\s+${NAME_WORD}(?:\\s+${INITIAL})?|${NAME_WORD}(?:\\s+${INITIAL})?(?:\\s+${NAME_WORD}){1,2}|${NAME_WORD}(?=\\s{0,8}(?:[,;(]|\\bDOB\\b|\\bMRN\\b|\\bage\\b)))`,
      'g',
    ),
    group: 1,
    accept: nameAccept,
  },
];

function spansOf(text: string): PhiSpan[] {
  const spans: PhiSpan[] = [];
  for (const d of DETECTORS) {
    d.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = d.re.exec(text)) !== null) {
      if (m[0].length === 0) {
        d.re.lastIndex++;
        continue;
      }
      const group = d.group ?? 0;
      let value = m[group];
      if (value === undefined) continue;
      if (d.accept && !d.accept(value, m, text)) continue;
      const kind = typeof d.kind === 'function' ? d.kind(m, text) : d.kind;
      if (kind === 'name') value = trimName(value);
      if (kind === 'account') value = value.replace(/^#\s?/, '');
      const start = m.index + m[0].lastIndexOf(m[group]) + m[group].indexOf(value);
      spans.push({ start, end: start + value.length, kind });
    }
  }
  for (const n of findNames(text)) spans.push({ ...n, kind: 'name' });
  return mergeSpans(spans);
}

// Overlaps keep the longer span: "call 555-123-4567" is one phone, not a phone and a partial.
function mergeSpans(spans: PhiSpan[]): PhiSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const out: PhiSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      if (s.end - s.start > last.end - last.start) out[out.length - 1] = s;
      continue;
    }
    out.push(s);
  }
  return out;
}

export function maskSpans(text: string, spans: PhiSpan[]): string {
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += `${text.slice(pos, s.start)}[PHI:${s.kind}]`;
    pos = s.end;
  }
  return out + text.slice(pos);
}

const IDENTIFIER_WORD = /\b(?:patient|pt|mrn|dob|ssn|member\s?id)\b/i;

/**
 * True when a From display name carries a patient identifier ("Patient Robert Brown MRN 77812345"):
 * any identifier other than a name, or a name beside a cue word. A plain "Maria Garcia" is the
 * sender's own name and stays.
 */
export function displayNameCarriesPhi(name: string): boolean {
  const spans = spansOf(name.slice(0, 500));
  return spans.some((s) => s.kind !== 'name') || (spans.length > 0 && IDENTIFIER_WORD.test(name));
}

/**
 * A Message-ID whose local part carries an identifier (<Robert.Brown.MRN77812345@clinic.example>) is
 * replaced by a digest of itself, so dedup and threading still match it while the database and the
 * console never hold the identifier. Other ids are returned as they are.
 */
export function maskMessageId(id: string): string {
  const local = id.replace(/^<|>$/g, '').split('@')[0].slice(0, 500);
  // "robert.brown.mrn77812345" read as words, capitalised, so the name lists see "Robert Brown"
  const words = local.replace(/[._+=~-]+/g, ' ').replace(/\b[a-z]/g, (c) => c.toUpperCase());
  const spans = spansOf(words);
  const names = spans.some((s) => s.kind === 'name');
  const others = spans.some((s) => s.kind !== 'name' && s.kind !== 'ip' && s.kind !== 'url' && s.kind !== 'phone');
  // a name alone (john.smith@) is likely the sender's; with digits or a cue word it is a record
  const carries = others || (names && (IDENTIFIER_WORD.test(words) || /\d{4,}/.test(words))) || (IDENTIFIER_WORD.test(words) && /\d{5,}/.test(words));
  return carries ? `<phi-${createHash('sha256').update(id).digest('hex').slice(0, 32)}@masked.invalid>` : id;
}

/** Finds Safe Harbor identifiers in `text`; `masked` replaces each with `[PHI:kind]`. */
export function detectPhi(text: string): PhiResult {
  const spans = spansOf(text ?? '');
  const kinds = [...new Set(spans.map((s) => s.kind))];
  return { detected: spans.length > 0, kinds, spans, masked: maskSpans(text ?? '', spans) };
}
