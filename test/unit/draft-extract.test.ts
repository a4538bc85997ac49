import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { getKnowledgeBase } from '../../src/kb/index.ts';
import { extractCodes } from '../../src/drafting/extract.ts';

const kb = await getKnowledgeBase();

// [text, expected codes "CODE" or "CODE-MOD-MOD", in order]
const CASES: Array<[string, string[]]> = [
  ['Can we bill 20610 with 99213-25?', ['20610', '99213-25']],
  ['CPT® 12001 and CPT® 12002', ['12001', '12002']],
  ['99214 -25 and 93000', ['99214-25', '93000']],
  ['20610-RT and 20610-LT', ['20610-RT-LT']],
  ['11042 with modifier 59', ['11042-59']],
  ['lower case j1885 and e11.65', ['J1885', 'E11.65']],
  ['dx E1165 and R519 undotted', ['E11.65', 'R51.9']],
  ['is M80.08 billable? and S52.521A?', ['M80.08', 'S52.521A']],
  ['Houston, TX 77030 and New York, NY 10021', []],
  ['Portland, OR 97201-1234', []],
  ['phone (212) 555-0147, fax 212-555-0148, tel +1 212 555 0199', []],
  ['total $19,083.00 and $12001 and 12001.00 dollars', []],
  ['invoice 12001, account 99213, acct# 20610, claim #45380, ticket # 43235', []],
  ['invoice numbers 12001, 12002 and 99213', []],
  ['at 10:30 on 02/10/2026, then 2026-02-10', []],
  ['Suite 12002, ext. 29881, NPI 1234567893', []],
  ['code 99999 is unknown but named', ['99999']],
  ['the number 99999 alone is nothing', []],
  ['vitamin B12 and X12 837 files, N95 masks', []],
  ['Line   CPT     Mod\n1      29881   RT\n2      29877   RT, 59', ['29881-RT', '29877-RT-59']],
  ['PLA 0002U and Cat III 0591T', ['0002U', '0591T']],
  ['E/M codes 99203, 99204 and 99205', ['99203', '99204', '99205']],
  ['Is R51.X billable?', ['R51.X']],
];

for (const [text, want] of CASES) {
  test(`extract: ${text.replace(/\n/g, ' / ')}`, () => {
    const got = extractCodes(text, kb).codes.map((c) => [c.code, ...c.modifiers].join('-'));
    assert.deepEqual(got, want);
  });
}

test('extract: unknown codes are named unknown, known ones carry their system', () => {
  const { codes } = extractCodes('code 99999 with J1885 and M80.08', kb);
  assert.deepEqual(
    codes.map((c) => [c.code, c.system, c.known]),
    [
      ['99999', 'CPT', false],
      ['J1885', 'HCPCS', true],
      ['M80.08', 'ICD-10-CM', true],
    ],
  );
  assert.equal(codes[2].billable, false);
});

const MODIFIER_CASES: Array<[string, string[]]> = [
  ['Should I use -XS or modifier 59?', ['59', 'XS']],
  ['which modifier, 91 or 59?', ['91', '59']],
  ['modifiers 25 and 59', ['25', '59']],
  ['the 25 modifier on 99214', ['25']],
  ['When is modifier 59 appropriate versus XU?', ['59', 'XU']],
  ['dates 10-25 and ranges 1-59 are not modifiers', []],
];
for (const [text, want] of MODIFIER_CASES) {
  test(`modifiers: ${text}`, () => {
    assert.deepEqual(extractCodes(text, kb).modifiers, want);
  });
}
