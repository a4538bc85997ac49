// The answer eval: fixtures/eval/questions.json, questions written as coders post them, each with the key
// point a certified coder would settle, the verdict, phrases the direct answer must hold and the wrong
// claims it must not make. Shared by scripts/eval.ts and test/unit/draft-answer-eval.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { KnowledgeBase } from '../../src/kb/types.ts';
import { buildDraft, type DraftResult } from '../../src/drafting/draft.ts';
import { ungroundedCodes } from '../../src/drafting/grounding.ts';

export const QUESTIONS_FILE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'fixtures', 'eval', 'questions.json');

export const HELDOUT_FILE = path.join(path.dirname(QUESTIONS_FILE), 'heldout.json');

export type Verdict = 'yes' | 'no' | 'depends' | 'unknown';

export interface EvalQuestion {
  id: string;
  subject: string;
  text: string;
  keyPoint: string;
  /** null: the question asks for a number or a fact, not a yes or no. */
  verdict: Verdict | null;
  must: string[];
  mustNot: string[];
  codes: string[];
}

export interface QuestionRun {
  q: EvalQuestion;
  result: DraftResult;
  /** The direct answer: result.answer.text, or (engines before it) the draft's "Short answer" block. */
  answerText: string;
  verdict: Verdict | null;
  missing: string[];
  forbidden: string[];
  verdictOk: boolean;
  settled: boolean;
  wrong: boolean;
  extra: string[];
  missed: string[];
  invented: string[];
  /** Guidance paragraph ids the answer quotes or rests on. */
  cited: string[];
  badCitations: string[];
}

export function loadQuestions(file = QUESTIONS_FILE): EvalQuestion[] {
  return JSON.parse(readFileSync(file, 'utf8')) as EvalQuestion[];
}

function shortAnswerBlock(text: string): string {
  const end = text.indexOf('\n\n');
  return end < 0 ? text : text.slice(0, end);
}

const OPPOSITE: Record<string, string> = { yes: 'no', no: 'yes' };

/** Paragraph ids that exist: the KB's own, else the shared paragraphs.tsv (read once). */
let tsvIds: Set<string> | null = null;
function paragraphExists(kb: KnowledgeBase, id: string): boolean {
  if (kb.guidanceParagraph) return kb.guidanceParagraph(id) !== null;
  if (!tsvIds) {
    tsvIds = new Set();
    const f = path.resolve(process.cwd(), '..', 'shared', 'data', 'guidance', 'paragraphs.tsv');
    if (existsSync(f)) for (const line of readFileSync(f, 'utf8').split('\n')) tsvIds.add(line.split('\t')[3]);
  }
  return tsvIds.has(id);
}

export function runQuestion(q: EvalQuestion, kb: KnowledgeBase): QuestionRun {
  const result = buildDraft({ subject: q.subject, text: q.text }, kb);
  const answer = (result as DraftResult & { answer?: { verdict: Verdict; text: string } }).answer;
  const answerText = answer?.text ?? shortAnswerBlock(result.draft.text);
  const verdict = answer?.verdict ?? null;
  const lower = answerText.toLowerCase();
  const missing = q.must.filter((p) => !lower.includes(p.toLowerCase()));
  const forbidden = q.mustNot.filter((p) => lower.includes(p.toLowerCase()));
  const verdictOk = q.verdict === null || verdict === q.verdict;
  const wrong = forbidden.length > 0 || (q.verdict !== null && verdict !== null && OPPOSITE[q.verdict] === verdict);
  const got = new Set(result.codes.map((c) => c.code));
  const want = new Set(q.codes);
  const guidance = (result as DraftResult & { guidance?: Array<{ id?: string }> }).guidance ?? [];
  const cited = new Set([
    ...guidance.map((g) => g.id ?? ''),
    ...((answer as { basis?: string[] } | undefined)?.basis?.filter((b) => b.startsWith('guidance:')).map((b) => b.slice(9)) ?? []),
  ]);
  return {
    q,
    result,
    answerText,
    verdict,
    missing,
    forbidden,
    verdictOk,
    settled: missing.length === 0 && forbidden.length === 0 && verdictOk,
    wrong,
    extra: [...got].filter((c) => !want.has(c)),
    missed: [...want].filter((c) => !got.has(c)),
    invented: ungroundedCodes(result, kb),
    cited: [...cited],
    badCitations: [...cited].filter((id) => !paragraphExists(kb, id)),
  };
}

export interface AnswerEvalFigures {
  questions: number;
  settled: number;
  wrong: number;
  precision: number;
  recall: number;
  invented: number;
  citations: number;
  badCitations: number;
}

export function answerFigures(runs: QuestionRun[]): AnswerEvalFigures {
  let tp = 0,
    fp = 0,
    fn = 0;
  for (const r of runs) {
    fp += r.extra.length;
    fn += r.missed.length;
    tp += r.result.codes.length - r.extra.length;
  }
  return {
    questions: runs.length,
    settled: runs.filter((r) => r.settled).length,
    wrong: runs.filter((r) => r.wrong).length,
    precision: tp + fp ? tp / (tp + fp) : 1,
    recall: tp + fn ? tp / (tp + fn) : 1,
    invented: runs.reduce((n, r) => n + r.invented.length, 0),
    citations: runs.reduce((n, r) => n + r.cited.length, 0),
    badCitations: runs.reduce((n, r) => n + r.badCitations.length, 0),
  };
}
