// Pure pieces of the console's pages: time left to the due time and the draft's facts.
import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { factsView } from '../../src/review/console/facts-view.ts';
import { timeLeft } from '../../src/review/console/timeleft.ts';
import { draftDiff } from '../../src/review/console/draft-diff.ts';
import { shortSpan, snippet, statusLabel } from '../../src/review/console/labels.ts';

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
      codes: [
        { system: 'CPT', code: '20610', known: true, billable: null, description: null },
        { system: 'ICD-10-CM', code: 'M80.08', known: true, billable: true, description: 'Age-related osteoporosis' },
      ],
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

describe('facts view: the engine answer, guidance and notes as cards', () => {
  it('reads them when present', () => {
    const v = factsView({
      answer: {
        verdict: 'yes_with_modifier',
        text: 'Bill both with 25 on the E/M.',
        basis: ['PTP 20610/99213 indicator 1', { text: 'NCCI Policy Manual Ch. I' }],
      },
      guidance: [{ source: 'NCCI Policy Manual 2026', section: 'Ch. XI, E.4', page: 12, text: 'A separately identifiable E/M...' }],
      reviewerNotes: ['Confirm the E/M is separately documented.', { text: 'DOS given' }, 7],
      codes: [
        { system: 'CPT', code: '20610', known: true },
        { system: 'HCPCS', code: 'J1885', known: true, billable: null },
        { system: 'ICD-10-CM', code: 'M80.0', known: true, billable: false },
      ],
      edits: {
        ptp: [{ column1: '20610', column2: '99213', source: 'NCCI PTP practitioner 2024-07-01' }],
        mue: [{ code: '20610', source: 'NCCI MUE practitioner 2026-04-01' }],
      },
    });
    assert.deepEqual(v.answer, {
      verdict: 'yes_with_modifier',
      text: 'Bill both with 25 on the E/M.',
      basis: ['PTP 20610/99213 indicator 1', 'NCCI Policy Manual Ch. I'],
    });
    assert.deepEqual(v.guidance, [{ source: 'NCCI Policy Manual 2026', section: 'Ch. XI, E.4', page: '12', text: 'A separately identifiable E/M...' }]);
    assert.deepEqual(v.reviewerNotes, ['Confirm the E/M is separately documented.', 'DOS given']);
    assert.deepEqual(v.sources, ['NCCI PTP practitioner 2024-07-01', 'NCCI MUE practitioner 2026-04-01', 'NCCI Policy Manual 2026']);
    assert.deepEqual(
      v.codes.map((c) => c.billable),
      ['n/a', 'n/a', 'no'],
      'billable is an ICD-10-CM notion',
    );
  });
  it('tolerates their absence or odd shapes', () => {
    for (const f of [{}, { answer: null, guidance: 'x', reviewerNotes: {} }, { answer: { verdict: '' } }]) {
      const v = factsView(f);
      assert.equal(v.answer, null);
      assert.deepEqual(v.guidance, []);
      assert.deepEqual(v.reviewerNotes, []);
    }
  });
});

describe('labels', () => {
  it('names every status for people', () => {
    for (const s of ['received', 'drafting', 'awaiting_review', 'waiting_on_customer', 'approved', 'sent', 'ignored', 'rejected', 'failed', 'closed']) {
      assert.doesNotMatch(statusLabel(s), /_/, s);
    }
    assert.equal(statusLabel('awaiting_review'), 'Ready for review');
    assert.equal(statusLabel('sent'), 'Answered');
  });
  const spans: [number, string][] = [
    [10_000, 'just now'],
    [5 * 60_000, '5m'],
    [125 * 60_000, '2h 5m'],
    [50 * 3600_000, '2d 2h'],
  ];
  for (const [ms, want] of spans) it(`${ms} ms → ${want}`, () => assert.equal(shortSpan(ms), want));
  it('snippets the question on one line, cut at a word', () => {
    assert.equal(snippet('Hello,\n\n  Can we bill\t20610?'), 'Hello, Can we bill 20610?');
    const s = snippet('word '.repeat(60));
    assert.ok(s.length <= 121 && s.endsWith('word…'), s);
  });
});

describe('draft diff', () => {
  it('is null for the same text', () => assert.equal(draftDiff('a b', 'a b'), null));
  it('marks words added and removed', () => {
    const d = draftDiff('Bill 20610 with 99214 today.', 'Bill 20610 with 99213-25 today.')!;
    assert.deepEqual(
      d.parts.filter((p) => p.kind !== 'same').map((p) => [p.kind, p.text]),
      [
        ['removed', '99214'],
        ['added', '99213-25'],
      ],
    );
    assert.equal(d.removed, 1);
  });
  it('goes line by line when most of the text was rewritten', () => {
    const d = draftDiff('one two three\nfour five six\n', 'alpha beta gamma\nfour five six\n')!;
    assert.deepEqual(
      d.parts.map((p) => p.kind),
      ['removed', 'added', 'same'],
    );
  });
  it('gives up, bounded, on two long unrelated texts', () => {
    const a = Array.from({ length: 6000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 6000 }, (_, i) => `b${i}`).join(' ');
    const d = draftDiff(a, b)!;
    assert.equal(d.tooLarge, true);
    assert.equal(d.added, 6000);
  });
});
