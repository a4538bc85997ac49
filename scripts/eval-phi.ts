// PHI detector evaluation on the hand-labelled set in fixtures/phi/questions.json (or the file named
// on the command line: fixtures/phi/names.json holds the name forms of issue #14).
// Span level, by character overlap: a gold span counts as found when a predicted span overlaps it
// (whatever kind: a masked identifier is masked), a predicted span is correct when it overlaps a
// gold span. Kind agreement is reported separately.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { detectPhi } from '../src/mail/phi.ts';
import type { PhiKind } from '../src/mail/types.ts';

interface GoldSpan {
  text: string;
  kind: PhiKind;
  occurrence?: number;
}

interface Question {
  id: string;
  text: string;
  spans: GoldSpan[];
}

export interface PhiEvalResult {
  /** Gold spans found / gold spans. */
  recall: number;
  /** Predicted spans that hit a gold span / predicted spans. */
  precision: number;
  /** Found gold spans whose predicted kind matches. */
  kindAccuracy: number;
  questions: number;
  goldSpans: number;
  predictedSpans: number;
  /** Ids and span texts that were missed or wrongly flagged, for debugging (fixture text only). */
  misses: { id: string; text: string; kind: PhiKind }[];
  falsePositives: { id: string; text: string; kind: PhiKind }[];
}

const FIXTURE = fileURLToPath(new URL('../fixtures/phi/questions.json', import.meta.url));

function locate(text: string, span: GoldSpan): { start: number; end: number } {
  let from = 0;
  let at = -1;
  for (let n = 0; n <= (span.occurrence ?? 0); n++) {
    at = text.indexOf(span.text, from);
    if (at < 0) throw new Error(`fixture span not found: ${span.text}`);
    from = at + 1;
  }
  return { start: at, end: at + span.text.length };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

export async function evalPhi(path = FIXTURE): Promise<PhiEvalResult> {
  const { questions } = JSON.parse(await readFile(path, 'utf8')) as { questions: Question[] };
  let gold = 0;
  let found = 0;
  let kindOk = 0;
  let predicted = 0;
  let correct = 0;
  const misses: PhiEvalResult['misses'] = [];
  const falsePositives: PhiEvalResult['falsePositives'] = [];
  for (const q of questions) {
    const goldSpans = q.spans.map((s) => ({ ...locate(q.text, s), kind: s.kind, text: s.text }));
    const pred = detectPhi(q.text).spans;
    gold += goldSpans.length;
    predicted += pred.length;
    for (const g of goldSpans) {
      const hit = pred.find((p) => overlaps(p, g));
      if (hit) {
        found++;
        if (hit.kind === g.kind) kindOk++;
      } else misses.push({ id: q.id, text: g.text, kind: g.kind });
    }
    for (const p of pred) {
      if (goldSpans.some((g) => overlaps(p, g))) correct++;
      else falsePositives.push({ id: q.id, text: q.text.slice(p.start, p.end), kind: p.kind });
    }
  }
  return {
    recall: gold ? found / gold : 1,
    precision: predicted ? correct / predicted : 1,
    kindAccuracy: found ? kindOk / found : 1,
    questions: questions.length,
    goldSpans: gold,
    predictedSpans: predicted,
    misses,
    falsePositives,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // another labelled set may be named: `node scripts/eval-phi.ts fixtures/phi/names.json`
  const r = await evalPhi(process.argv[2] ?? FIXTURE);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `PHI eval (span level, character overlap): ${r.questions} questions, ${r.goldSpans} gold spans, ${r.predictedSpans} predicted; ` +
      `recall ${pct(r.recall)} (goal 95%), precision ${pct(r.precision)} (goal 90%), kind accuracy ${pct(r.kindAccuracy)}`,
  );
  for (const m of r.misses) console.log(`  missed ${m.id} ${m.kind}: ${m.text}`);
  for (const f of r.falsePositives) console.log(`  false positive ${f.id} ${f.kind}: ${f.text}`);
  if (r.recall < 0.95 || r.precision < 0.9) process.exitCode = 1;
}
