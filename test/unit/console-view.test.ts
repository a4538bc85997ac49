// Pure pieces of the console's pages: time left to the due time and the draft's facts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factsView } from '../../src/review/console/facts-view.ts';
import { timeLeft } from '../../src/review/console/timeleft.ts';

const now = new Date('2026-03-01T12:00:00Z');

describe('time left', () => {
  const cases: [string | null, boolean, string, boolean][] = [
    ['2026-03-01T15:30:00Z', false, '3h 30m left', false],
    ['2026-03-01T12:05:00Z', false, '5m left', false],
    ['2026-03-03T14:00:00Z', false, '2d 2h left', false],
    ['2026-03-01T10:45:00Z', false, 'overdue by 1h 15m', true],
    ['2026-03-01T10:45:00Z', true, 'paused, 1h 15m left', false],
    [null, false, 'no due time', false],
  ];
  for (const [due, paused, text, overdue] of cases) {
    it(`${due} paused=${paused} → ${text}`, () => {
      const t = timeLeft(due, now, paused);
      assert.equal(t.text, text);
      assert.equal(t.overdue, overdue);
    });
  }
});

describe('facts view', () => {
  it('shapes codes and edits with their sources', () => {
    const v = factsView({
      codes: [{ system: 'CPT', code: '20610', known: true, billable: null, description: null }, { system: 'ICD-10-CM', code: 'M80.08', known: true, billable: true, description: 'Age-related osteoporosis' }],
      dateOfService: '2026-02-10',
      intents: ['pair'],
      edits: {
        ptp: [{ column1: '20610', column2: '99213', modifierIndicator: '1', active: true, rationale: 'CMS', source: 'NCCI PTP practitioner 2024-07-01' }],
        mue: [{ code: '20610', value: 2, mai: '3', source: 'NCCI MUE practitioner 2026-04-01' }],
        addOn: [],
      },
      specialty: 'surgery',
    });
    assert.deepEqual(v.codeList, ['20610', 'M80.08']);
    assert.equal(v.codes[0].description, 'CPT descriptor needs a CPT licence');
    assert.equal(v.codes[1].billable, 'yes');
    assert.equal(v.ptp[0].pair, '20610 / 99213');
    assert.equal(v.ptp[0].source, 'NCCI PTP practitioner 2024-07-01');
    assert.equal(v.mue[0].value, '2');
    assert.equal(v.intents, 'pair');
    assert.equal(v.empty, false);
  });
  it('carries the draft verdict and the reviewer notes, for the console only', () => {
    const v = factsView({ answer: { verdict: 'depends', text: 'x', basis: [] }, reviewerNotes: ['Stale tables for today', '', 'Check the CPT book'] });
    assert.equal(v.verdict, 'depends');
    assert.deepEqual(v.reviewerNotes, ['Stale tables for today', 'Check the CPT book']);
  });
  it('tolerates missing or malformed facts', () => {
    for (const f of [undefined, null, {}, { codes: 'x', edits: null }, { codes: [null, 3] }, { reviewerNotes: 'x', answer: 3 }]) {
      const v = factsView(f);
      assert.equal(v.empty, true);
      assert.deepEqual(v.codeList, []);
      assert.deepEqual(v.reviewerNotes, []);
    }
  });
});
