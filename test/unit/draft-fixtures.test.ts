import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { getKnowledgeBase } from '../../src/kb/index.ts';
import { codeScore, disagreements, editDisagreements, inventedCodes, runFixtures } from '../../scripts/lib/fixtures.ts';
import { codeShapedTokens } from '../../src/drafting/grounding.ts';

const kb = await getKnowledgeBase();
const runs = await runFixtures(kb);

test('at least 40 fixtures, covering every intent and each machine kind', () => {
  assert.ok(runs.length >= 40, `${runs.length} fixtures`);
  const intents = new Set(runs.flatMap((r) => r.expected.intents));
  for (const i of ['pair', 'modifier', 'units', 'add_on', 'diagnosis', 'meaning', 'coverage', 'other']) assert.ok(intents.has(i), i);
  const kinds = new Set(runs.map((r) => r.expected.kind));
  for (const k of ['question', 'follow_up', 'auto_reply', 'bounce', 'rejected']) assert.ok(kinds.has(k as never), k);
});

test('code extraction precision and recall >= 0.97 on the fixtures', () => {
  const s = codeScore(runs);
  assert.ok(s.precision >= 0.97 && s.recall >= 0.97, `${s.precision} ${s.recall}\n${s.misses.join('\n')}`);
});

for (const r of runs) {
  test(`fixture ${r.name}`, () => {
    assert.deepEqual(disagreements(r), []);
    assert.deepEqual(editDisagreements(r), [], 'edit facts equal to the tables');
    assert.deepEqual(inventedCodes(r, kb), [], 'no invented code');
    if (r.result.draft) {
      // CPT descriptors are AMA-licensed: the draft says so instead of showing one.
      for (const c of r.result.codes) if (c.system === 'CPT') assert.equal(c.description, null);
      // Customer-ready: the direct answer first, no reviewer checklist or command, the licence sentence at most once.
      const text = r.result.draft.text;
      assert.ok(r.result.answer && text.startsWith(r.result.answer.text.split('\n\n')[0]), 'the reply opens with the direct answer');
      assert.ok(['yes', 'no', 'depends', 'unknown'].includes(r.result.answer.verdict));
      assert.doesNotMatch(text, /Still to check|reviewer|caseconsultant |npx /i);
      assert.ok((text.match(/American Medical Association/g) ?? []).length <= 1, 'licence sentence at most once');
      assert.ok(Array.isArray(r.result.reviewerNotes));
    } else {
      assert.equal(r.result.codes.length, 0);
    }
  });
}

test('the grounding check does catch a code that is in no fact', () => {
  const r = runs.find((x) => x.name === 'units-j1885')!;
  const tampered = { ...r, result: { ...r.result, draft: { subject: 's', text: `${r.result.draft!.text}\nAlso bill 99215.` } } };
  assert.deepEqual(inventedCodes(tampered, kb), ['99215']);
  assert.deepEqual(codeShapedTokens('2024-07-01 FY2026 2026Q2'), []);
});

test('no PHI from the question reaches a draft (DOB, MRN, phone, addresses)', () => {
  const phiBits = ['03/14/1961', '27447', '614) 555-0142', '555-0100', '1450 Riverside', 'dana.whitfield@', '2026-03-05', '03/05/2026'];
  for (const r of runs) {
    if (!r.result.draft) continue;
    for (const bit of phiBits) assert.ok(!r.result.draft.text.includes(bit) && !r.result.draft.subject.includes(bit), `${r.name}: ${bit}`);
  }
});
