// HCPCS drug billing units, read from the real long descriptors of ../shared/data/hcpcs-2025-10.tsv.
import { beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/kb/index.ts';
import { parseDosageUnit } from '../../src/kb/dosage.ts';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ importDir: path.join(os.tmpdir(), `kb-none-${process.pid}`) });
});

test('dosage units of real J-codes', () => {
  const cases: [string, number | null, string | null, string | null][] = [
    ['J1885', 15, 'mg', 'per 15 mg'], // Injection, ketorolac tromethamine, per 15 mg
    ['J3301', 10, 'mg', '10 mg'], // Injection, triamcinolone acetonide, not otherwise specified, 10 mg
    ['J0585', 1, 'unit', '1 unit'], // Injection, onabotulinumtoxina, 1 unit
    ['J1100', 1, 'mg', '1 mg'], // Injection, dexamethasone sodium phosphate, 1 mg
    ['J2001', 10, 'mg', '10 mg'], // Injection, lidocaine hcl for intravenous infusion, 10 mg
    ['J9035', 10, 'mg', '10 mg'], // Injection, bevacizumab, 10 mg
    ['J0897', 1, 'mg', '1 mg'], // Injection, denosumab, 1 mg
    ['J1040', 80, 'mg', '80 mg'], // Injection, methylprednisolone acetate, 80 mg
    ['J3420', 1000, 'mcg', 'up to 1000 mcg'], // Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg
    ['J0129', 10, 'mg', '10 mg'], // Injection, abatacept, 10 mg (code may be used for medicare when ...)
    ['J7050', 250, 'cc', '250 cc'], // Infusion, normal saline solution, 250 cc
    ['J0171', 0.1, 'mg', '0.1 mg'], // Injection, adrenalin, epinephrine, 0.1 mg
    ['J1644', 1000, 'units', 'per 1000 units'], // Injection, heparin sodium, per 1000 units
    ['J0881', 1, 'microgram', '1 microgram'], // Injection, darbepoetin alfa, 1 microgram (non-esrd use)
    ['A9552', 45, 'millicuries', 'up to 45 millicuries'], // ..., per study dose, up to 45 millicuries
    ['J1569', 500, 'mg', '500 mg'], // ..., (e.g., liquid), 500 mg
    ['J1817', 50, 'units', 'per 50 units'], // Insulin for administration through dme (i.e., insulin pump) per 50 units
    // No amount per unit of service: null, never a guess.
    ['J7321', null, null, null], // ..., for intra-articular injection, per dose
    ['J0702', null, null, null], // Injection, betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg
    ['J3490', null, null, null], // Unclassified drugs
    ['J0561', null, null, null], // Injection, penicillin g benzathine, 100,000 units (a thousands comma: not "000 units")
    ['G1028', null, null, null], // ... 2-pack of 8mg per 0.1 ml nasal spray (...): the unit is the pack, not 0.1 ml
    ['99213', null, null, null], // CPT: no public descriptor
  ];
  for (const [code, amount, unit, phrase] of cases) {
    const d = kb.dosageUnit(code);
    assert.equal(d?.amount ?? null, amount, code);
    assert.equal(d?.unit ?? null, unit, code);
    assert.equal(d?.phrase ?? null, phrase, code);
    if (d) {
      assert.equal(d.code, code);
      assert.equal(d.source, 'HCPCS Level II 2025-10');
    }
  }
});

test('parseDosageUnit on descriptor shapes', () => {
  const cases: [string, [number, string] | null][] = [
    ['Injection, x, per 5 ml', [5, 'ml']],
    ['Injection, x, 100 units', [100, 'units']],
    ['Injection, x, .5 mg', [0.5, 'mg']],
    ['Injection, x, 10 mgx', null],
    ['Injection, x, per vial', null],
    ['', null],
  ];
  for (const [text, want] of cases) {
    const d = parseDosageUnit(text);
    assert.deepEqual(d ? [d.amount, d.unit] : null, want, text);
  }
});
