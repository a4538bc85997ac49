import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { getKnowledgeBase } from '../../src/kb/index.ts';
import { buildDraft } from '../../src/drafting/draft.ts';
import { extractCodes } from '../../src/drafting/extract.ts';
import { pickVerdict } from '../../src/drafting/answer/index.ts';
import { part } from '../../src/drafting/answer/types.ts';
import { answerFigures, loadQuestions, runQuestion } from '../../scripts/lib/questions.ts';

const kb = await getKnowledgeBase();
const ask = (text: string, dos?: string) => buildDraft({ subject: '', text, dos, today: '2026-11-27' }, kb);

test('reading: +code, English words, ranges', () => {
  const cases: Array<[string, string[], string[], Array<[string, string]>]> = [
    ['64633 and +64634 for two levels', ['64633', '64634'], [], []],
    ['which gets the 59, used as Modifier 1 or 2? 11042 97597', ['11042', '97597'], [], []],
    ['can the PA bill AS on 29881?', ['29881'], ['AS'], []],
    ['Facet injections 64490-64495, which are add-ons', ['64490', '64495'], [], [['64490', '64495']]],
    ['call +44 20 7946 0958 about 99213', ['99213'], [], []],
  ];
  for (const [text, codes, mods, ranges] of cases) {
    const e = extractCodes(text, kb);
    assert.deepEqual(
      e.codes.map((c) => c.code),
      codes,
      text,
    );
    assert.deepEqual(e.modifiers, mods, text);
    assert.deepEqual(e.ranges, ranges, text);
  }
});

test('verdict: no outranks depends, depends unknown, unknown yes; facts alone are an answer', () => {
  const rows: Array<[Array<'yes' | 'no' | 'depends' | 'unknown' | null>, string]> = [
    [['yes', 'no'], 'no'],
    [['yes', 'depends'], 'depends'],
    [['unknown', 'yes'], 'unknown'],
    [[null], 'yes'],
    [[], 'unknown'],
  ];
  for (const [vs, want] of rows) assert.equal(pickVerdict(vs.map((v) => part('x', v, ''))), want, vs.join());
});

test('answers: the deciding fact, in customer words', () => {
  const rows: Array<[string, string, RegExp, RegExp | null]> = [
    ['can i bill 20610 with 76942', 'no', /20611/, /no (?:active )?NCCI PTP edit/i],
    ['99214 and 96372 together? which gets the modifier', 'depends', /modifier 25 on 99214/, /modifier 59 on 99214/],
    ['80053 and 80048 same day?', 'no', /indicator 0.*no modifier bypasses/s, /may bypass/],
    ['how many units of J1885 for 60mg', 'yes', /60 mg is 4 units/, null],
    ['is M54.5 billable', 'no', /M54\.50, M54\.51, M54\.59/, null],
    ['billed 64494 by itself, why denied', 'no', /64490, 64493/, null],
    ['97140 w/ 97530 same session, bundle?', 'yes', /no NCCI PTP edit.*other payers/is, null],
  ];
  for (const [q, verdict, must, mustNot] of rows) {
    const r = ask(q);
    assert.equal(r.answer.verdict, verdict, q);
    assert.match(r.answer.text, must, q);
    if (mustNot) assert.doesNotMatch(r.answer.text, mustNot, q);
    assert.ok(r.draft.text.startsWith(r.answer.text.split('\n\n')[0]), 'direct answer first');
  }
});

test('modifier families named in words: wastage, first assist, X modifiers', () => {
  const waste = ask('J3301 kenalog vial, how do we bill the wastage?');
  assert.match(waste.answer.text, /JW .*JZ/s);
  const assist = ask('PA was first assist on 27447, payable?');
  assert.match(assist.answer.text, /assistant-at-surgery indicator 2/);
  assert.equal(assist.answer.verdict, 'yes');
  const x = ask('when can I use x modifiers instead of 59?');
  assert.match(x.answer.text, /XE\/XS\/XP\/XU/);
});

test('Medicare status and laterality decide: status I, bilateral code, grams to mg', () => {
  const s = ask('99215 + 99417 for 80 min - ok?');
  assert.equal(s.answer.verdict, 'depends');
  assert.match(s.answer.text, /99417 has fee schedule status I/);
  const b = ask('M17.11 vs M17.12 - pt has both knees, which?');
  assert.equal(b.answer.verdict, 'no');
  assert.match(b.answer.text, /bilateral code M17\.0/);
  const g = ask('pt got 2 g rocephin, J0696 units?');
  assert.match(g.answer.text, /2 g \(2000 mg\) is 8 units/);
});

test('setting: a hospital outpatient claim is checked against the hospital tables', () => {
  const hosp = ask('hospital outpatient (UB-04), 96372 x5 - MUE?');
  assert.match(hosp.answer.text, /within the MUE 5/);
  assert.match(hosp.draft.text, /NCCI MUE outpatient hospital/);
  const prac = ask('96372 x5 - MUE?');
  assert.equal(prac.answer.verdict, 'no');
  assert.match(prac.answer.text, /above the MUE 4/);
});

test('reply: stale table near the top, reviewer notes only outside it, licence at most once, no DOS printed', () => {
  const r = ask('99214-25, 20610-RT and 96372, 99213 DOS 02/03/2026');
  const head = r.draft.text.split('\n\n').slice(0, 2).join('\n\n');
  assert.match(head, /Please note: the CMS tables checked .* NCCI PTP practitioner 2024-07-01/);
  assert.ok(r.reviewerNotes.some((n) => /Stale tables/.test(n)));
  for (const n of r.reviewerNotes) assert.ok(!r.draft.text.includes(n));
  assert.ok((r.draft.text.match(/American Medical Association/g) ?? []).length <= 1);
  assert.ok(!r.draft.text.includes('2026-02-03'));
});

test('eval set: at least 60 questions, >= 70% settled, no wrong answer, extraction >= 0.97, nothing invented', () => {
  const runs = loadQuestions().map((q) => runQuestion(q, kb));
  const f = answerFigures(runs);
  assert.ok(f.questions >= 60);
  assert.ok(f.settled / f.questions >= 0.7, `${f.settled}/${f.questions}`);
  assert.equal(
    f.wrong,
    0,
    runs
      .filter((r) => r.wrong)
      .map((r) => r.q.id)
      .join(),
  );
  assert.ok(f.precision >= 0.97 && f.recall >= 0.97);
  assert.equal(f.invented, 0);
  assert.equal(f.badCitations, 0);
});

test('drug units come only from the KB reading of the descriptor: a thousands comma is no unit', () => {
  // J0561's descriptor ends "100,000 units": a second reading of it once answered "billed per 000 units:
  // 0 unit is NaN units".
  const penicillin = ask('how many units of J0561 for 1,200,000 units');
  assert.doesNotMatch(penicillin.draft.text, /billed per|NaN/);
  // J1817's "... insulin pump) per 50 units" has no comma before the amount, and is read by the KB.
  assert.match(ask('how many units of J1817 for 100 units').draft.text, /billed per 50 units: 100 units? is 2 units/);
});
