// Fee schedule indicators and MUE by setting, on the shipped tables. Expectations read from
// ../shared/data/pprrvu-2025-10.tsv and the three MUE files before being written here.
import { beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { loadKnowledgeBase, type KnowledgeBase, type MueSetting } from '../../src/kb/index.ts';
import { describeBilateral, describeFeeSchedule, describeGlobalDays, describeAssistant, describeStatus } from '../../src/kb/pfsMeanings.ts';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ importDir: path.join(os.tmpdir(), `kb-none-${process.pid}`) });
});

test('fee schedule indicators per code and modifier row', () => {
  const cases: {
    code: string;
    mod?: string;
    row: string | null;
    status: string;
    global: string;
    bilat: string;
    asst: string;
    endo: string | null;
    pctc: string;
    mult: string;
    shares?: [number, number, number];
    sup?: string;
  }[] = [
    { code: '27447', row: null, status: 'A', global: '090', bilat: '1', asst: '2', endo: null, pctc: '0', mult: '2', shares: [0.1, 0.69, 0.21] },
    { code: '45380', row: null, status: 'A', global: '000', bilat: '0', asst: '1', endo: '45378', pctc: '0', mult: '3' },
    { code: '99213', row: null, status: 'A', global: 'XXX', bilat: '0', asst: '0', endo: null, pctc: '0', mult: '0' },
    { code: '71046', mod: '26', row: '26', status: 'A', global: 'XXX', bilat: '0', asst: '0', endo: null, pctc: '1', mult: '0', sup: '09' },
    { code: '71046', mod: 'tc', row: 'TC', status: 'A', global: 'XXX', bilat: '0', asst: '0', endo: null, pctc: '1', mult: '0', sup: '01' },
    // No 59 row: the global row answers.
    { code: '71046', mod: '59', row: null, status: 'A', global: 'XXX', bilat: '0', asst: '0', endo: null, pctc: '1', mult: '0', sup: '09' },
    { code: '0001F', row: null, status: 'I', global: 'XXX', bilat: '9', asst: '9', endo: null, pctc: '9', mult: '9' },
  ];
  for (const c of cases) {
    const f = kb.feeSchedule(c.code, c.mod);
    const label = `${c.code} ${c.mod ?? ''}`;
    assert.ok(f, label);
    assert.equal(f.modifier, c.row, label);
    assert.equal(f.status, c.status, label);
    assert.equal(f.globalDays, c.global, label);
    assert.equal(f.bilateral, c.bilat, label);
    assert.equal(f.assistant, c.asst, label);
    assert.equal(f.endoscopicBase, c.endo, label);
    assert.equal(f.pcTc, c.pctc, label);
    assert.equal(f.multipleProcedure, c.mult, label);
    if (c.shares) assert.deepEqual([f.preOp, f.intraOp, f.postOp], c.shares, label);
    if (c.sup) assert.equal(f.supervision, c.sup, label);
    assert.equal(f.source, 'Medicare PFS relative value file RVU25D', label);
  }
  // 86153 has only a 26 row: it answers for the code.
  assert.equal(kb.feeSchedule('86153')?.modifier, '26');
  assert.equal(kb.feeSchedule('M80.08'), null);
  assert.equal(kb.feeSchedule('ZZZZZ'), null);
});

test('indicator meanings are CMS values in words, null for values the layout does not define', () => {
  assert.match(describeBilateral('1') ?? '', /^150% payment adjustment applies; report with modifier 50 on one line \(1 unit\)/);
  assert.match(describeGlobalDays('090') ?? '', /90-day postoperative period/);
  assert.match(describeAssistant('1') ?? '', /may not be paid/);
  assert.match(describeStatus('I') ?? '', /Not valid for Medicare/);
  assert.equal(describeBilateral('7'), null);
  const rows = describeFeeSchedule(kb.feeSchedule('45380')!);
  assert.deepEqual(rows.find((r) => r.indicator === 'endoscopic base')?.value, '45378');
  assert.ok(
    rows.every((r) => r.meaning !== null),
    'every 45380 value has a meaning',
  );
});

test('MUE by setting: practitioner, outpatient hospital, DME supplier', () => {
  const cases: { code: string; setting?: MueSetting; ptpSetting?: 'outpatient_hospital'; value: number | null; table: string | null }[] = [
    { code: '11046', value: 10, table: 'NCCI MUE practitioner 2026-04-01' },
    { code: '11046', setting: 'outpatient_hospital', value: 4, table: 'NCCI MUE outpatient hospital 2026-04-01' },
    // The PTP setting chooses the MUE table when no MUE setting is given.
    { code: '11046', ptpSetting: 'outpatient_hospital', value: 4, table: 'NCCI MUE outpatient hospital 2026-04-01' },
    { code: 'E0431', setting: 'dme', value: 1, table: 'NCCI MUE DME supplier 2026-04-01' },
    { code: 'E0431', value: 0, table: 'NCCI MUE practitioner 2026-04-01' },
    { code: '11046', setting: 'dme', value: null, table: null },
  ];
  for (const c of cases) {
    const m = kb.mue(c.code, { mueSetting: c.setting, setting: c.ptpSetting });
    const label = `${c.code} ${c.setting ?? c.ptpSetting ?? 'practitioner'}`;
    assert.equal(m?.value ?? null, c.value, label);
    assert.equal(m?.source ?? null, c.table, label);
  }
  const among = kb.editsAmong(['11046', '11045'], { mueSetting: 'outpatient_hospital' });
  assert.equal(among.mue.find((m) => m.code === '11046')?.source, 'NCCI MUE outpatient hospital 2026-04-01');
});

test('lookup report: fee schedule rows, dosage units, Excludes pairs, and the DME setting without PTP', async () => {
  const { lookupReport } = await import('../../src/kb/cli.ts');
  const r = lookupReport(kb, ['71046', '26', 'J1885', '20610', '99213', 'E11.9', 'E10.9'], '2026-11-02', 'practitioner');
  assert.equal(r.feeSchedule.find((f) => f.code === '71046')?.modifier, '26');
  assert.deepEqual(
    r.dosageUnits.map((d) => `${d.code} ${d.amount} ${d.unit}`),
    ['J1885 15 mg'],
  );
  assert.ok(r.excludes.some((x) => x.code === 'E11.9' && x.other === 'E10.9' && x.type === 'excludes1'));
  assert.ok(r.ptp.some((e) => e.column1 === '20610' && e.column2 === '99213'));
  const dme = lookupReport(kb, ['E0431', '20610', '99213'], '2026-05-01', 'dme');
  assert.deepEqual(dme.ptp, []);
  assert.equal(dme.mue.find((m) => m.code === 'E0431')?.source, 'NCCI MUE DME supplier 2026-04-01');
});
