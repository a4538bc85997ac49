// What each answer module gives back, and what it may read. Pure data: the modules do no IO.
import type { CodeInfo, KnowledgeBase } from '../../kb/types.ts';
import type { DraftFacts } from '../facts.ts';
import type { Intent } from '../intent.ts';

export type Verdict = 'yes' | 'no' | 'depends' | 'unknown';

/** The KB an answer reads: the core lookups, plus the optional richer tables when the KB has them. */
export type AnswerKb = Pick<KnowledgeBase, 'lookup' | 'modifier' | 'mue' | 'addOn' | 'status'> &
  Partial<Pick<KnowledgeBase, 'feeSchedule' | 'excludesAmong' | 'excludesNotes' | 'guidance' | 'guidanceParagraph' | 'dosageUnit'>>;

export interface AnswerInput {
  /** The (PHI-masked) subject and text, for the words that say what is asked. */
  question: string;
  intents: Intent[];
  facts: DraftFacts;
  ranges: Array<[string, string]>;
  dos: string | null;
  kb: AnswerKb;
  /** Modifier families the question's words name ("x modifiers", "wastage", "first assist"). */
  families: string[];
}

/** A guidance paragraph quoted in the reply, with where it stands in its source. */
export interface GuidanceQuote {
  id: string;
  source: string;
  section: string;
  page: string;
  text: string;
}

/** One line of evidence under the answer, with the table it comes from. */
export interface Fact {
  text: string;
  source: string;
}

export interface Part {
  /** pair, guidance, units, add_on, surgery, diagnosis, status, coverage, none. */
  topic: string;
  /** null when the part states a number or a fact rather than a yes or no. */
  verdict: Verdict | null;
  text: string;
  facts: Fact[];
  basis: string[];
  guidance: GuidanceQuote[];
  /** For the reviewer only: checks, doubts, what the sources cannot decide. */
  notes: string[];
  /** One customer-ready line on what public sources cannot settle. */
  limit?: string;
  /** Codes the part names that the question does not (confirmed in the KB). */
  related?: string[];
}

export function part(topic: string, verdict: Verdict | null, text: string, extra: Partial<Part> = {}): Part {
  return { topic, verdict, text, facts: [], basis: [], guidance: [], notes: [], ...extra };
}

export function isEm(code: string): boolean {
  return /^99[2-4]\d\d$/.test(code) || /^G04(38|39)$/.test(code);
}

export function dosOpts(dos: string | null): { dos?: string } {
  return dos ? { dos } : {};
}

export function sourceName(info: CodeInfo): string {
  const s = info.sources[0];
  return s ? `${s.table} ${s.version}` : (info.system ?? 'code sets');
}

/** A quote trimmed to whole sentences, at most `max` characters. */
export function trimQuote(text: string, max = 420): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('. ', max);
  return cut > 80 ? `${text.slice(0, cut + 1)} [...]` : `${text.slice(0, max)} [...]`;
}
