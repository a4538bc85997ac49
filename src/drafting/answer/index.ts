// The direct answer: runs each question kind's module, keeps what the question asks, and picks the
// verdict (no > depends > unknown > yes) and the order (pairs and guidance first). Reviewer notes,
// stale tables and the limits of public sources are gathered here, apart from the customer text.
import type { TableStatus } from '../../kb/types.ts';
import { addOnParts } from './addons.ts';
import { diagnosisParts } from './diagnoses.ts';
import { pairParts } from './pairs.ts';
import { statusParts } from './status.ts';
import { surgeryParts } from './surgery.ts';
import { type AnswerInput, type Fact, type GuidanceQuote, type Part, type Verdict, isEm } from './types.ts';
import { unitParts } from './units.ts';

export type { AnswerInput, AnswerKb, GuidanceQuote, Verdict } from './types.ts';

export interface TableSources {
  ptp: string;
  mue: string;
  addOn: string;
  /** Table kinds of the claim's setting (ptp-practitioner, mue-outpatient-hospital, ...), for staleness. */
  ptpKind?: string;
  mueKind?: string;
}

export interface Answer {
  verdict: Verdict;
  text: string;
  /** Source ids of the deciding facts: ptp:A/B, ptp-none:A/B, mue:C, dosage:C, addon:C, pfs:C, icd:C, excludes:C, guidance:ID, code:C, unknown:C. */
  basis: string[];
}

export interface AnswerResult {
  answer: Answer;
  guidance: GuidanceQuote[];
  reviewerNotes: string[];
  facts: Fact[];
  limits: string[];
  /** Tables used whose effective window does not cover the date of service. */
  stale: string[];
  /** Codes named in the answer that the question does not hold (each known to the KB). */
  related: string[];
}

const MAX_PARTS = 12;
const RANK: Record<Verdict, number> = { no: 3, depends: 2, unknown: 1, yes: 0 };
const ORDER = ['guidance', 'pair', 'add_on', 'units', 'surgery', 'diagnosis', 'status', 'coverage', 'none'];
const OTHER_DATE = /\b(?:wks?|weeks?|days?|months?)\s+ago\b|\bpost-?op\w*|\bpostoperative\b|\bduring\s+the\s+global\b/i;

/** Which table kind a basis id leans on, to tell whether that table covers the date of service. */
const BASIS_KINDS: Record<string, string[]> = {
  ptp: ['ptp-practitioner'],
  'ptp-none': ['ptp-practitioner'],
  mue: ['mue-practitioner'],
  addon: ['addon'],
  pfs: ['pfs'],
  icd: ['icd10cm'],
  code: ['hcpcs'],
};

// A table counts when it decides the answer (basis) or when the reply cites one of its rows (facts):
// a guidance-decided pair still shows its PTP row, and that row's table may be out of date.
function staleTables(basis: string[], cited: string[], status: TableStatus[], dos: string, sources: TableSources): string[] {
  const swap = (k: string) =>
    k === 'ptp-practitioner' && sources.ptpKind ? sources.ptpKind : k === 'mue-practitioner' && sources.mueKind ? sources.mueKind : k;
  const kinds = new Set(basis.flatMap((b) => BASIS_KINDS[b.split(':')[0]] ?? []).map(swap));
  const out: string[] = [];
  for (const s of status) {
    if (!kinds.has(s.kind) && !cited.some((c) => c.startsWith(`${s.table} ${s.version}`))) continue;
    if ((s.effectiveFrom && dos < s.effectiveFrom) || (s.effectiveTo && dos > s.effectiveTo))
      out.push(`${s.table} ${s.version} (in force ${s.effectiveFrom ?? '?'} to ${s.effectiveTo ?? '?'})`);
  }
  return out;
}

export function pickVerdict(parts: Part[]): Verdict {
  const v = parts.map((p) => p.verdict).filter((x): x is Verdict => x !== null);
  if (!v.length) return parts.length ? 'yes' : 'unknown';
  return v.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}

