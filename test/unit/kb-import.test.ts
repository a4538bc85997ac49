// Importers on small files in CMS's own layouts (fixtures/codesets), into a throwaway import dir.
import { beforeAll, afterAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase } from '../../src/kb/index.ts';
import { importFile, type ImportKind } from '../../src/kb/import/importFile.ts';
import { AppError } from '../../src/errors.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'codesets');
const fx = (name: string) => path.join(fixtures, name);
let importDir: string;

beforeAll(() => {
  importDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-import-'));
});
afterAll(() => fs.rmSync(importDir, { recursive: true, force: true }));

const load = () => loadKnowledgeBase({ importDir });

test('each kind imports and then wins over the shipped table', async () => {
  const cases: { kind: ImportKind; files: string[]; version: string; rows: number; from: string | null; to: string | null }[] = [
    { kind: 'ptp-practitioner', files: ['ccipra_v321r0_f1.txt', 'ccipra_v321r0_f2.txt'], version: 'v321r0', rows: 7, from: '2026-04-01', to: '2026-06-30' },
    { kind: 'mue', files: ['MCR_MUE_PractitionerServices_Eff_07-01-2026.csv'], version: '2026-07-01', rows: 3, from: '2026-07-01', to: '2026-09-30' },
    { kind: 'mue-dme', files: ['MCR_MUE_DMESupplierServices_Eff_07-01-2026.csv'], version: '2026-07-01', rows: 2, from: '2026-07-01', to: '2026-09-30' },
    { kind: 'pfs', files: ['PPRRVU2026_Jan_nonQPP.csv'], version: '2026-01', rows: 3, from: '2026-01-01', to: '2026-03-31' },
    { kind: 'addon', files: ['AOC_V2026Q3-MCR.csv'], version: '2026Q3', rows: 5, from: '2026-07-01', to: '2026-09-30' },
    { kind: 'hcpcs', files: ['HCPC2026_JAN_ANWEB.txt'], version: '2026-01', rows: 4, from: '2026-01-01', to: '2026-03-31' },
    { kind: 'icd10cm', files: ['icd10cm_order_2027.txt'], version: 'FY2027', rows: 6, from: '2026-10-01', to: '2027-09-30' },
    { kind: 'cpt', files: ['LONGULT-test.txt'], version: '2026', rows: 4, from: null, to: null },
  ];
  for (const c of cases) {
    const version = c.kind === 'cpt' ? '2026' : undefined;
    const r = await importFile({ kind: c.kind, files: c.files.map(fx), importDir, version });
    assert.equal(r.version, c.version, c.kind);
    assert.equal(r.rows, c.rows, c.kind);
    assert.equal(r.effectiveFrom, c.from, c.kind);
    assert.equal(r.effectiveTo, c.to, c.kind);
  }
  const kb = await load();
  const status = new Map(kb.status().map((s) => [s.kind, s]));
  for (const kind of ['ptp-practitioner', 'mue-practitioner', 'mue-dme', 'addon', 'hcpcs', 'icd10cm', 'pfs', 'cpt']) {
    assert.equal(status.get(kind)?.origin, 'imported', kind);
  }
  assert.equal(status.get('ptp-outpatient-hospital')?.origin, 'shipped');
  assert.equal(status.get('mue-outpatient-hospital')?.origin, 'shipped');
  assert.equal(kb.mue('E0431', { mueSetting: 'dme' })?.value, 2);
  assert.equal(kb.mue('E0431', { mueSetting: 'dme' })?.source, 'NCCI MUE DME supplier 2026-07-01');
  // The imported PPRRVU (with 2026's extra PRIC IND column) answers: 27447 bilateral indicator 0 there.
  assert.equal(kb.feeSchedule('27447')?.bilateral, '0');
  assert.equal(kb.feeSchedule('27447')?.source, 'Medicare PFS relative value file 2026-01');
  assert.equal(kb.feeSchedule('45380')?.endoscopicBase, '45378');
  assert.equal(kb.feeSchedule('71046', '26')?.modifier, '26');

  // PTP with effective dates: the 99214/99213 pair changed indicator on 2020-01-01.
  const ptpCases: [string, string, string, boolean | null, string | null][] = [
    ['99214', '99213', '2019-06-01', true, '1'],
    ['99214', '99213', '2021-06-01', true, '0'],
    ['0213T', '64493', '2026-03-31', false, '1'],
    ['0213T', '64493', '2026-04-01', true, '1'],
    ['72292', '72291', '2014-06-15', true, '1'],
    ['72292', '72291', '2009-06-15', false, '1'],
    ['J1885', '96372', '2026-05-01', true, '1'],
    ['22513', '99213', '2026-05-01', null, null],
  ];
  for (const [a, b, dos, active, mod] of ptpCases) {
    const e = kb.ptp(a, b, { dos });
    assert.equal(e[0]?.active ?? null, active, `${a}/${b} ${dos}`);
    assert.equal(e[0]?.modifierIndicator ?? null, mod, `${a}/${b} ${dos}`);
    if (e[0]) assert.equal(e[0].source, 'NCCI PTP practitioner v321r0');
  }
  assert.equal(kb.ptp('0213T', '64493', { dos: '2026-04-01' })[0].effectiveDate, '2026-04-01');

  assert.equal(kb.mue('J1885')?.value, 6);
  assert.equal(kb.mue('J1885')?.maiDescription, 'Date of Service Edit: Clinical');
  assert.deepEqual(kb.addOn('64484', { dos: '2026-05-01' })?.primaryCodes, ['64483']);
  assert.deepEqual(kb.addOn('64484', { dos: '2026-07-01' })?.primaryCodes, ['64483', '64490']);
  assert.equal(kb.addOn('0054T', { dos: '2026-07-01' })?.contractorDefinedPrimaries, true);

  const g = kb.lookup('G0999', { dos: '2026-01-15' });
  assert.equal(g.terminationDate, '2025-12-31');
  assert.equal(g.activeOnDos, false);
  assert.equal(kb.lookup('Q9999').description, 'Test procedure first half and its continuation');
  assert.equal(kb.modifier('XU')?.description, 'Unusual non-overlapping service (test text)');

  const header = kb.lookup('M80.08');
  assert.deepEqual(header.billableChildren, ['M80.08XA', 'M80.08XD']);
  assert.equal(kb.lookup('E1165').code, 'E11.65');
  assert.equal(kb.lookup('M54.5').known, false, 'the imported order file replaced the shipped one');

  const cpt = kb.lookup('99213');
  assert.equal(cpt.description, 'Test descriptor one');
  assert.equal(cpt.descriptionNote, null);
  assert.equal(cpt.sources[0].table, 'AMA CPT (licensed)');
  assert.equal(kb.lookup('1234F').known, true, 'known from the licensed file alone');
});

