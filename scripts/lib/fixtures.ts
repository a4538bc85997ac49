// Fixture questions (fixtures/emails/*.eml with *.expected.json) and how a draft result is scored
// against them. Shared by scripts/eval.ts and test/unit/draft-fixtures.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { KnowledgeBase } from '../../src/kb/types.ts';
import { parseRawEmail } from '../../src/mail/parse.ts';
import { draftFromMessage, type MessageDraft } from '../../src/drafting/message.ts';
import { ungroundedCodes } from '../../src/drafting/grounding.ts';

export const FIXTURE_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'fixtures', 'emails');

export interface Expected {
  kind: MessageDraft['kind'];
  codes: Array<{ system: string; code: string; known: boolean; modifiers: string[] }>;
  modifiers: string[];
  dateOfService: string | null;
  intents: string[];
  specialty: string | null;
  edits: {
    ptp: Array<{ column1: string; column2: string; modifierIndicator: string; deletionDate: string | null; rationale: string }>;
    mue: Array<{ code: string; value: number; mai: string }>;
    addOn: Array<{ addOnCode: string; type: string; primaryCodes: string[] }>;
  };
  draft: boolean;
}

export interface FixtureRun {
  name: string;
  expected: Expected;
  result: MessageDraft;
}

export function fixtureNames(dir = FIXTURE_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => f.slice(0, -4))
    .sort();
}

export async function runFixtures(kb: KnowledgeBase, dir = FIXTURE_DIR): Promise<FixtureRun[]> {
  const runs: FixtureRun[] = [];
  for (const name of fixtureNames(dir)) {
    const expected = JSON.parse(readFileSync(path.join(dir, `${name}.expected.json`), 'utf8')) as Expected;
    const msg = await parseRawEmail(readFileSync(path.join(dir, `${name}.eml`)));
    runs.push({ name, expected, result: draftFromMessage(msg, kb) });
  }
  return runs;
}

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  misses: string[];
}

export function codeScore(runs: FixtureRun[]): Score {
  let tp = 0,
    fp = 0,
    fn = 0;
  const misses: string[] = [];
  for (const r of runs) {
    const want = new Set(r.expected.codes.map((c) => c.code));
    const got = new Set(r.result.codes.map((c) => c.code));
    for (const c of got)
      if (want.has(c)) tp++;
      else {
        fp++;
        misses.push(`${r.name}: extra ${c}`);
      }
    for (const c of want)
      if (!got.has(c)) {
        fn++;
        misses.push(`${r.name}: missed ${c}`);
      }
  }
  return { tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1, misses };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Field-by-field comparison; each entry is one disagreement. */
export function disagreements(r: FixtureRun): string[] {
  const out: string[] = [];
  const { expected: e, result: g } = r;
  if (e.kind !== g.kind) out.push(`kind ${g.kind} != ${e.kind}`);
  if (e.draft !== (g.draft !== null)) out.push(`draft ${g.draft !== null} != ${e.draft}`);
  if (!e.draft) return out;
  for (const c of e.codes) {
    const got = g.codes.find((x) => x.code === c.code);
    if (!got) continue;
    if (got.system !== c.system) out.push(`${c.code} system ${got.system} != ${c.system}`);
    if (got.known !== c.known) out.push(`${c.code} known ${got.known} != ${c.known}`);
    if (!sameSet(got.modifiers, c.modifiers)) out.push(`${c.code} modifiers [${got.modifiers}] != [${c.modifiers}]`);
  }
  if (!sameSet(g.modifiers, e.modifiers)) out.push(`modifiers [${g.modifiers}] != [${e.modifiers}]`);
  if (g.dateOfService !== e.dateOfService) out.push(`dos ${g.dateOfService} != ${e.dateOfService}`);
  if (!sameSet(g.intents, e.intents)) out.push(`intents [${g.intents}] != [${e.intents}]`);
  if (g.specialty !== e.specialty) out.push(`specialty ${g.specialty} != ${e.specialty}`);
  return out;
}

/** Edit facts compared with the expected file, which was written from the raw tables. */
export function editDisagreements(r: FixtureRun): string[] {
  const out: string[] = [];
  const { expected: e, result: g } = r;
  if (!e.draft) return out;
  const key = (p: { column1: string; column2: string; modifierIndicator: string; deletionDate: string | null; rationale: string }) =>
    `${p.column1}/${p.column2} mi=${p.modifierIndicator} del=${p.deletionDate} ${p.rationale}`;
  const want = new Set(e.edits.ptp.map(key));
  const got = new Set(g.edits.ptp.map(key));
  for (const k of want) if (!got.has(k)) out.push(`ptp missing ${k}`);
  for (const k of got) if (!want.has(k)) out.push(`ptp extra ${k}`);
  const mk = (m: { code: string; value: number; mai: string }) => `${m.code}=${m.value}/${m.mai}`;
  const wm = new Set(e.edits.mue.map(mk));
  const gm = new Set(g.edits.mue.map(mk));
  for (const k of wm) if (!gm.has(k)) out.push(`mue missing ${k}`);
  for (const k of gm) if (!wm.has(k)) out.push(`mue extra ${k}`);
  const ak = (a: { addOnCode: string; type: string; primaryCodes: string[] }) => `${a.addOnCode} t${a.type} [${[...a.primaryCodes].sort()}]`;
  const wa = new Set(e.edits.addOn.map(ak));
  const ga = new Set(g.edits.addOn.map(ak));
  for (const k of wa) if (!ga.has(k)) out.push(`addOn missing ${k}`);
  for (const k of ga) if (!wa.has(k)) out.push(`addOn extra ${k}`);
  return out;
}

export function inventedCodes(r: FixtureRun, kb: KnowledgeBase): string[] {
  return ungroundedCodes(r.result, kb);
}