export function buildAnswer(input: AnswerInput, sources: TableSources, today: string): AnswerResult {
  const procs = input.facts.codes.filter((c) => c.system !== 'ICD-10-CM' && c.known);
  const otherDate = OTHER_DATE.test(input.question);
  const topical = [
    ...addOnParts(input, sources.addOn),
    ...unitParts(input, sources.mue),
    ...surgeryParts(input),
    ...diagnosisParts(input),
    ...statusParts(input),
  ];
  const asksPair = input.intents.includes('pair') || input.intents.includes('modifier');
  const includeNoEdit = asksPair || (procs.length === 2 && topical.length === 0);
  // An E/M on another date than the surgery is a global-period question, not a same-day PTP pair.
  const pairs = pairParts(input, sources.ptp, includeNoEdit).filter((p) => !(otherDate && p.basis.some((b) => /^ptp:/.test(b) && b.split(/[:/]/).some(isEm))));
  // A code a pair part already says is not reported (imaging included in the procedure) needs no add-on "no".
  const notReported = new Set(pairs.filter((p) => p.verdict === 'no').flatMap((p) => p.basis.filter((b) => b.startsWith('ptp:')).map((b) => b.split('/')[1])));
  const kept = topical.filter((p) => !(p.topic === 'add_on' && p.verdict === 'no' && p.basis.some((b) => notReported.has(b.slice('addon:'.length)))));
  const all = [...pairs, ...kept].sort((a, b) => ORDER.indexOf(a.topic) - ORDER.indexOf(b.topic));
  // A question is answered in a screenful; a list of dozens of codes gets the first parts and a note.
  const parts = all.slice(0, MAX_PARTS);

  const verdict = pickVerdict(parts);
  const basis = [...new Set(parts.flatMap((p) => p.basis))];
  const guidance: GuidanceQuote[] = [];
  for (const q of parts.flatMap((p) => p.guidance)) if (!guidance.some((g) => g.id === q.id)) guidance.push(q);
  const facts: Fact[] = [];
  for (const f of parts.flatMap((p) => p.facts)) if (!facts.some((g) => g.text === f.text)) facts.push(f);
  const limits = [...new Set(parts.map((p) => p.limit).filter((x): x is string => !!x))];
  const dos = input.dos ?? today;
  const stale = staleTables(
    basis,
    facts.map((f) => f.source),
    input.kb.status(),
    dos,
    sources,
  );

  const notes: string[] = [];
  if (stale.length)
    notes.push(
      `Stale tables for ${input.dos ? `the date of service ${input.dos}` : `today (${today})`}: ${stale.join('; ')}. Check the current release before approving.`,
    );
  if (!input.dos) notes.push(`No date of service in the question: the facts are as of ${today}.`);
  for (const n of parts.flatMap((p) => p.notes)) if (!notes.includes(n)) notes.push(n);
  if (all.length > parts.length)
    notes.push(`The question holds more than the reply answers: ${all.length - parts.length} further points (pairs, units or codes) are left for you.`);
  if (parts.some((p) => p.topic === 'pair' && p.verdict !== 'no'))
    notes.push(
      `Pairs: checked against ${sources.ptp}; ${sources.ptpKind === 'ptp-outpatient-hospital' ? 'a practitioner claim uses the practitioner table' : 'an outpatient hospital claim uses the hospital table'}, and other payers may have their own edits.`,
    );
  if (parts.some((p) => p.topic === 'pair' && p.verdict === 'depends' && p.basis.some((b) => b.startsWith('ptp:'))))
    notes.push('A PTP modifier needs documentation of a distinct service (different site, session, encounter or structure): confirm it before approving.');
  for (const l of limits) notes.push(`Outside public sources: ${l} Write that part of the answer from the source named.`);

  const text = parts.length
    ? parts.map((p) => p.text).join('\n\n')
    : 'We could not settle this from the public code sets and CMS tables; a certified coder will answer it.';
  return {
    answer: { verdict, text, basis },
    guidance,
    reviewerNotes: notes,
    facts,
    limits,
    stale,
    related: [...new Set(parts.flatMap((p) => p.related ?? []))],
  };
}
