// Expectations checked against the rows of ../shared/data before being written here.
import { beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { loadKnowledgeBase, getKnowledgeBase, normalizeCode, CPT_LICENCE_NOTE, type KnowledgeBase } from '../../src/kb/index.ts';
import { lookupReport } from '../../src/kb/cli.ts';

let kb: KnowledgeBase;
beforeAll(async () => {
  // An empty import dir: only the shipped tables.
  kb = await loadKnowledgeBase({ importDir: path.join(os.tmpdir(), `kb-none-${process.pid}`) });
});

test('PTP edits at a date of service, both orders', () => {
  const cases: {
    a: string;
    b: string;
    dos: string;
    setting?: 'practitioner' | 'outpatient_hospital';
    c1: string;
    c2: string;
    active: boolean;
    mod: string;
    deletion: string | null;
  }[] = [
    { a: '20610', b: '99213', dos: '2024-08-01', c1: '20610', c2: '99213', active: true, mod: '1', deletion: null },
    { a: '99213', b: '20610', dos: '2024-08-01', c1: '20610', c2: '99213', active: true, mod: '1', deletion: null },
    { a: '29881', b: '29877', dos: '2024-08-01', c1: '29881', c2: '29877', active: true, mod: '0', deletion: null },
    { a: '72292', b: '72291', dos: '2014-06-15', c1: '72292', c2: '72291', active: true, mod: '1', deletion: '2014-12-31' },
    { a: '72292', b: '72291', dos: '2014-12-31', c1: '72292', c2: '72291', active: true, mod: '1', deletion: '2014-12-31' },
    { a: '72292', b: '72291', dos: '2025-11-03', c1: '72292', c2: '72291', active: false, mod: '1', deletion: '2014-12-31' },
    // Two rows for the pair: the one deleted 2019-12-31 applies in 2019, the open one after.
    { a: '99214', b: '99213', dos: '2019-06-01', c1: '99214', c2: '99213', active: true, mod: '1', deletion: '2019-12-31' },
    { a: '99214', b: '99213', dos: '2024-08-01', c1: '99214', c2: '99213', active: true, mod: '1', deletion: null },
    { a: '0001A', b: '0591T', dos: '2024-08-01', setting: 'outpatient_hospital', c1: '0001A', c2: '0591T', active: false, mod: '1', deletion: '2023-12-31' },
  ];
  for (const c of cases) {
    const edits = kb.ptp(c.a, c.b, { dos: c.dos, setting: c.setting });
    const label = `${c.a}/${c.b} ${c.dos}`;
    assert.equal(edits.length, 1, label);
    const e = edits[0];
    assert.equal(e.column1, c.c1, label);
    assert.equal(e.column2, c.c2, label);
    assert.equal(e.active, c.active, label);
    assert.equal(e.modifierIndicator, c.mod, label);
    assert.equal(e.deletionDate, c.deletion, label);
    assert.equal(e.setting, c.setting ?? 'practitioner', label);
    assert.match(e.source, /NCCI PTP (practitioner|outpatient hospital) 2024-07-01/, label);
  }
  assert.deepEqual(kb.ptp('99213', 'J1885', { dos: '2024-08-01' }), []);
  assert.deepEqual(kb.ptp('ZZZZZ', '99213'), []);
});

test('code lookups', () => {
  const cases: {
    code: string;
    dos?: string;
    system: string | null;
    norm: string;
    known: boolean;
    billable: boolean | null;
    active?: boolean;
    children?: string[];
    description?: RegExp;
    note?: boolean;
  }[] = [
    {
      code: 'M80.08',
      system: 'ICD-10-CM',
      norm: 'M80.08',
      known: true,
      billable: false,
      children: ['M80.08XA', 'M80.08XD', 'M80.08XG', 'M80.08XK', 'M80.08XP', 'M80.08XS'],
    },
    { code: 'M80.08XA', system: 'ICD-10-CM', norm: 'M80.08XA', known: true, billable: true, children: [] },
    { code: 'M54.5', system: 'ICD-10-CM', norm: 'M54.5', known: true, billable: false, children: ['M54.50', 'M54.51', 'M54.59'] },
    { code: 'E1165', system: 'ICD-10-CM', norm: 'E11.65', known: true, billable: true, description: /Type 2 diabetes mellitus with hyperglycemia/ },
    { code: 'j1885', system: 'HCPCS', norm: 'J1885', known: true, billable: null, active: true, description: /ketorolac/i },
    { code: '99214', system: 'CPT', norm: '99214', known: true, billable: null, note: true },
    { code: '0213T', system: 'CPT', norm: '0213T', known: true, billable: null, note: true },
    { code: '0001U', system: 'CPT', norm: '0001U', known: true, billable: null, note: true },
    { code: '99999', system: 'CPT', norm: '99999', known: false, billable: null },
    { code: 'M80.09', system: 'ICD-10-CM', norm: 'M80.09', known: false, billable: null },
    { code: 'Q0000', system: 'HCPCS', norm: 'Q0000', known: false, billable: null },
    { code: 'banana', system: null, norm: 'BANANA', known: false, billable: null },
  ];
  for (const c of cases) {
    const i = kb.lookup(c.code, { dos: c.dos ?? '2025-11-03' });
    assert.equal(i.system, c.system, c.code);
    assert.equal(i.code, c.norm, c.code);
    assert.equal(i.known, c.known, c.code);
    assert.equal(i.billable, c.billable, c.code);
    if (c.active !== undefined) assert.equal(i.activeOnDos, c.active, c.code);
    if (c.children) {
      assert.deepEqual(i.billableChildren, c.children, c.code);
      assert.equal(i.billableChildrenTotal, c.children.length, c.code);
    }
    if (c.description) assert.match(i.description ?? '', c.description, c.code);
    if (c.note) {
      assert.equal(i.description, null, c.code);
      assert.equal(i.descriptionNote, CPT_LICENCE_NOTE, c.code);
    }
    if (c.known) assert.ok(i.sources.length > 0, c.code);
    else assert.deepEqual(i.sources, [], c.code);
  }
  assert.deepEqual(kb.lookup('M80.08').seventhCharacters, ['A', 'D', 'G', 'K', 'P', 'S']);
});

test('HCPCS dates decide activity at the date of service', () => {
  // J1885 was added 1993-01-01 and has no termination date.
  assert.equal(kb.lookup('J1885', { dos: '1992-12-31' }).activeOnDos, false);
  assert.equal(kb.lookup('J1885', { dos: '1993-01-01' }).activeOnDos, true);
  assert.equal(kb.lookup('J1885').effectiveDate, '1993-01-01');
  assert.throws(() => kb.lookup('J1885', { dos: '2025-02-30' }), /not a YYYY-MM-DD date/);
});

test('MUE and add-on facts', () => {
  const mue = kb.mue('J1885');
  assert.equal(mue?.value, 8);
  assert.equal(mue?.mai, '3');
  assert.equal(mue?.source, 'NCCI MUE practitioner 2026-04-01');
  assert.equal(kb.mue('j1885')?.value, 8);
  assert.equal(kb.mue('M80.08'), null);

  const aoc = kb.addOn('64484', { dos: '2026-05-01' });
  assert.ok(aoc);
  assert.ok(aoc.primaryCodes.includes('64483'));
  assert.equal(aoc.type, '1');
  assert.equal(aoc.source, 'NCCI add-on code edits 2026Q2');
  assert.equal(kb.addOn('64483', { dos: '2026-05-01' }), null);
  // 20701: type 1 edits 2020-01-01..2022-12-31, type 3 from 2023-01-01.
  assert.deepEqual(kb.addOn('20701', { dos: '2021-06-01' })?.types, ['1']);
  assert.deepEqual(kb.addOn('20701', { dos: '2024-06-01' })?.types, ['3']);
  assert.equal(kb.addOn('20701', { dos: '2019-06-01' }), null);
  const contractor = kb.addOn('0054T', { dos: '2026-05-01' });
  assert.equal(contractor?.contractorDefinedPrimaries, true);
  assert.equal(contractor?.type, '2');
});

test('modifiers', () => {
  const cases: { mod: string; set: string | null; ptp: boolean; hasDescription: boolean }[] = [
    { mod: '59', set: 'CPT Level I', ptp: true, hasDescription: false },
    { mod: '25', set: 'CPT Level I', ptp: true, hasDescription: false },
    { mod: '22', set: 'CPT Level I', ptp: false, hasDescription: false },
    { mod: 'XU', set: 'HCPCS Level II', ptp: true, hasDescription: true },
    { mod: 'lt', set: 'HCPCS Level II', ptp: true, hasDescription: true },
    { mod: 'GA', set: 'HCPCS Level II', ptp: false, hasDescription: true },
    { mod: 'ZZ', set: null, ptp: false, hasDescription: false },
  ];
  for (const c of cases) {
    const m = kb.modifier(c.mod);
    assert.equal(m?.codeSet ?? null, c.set, c.mod);
    if (!m) continue;
    assert.equal(m.ptpAssociated, c.ptp, c.mod);
    assert.equal(m.description !== null, c.hasDescription, c.mod);
  }
});

test('editsAmong a list of codes', () => {
  const r = kb.editsAmong(['99213', '20610', 'M80.08', 'J1885', '64484', '64483', '72292', '72291'], { dos: '2025-11-03' });
  const pairs = r.ptp.map((e) => `${e.column1}/${e.column2}`).sort();
  assert.ok(pairs.includes('20610/99213'));
  assert.ok(!pairs.includes('72292/72291'), 'deleted in 2014');
  assert.ok(r.ptp.every((e) => e.active));
  assert.deepEqual(r.mue.find((m) => m.code === 'J1885')?.value, 8);
  assert.deepEqual(
    r.addOn.map((a) => a.addOnCode),
    ['64484'],
  );
  const old = kb.editsAmong(['72292', '72291'], { dos: '2014-06-15' });
  assert.deepEqual(
    old.ptp.map((e) => `${e.column1}/${e.column2}`),
    ['72292/72291'],
  );
});

test('lookup report shows inactive edits too', () => {
  const r = lookupReport(kb, ['72292', '72291', 'M80.08', '59'], '2025-11-03', 'practitioner');
  assert.equal(r.codes.length, 3);
  assert.equal(r.modifiers[0]?.modifier, '59');
  assert.equal(r.ptp.length, 1);
  assert.equal(r.ptp[0].active, false);
});

test('status lists every shipped table with its version and rows', () => {
  const byKind = new Map(kb.status().map((s) => [s.kind, s]));
  const cases: [string, string, number][] = [
    ['ptp-practitioner', '2024-07-01', 2_546_017],
    ['ptp-outpatient-hospital', '2024-07-01', 1_775_818],
    ['mue-practitioner', '2026-04-01', 15_095],
    ['addon', '2026Q2', 9_000],
    ['hcpcs', '2025-10', 8_846],
    ['icd10cm', 'FY2026 + FY2027', 98_436],
    ['mue-outpatient-hospital', '2026-04-01', 15_045],
    ['mue-dme', '2026-04-01', 3_083],
    ['pfs', 'RVU25D', 19_090],
    ['icd10cm-excludes', 'FY2027', 7_940],
    ['guidance', '2026', 2_351],
    ['ptp-modifiers', '2026-01-01', 47],
  ];
  for (const [kind, version, rows] of cases) {
    assert.equal(byKind.get(kind)?.version, version, kind);
    assert.equal(byKind.get(kind)?.rows, rows, kind);
    assert.equal(byKind.get(kind)?.origin, 'shipped', kind);
  }
  assert.equal(byKind.has('cpt'), false);
});

test('kb.normalize and getKnowledgeBase caching', async () => {
  assert.deepEqual(kb.normalize?.('E1165'), { code: 'E11.65', system: 'ICD-10-CM' });
  assert.deepEqual(kb.normalize?.('E0100'), { code: 'E0100', system: 'HCPCS' });
  assert.deepEqual(normalizeCode('E1165'), { code: 'E1165', system: 'HCPCS' });
  const dir = path.join(os.tmpdir(), `kb-none-${process.pid}`);
  const a = await getKnowledgeBase({ importDir: dir });
  const b = await getKnowledgeBase({ importDir: dir });
  assert.equal(a, b);
});

test('PTP partners of a code: in force on the date, and only listed (deleted)', () => {
  const p = kb.ptpPartners!('20610', { dos: '2024-08-01' });
  assert.ok(p.column2.includes('99213'), '20610 is column 1 over 99213');
  assert.ok(!p.inactiveColumn2.includes('99213'));
  // 72292's edits (e.g. with 72291) were deleted on 2014-12-31: in force in 2014, only listed since.
  const then = kb.ptpPartners!('72292', { dos: '2014-06-15' });
  assert.ok(then.column2.includes('72291'), '72292 / 72291 applied in 2014');
  const now = kb.ptpPartners!('72292', { dos: '2025-11-03' });
  assert.deepEqual([now.column2, now.column1], [[], []]);
  assert.ok(now.inactiveColumn2.includes('72291'), 'and is shown as deleted later');
  assert.match(now.source, /^NCCI PTP practitioner /);
  assert.deepEqual(kb.ptpPartners!('M80.08', {}), { column2: [], column1: [], inactiveColumn2: [], inactiveColumn1: [], source: now.source });
});
