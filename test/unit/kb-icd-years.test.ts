// ICD-10-CM by date of service: FY2027 from 2026-10-01, FY2026 before. Expectations read from
// ../shared/data/icd10cm-fy2027/{added,deleted,revised,billable-status-changes}.csv.
import { beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/kb/index.ts';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ importDir: path.join(os.tmpdir(), `kb-none-${process.pid}`) });
});

test('the release in force at the date of service answers, with its change noted', () => {
  const cases: {
    code: string;
    dos?: string;
    release: string;
    active: boolean;
    billable: boolean;
    note?: string;
    children?: string[];
    description?: string;
    effective?: string | null;
    termination?: string | null;
  }[] = [
    // Added in FY2027.
    {
      code: 'I42.00',
      dos: '2026-09-30',
      release: 'FY2027',
      active: false,
      billable: true,
      note: 'new in FY2027, not valid before 2026-10-01',
      effective: '2026-10-01',
    },
    { code: 'I42.00', dos: '2026-10-01', release: 'FY2027', active: true, billable: true, note: 'new in FY2027: valid from 2026-10-01' },
    // No date: today, which is in FY2027.
    { code: 'C78.31', release: 'FY2027', active: true, billable: true, note: 'new in FY2027: valid from 2026-10-01' },
    // Deleted in FY2027.
    {
      code: 'S23.420A',
      dos: '2026-09-30',
      release: 'FY2026',
      active: true,
      billable: true,
      note: 'deleted in FY2027: valid through 2026-09-30',
      termination: '2026-09-30',
    },
    {
      code: 'S23.420A',
      dos: '2026-10-01',
      release: 'FY2026',
      active: false,
      billable: true,
      note: 'deleted in FY2027: valid through 2026-09-30',
      termination: '2026-09-30',
    },
    // Billable in FY2026, a header in FY2027.
    {
      code: 'I42.0',
      dos: '2026-09-30',
      release: 'FY2026',
      active: true,
      billable: true,
      note: 'became a header in FY2027 (billable through 2026-09-30)',
      children: [],
    },
    {
      code: 'I42.0',
      dos: '2026-10-01',
      release: 'FY2027',
      active: true,
      billable: false,
      note: 'became a header in FY2027: billable only through 2026-09-30',
      children: ['I42.00', 'I42.01', 'I42.09'],
    },
    // Retitled in FY2027.
    { code: 'L02.232', dos: '2026-01-15', release: 'FY2026', active: true, billable: true, description: 'Carbuncle of back [any part, except buttock]' },
    {
      code: 'L02.232',
      dos: '2026-11-01',
      release: 'FY2027',
      active: true,
      billable: true,
      description: 'Carbuncle of back [any part, except buttock and flank]',
    },
    // Unchanged code: the release in force is named.
    { code: 'E11.65', dos: '2026-03-01', release: 'FY2026', active: true, billable: true },
    { code: 'E11.65', dos: '2026-12-01', release: 'FY2027', active: true, billable: true },
  ];
  for (const c of cases) {
    const i = kb.lookup(c.code, { dos: c.dos });
    const label = `${c.code} ${c.dos ?? 'today'}`;
    assert.equal(i.known, true, label);
    assert.equal(i.sources[0]?.version, c.release, label);
    assert.equal(i.activeOnDos, c.active, label);
    assert.equal(i.billable, c.billable, label);
    if (c.note) assert.ok(i.notes?.includes(c.note), `${label}: ${JSON.stringify(i.notes)}`);
    else assert.ok(!i.notes?.some((n) => /new in|deleted in|became a header/.test(n)), `${label}: ${JSON.stringify(i.notes)}`);
    if (c.children) assert.deepEqual(i.billableChildren, c.children, label);
    if (c.description) assert.equal(i.description, c.description, label);
    if (c.effective !== undefined) assert.equal(i.effectiveDate, c.effective, label);
    if (c.termination !== undefined) assert.equal(i.terminationDate, c.termination, label);
  }
});

test('a FY2026 header lists the children of FY2026, a FY2027 header those of FY2027', () => {
  // S23.42 lost S23.420 (and its 7th-character codes) in FY2027.
  const before = kb.lookup('S23.42', { dos: '2026-06-01' });
  const after = kb.lookup('S23.42', { dos: '2026-11-01' });
  assert.ok(before.billableChildren.includes('S23.420A'));
  assert.ok(!after.billableChildren.includes('S23.420A'));
  assert.equal(before.billableChildrenTotal - after.billableChildrenTotal, 3);
});

test('Excludes notes of a code and its ancestors, block and chapter', () => {
  const notes = kb.excludesNotes('A04.7');
  const at = notes.map((n) => `${n.code}|${n.type}|${n.referenced.join(',')}`);
  assert.ok(at.includes('A04|excludes1|A05.-'));
  assert.ok(at.includes('A04|excludes1|A18.32'));
  assert.ok(at.includes('Chapter 1|excludes2|Z22.-'));
  assert.ok(notes.every((n) => n.source === 'ICD-10-CM Excludes notes FY2027' && n.note === undefined));
  assert.ok(kb.excludesNotes('A15.0').some((n) => n.code === 'Block A15-A19' && n.referenced.includes('P37.0')));
  assert.deepEqual(kb.excludesNotes('99213'), []);
});

test("Excludes pairs among a question's diagnosis codes", () => {
  const cases: { codes: string[]; dos?: string; pairs: string[] }[] = [
    // E11 excludes1 "type 1 diabetes mellitus (E10.-)", and E10 the other way.
    { codes: ['E11.9', 'E10.9'], pairs: ['E11.9>E10.9 excludes1 @E11', 'E10.9>E11.9 excludes1 @E10'] },
    // A range reference: R73 and R73.0 exclude "diabetes mellitus (E08-E13)".
    { codes: ['R73.03', 'E1165'], pairs: ['R73.03>E11.65 excludes1 @R73.0', 'R73.03>E11.65 excludes1 @R73'] },
    // A block-level note: Block A15-A19 excludes1 congenital tuberculosis (P37.0).
    { codes: ['A15.0', 'P37.0'], pairs: ['A15.0>P37.0 excludes1 @Block A15-A19'] },
    // Excludes2: I10 "essential (primary) hypertension involving vessels of brain (I60-I69)".
    { codes: ['I10', 'I67.4'], pairs: ['I10>I67.4 excludes2 @I10'] },
    // A chapter-level note: Chapter 9 excludes2 "endocrine, nutritional and metabolic diseases (E00-E88)".
    { codes: ['E11.9', 'I10', '99213'], pairs: ['I10>E11.9 excludes2 @Chapter 9'] },
    { codes: ['E11.9', 'Z79.4'], pairs: [] },
  ];
  for (const c of cases) {
    const got = kb.excludesAmong(c.codes, { dos: c.dos }).map((x) => `${x.code}>${x.other} ${x.type} @${x.noteAt}`);
    for (const p of c.pairs) assert.ok(got.includes(p), `${c.codes}: ${p} in ${JSON.stringify(got)}`);
    if (c.pairs.length === 0) assert.deepEqual(got, [], String(c.codes));
  }
  // Before FY2027 there is no FY2026 Excludes file: the FY2027 notes answer, and say so.
  const early = kb.excludesAmong(['E11.9', 'E10.9'], { dos: '2026-05-01' });
  assert.equal(early.length, 2);
  assert.match(early[0].note ?? '', /FY2027 Excludes notes applied to a date of service before 2026-10-01/);
  assert.equal(kb.excludesAmong(['E11.9', 'E10.9'], { dos: '2026-10-01' })[0].note, undefined);
});