test('a malformed file fails with its line number and leaves the previous version loaded', async () => {
  const cases: { kind: ImportKind; file: string; line: number }[] = [
    { kind: 'ptp-practitioner', file: 'ccipra_malformed.txt', line: 8 },
    { kind: 'mue', file: 'MCR_MUE_malformed.csv', line: 5 },
    { kind: 'addon', file: 'AOC_malformed.csv', line: 6 },
    { kind: 'hcpcs', file: 'HCPC_malformed.txt', line: 4 },
    { kind: 'icd10cm', file: 'icd10cm_order_malformed.txt', line: 3 },
    { kind: 'pfs', file: 'PPRRVU_malformed.csv', line: 3 },
    { kind: 'cpt', file: 'LONGULT-malformed.txt', line: 3 },
  ];
  const before = new Map((await load()).status().map((s) => [s.kind, `${s.version}/${s.rows}`]));
  for (const c of cases) {
    await assert.rejects(
      importFile({ kind: c.kind, files: [fx(c.file)], importDir, version: 'broken' }),
      (err: unknown) => err instanceof AppError && err.code === 'KB_FILE_MALFORMED' && err.message.includes(`line ${c.line}:`),
      c.kind,
    );
  }
  const afterStatus = new Map((await load()).status().map((s) => [s.kind, `${s.version}/${s.rows}`]));
  assert.deepEqual(afterStatus, before);
  // Spread: fs hands back an array of Node's own realm, which strict deepEqual tells apart from a
  // literal in jest's test realm.
  assert.deepEqual([...fs.readdirSync(importDir).filter((f) => f.endsWith('.tmp'))], []);
});

test('a file without the expected header is refused', async () => {
  await assert.rejects(
    importFile({ kind: 'mue', files: [fx('ccipra_v321r0_f1.txt')], importDir }),
    (err: unknown) => err instanceof AppError && /no MUE header row/.test(err.message),
  );
  await assert.rejects(importFile({ kind: 'mue', files: [fx('nope.csv')], importDir }), /ENOENT/);
});

test('a newer ICD-10-CM year goes on top of the shipped years', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-import-icd-'));
  try {
    const r = await importFile({ kind: 'icd10cm', files: [fx('icd10cm_order_2028.txt')], importDir: dir });
    assert.equal(r.version, 'FY2028');
    const kb = await loadKnowledgeBase({ importDir: dir });
    const cases: { code: string; dos: string; release: string; active: boolean; description?: string; note?: string }[] = [
      { code: 'E11.65', dos: '2027-10-01', release: 'FY2028', active: true, description: 'Test diabetes long' },
      { code: 'E11.65', dos: '2026-11-01', release: 'FY2027', active: true, description: 'Type 2 diabetes mellitus with hyperglycemia' },
      { code: 'E11.65', dos: '2026-05-01', release: 'FY2026', active: true },
      { code: 'M54.50', dos: '2027-10-01', release: 'FY2027', active: false, note: 'deleted in FY2028: valid through 2027-09-30' },
      { code: 'Z99.99', dos: '2027-09-30', release: 'FY2028', active: false, note: 'new in FY2028, not valid before 2027-10-01' },
      { code: 'I42.00', dos: '2026-09-30', release: 'FY2027', active: false, note: 'new in FY2027, not valid before 2026-10-01' },
    ];
    for (const c of cases) {
      const i = kb.lookup(c.code, { dos: c.dos });
      const label = `${c.code} ${c.dos}`;
      assert.equal(i.sources[0]?.version, c.release, label);
      assert.equal(i.activeOnDos, c.active, label);
      if (c.description) assert.equal(i.description, c.description, label);
      if (c.note) assert.ok(i.notes?.includes(c.note), `${label}: ${JSON.stringify(i.notes)}`);
    }
    // The E11 header lists only FY2028's billable codes in FY2028.
    assert.deepEqual(kb.lookup('E11', { dos: '2027-10-01' }).billableChildren, ['E11.65']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
