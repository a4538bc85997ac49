import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { normalizeCode, codeCandidates, cptCategory, normalizeModifier } from '../../src/kb/codes.ts';
import { isoToYmd, julianToYmd, parseCmsDate, ymdToDays, daysToYmd } from '../../src/kb/dates.ts';

test('normalizeCode classifies tokens without tables', () => {
  const cases: [string, { code: string; system: string } | null][] = [
    ['j1885', { code: 'J1885', system: 'HCPCS' }],
    [' J1885 ', { code: 'J1885', system: 'HCPCS' }],
    ['0213T', { code: '0213T', system: 'CPT' }],
    ['1234F', { code: '1234F', system: 'CPT' }],
    ['0001U', { code: '0001U', system: 'CPT' }],
    ['99214', { code: '99214', system: 'CPT' }],
    ['0002M', { code: '0002M', system: 'CPT' }],
    ['M80.08', { code: 'M80.08', system: 'ICD-10-CM' }],
    ['m8008xa', { code: 'M80.08XA', system: 'ICD-10-CM' }],
    ['M545', { code: 'M54.5', system: 'ICD-10-CM' }],
    ['Z3A.10', { code: 'Z3A.10', system: 'ICD-10-CM' }],
    ['J18', { code: 'J18', system: 'ICD-10-CM' }],
    // Letter + 4 digits fits both HCPCS and undotted ICD-10-CM; without tables HCPCS wins.
    ['E1165', { code: 'E1165', system: 'HCPCS' }],
    ['C9399', { code: 'C9399', system: 'HCPCS' }],
    ['9921', null],
    ['992134', null],
    ['M80.', null],
    ['M8.008', null],
    ['hello', null],
    ['', null],
  ];
  for (const [raw, want] of cases) assert.deepEqual(normalizeCode(raw), want, raw);
});

test('normalizeCode lets the tables settle letter + 4 digit tokens', () => {
  const icdOnly = (code: string, system: string) => system === 'ICD-10-CM' && code === 'E11.65';
  const both = () => true;
  assert.deepEqual(normalizeCode('E1165', icdOnly), { code: 'E11.65', system: 'ICD-10-CM' });
  assert.deepEqual(normalizeCode('E1165', both), { code: 'E1165', system: 'HCPCS' });
  assert.deepEqual(
    normalizeCode('E1165', () => false),
    { code: 'E1165', system: 'HCPCS' },
  );
  assert.equal(codeCandidates('E1165').length, 2);
  assert.equal(codeCandidates('M80.08').length, 1);
});

test('cptCategory', () => {
  const cases: [string, string | null][] = [
    ['99213', 'I'],
    ['1234F', 'II'],
    ['0213T', 'III'],
    ['0001U', 'PLA'],
    ['0002M', 'MAAA'],
    ['J1885', null],
  ];
  for (const [code, want] of cases) assert.equal(cptCategory(code), want, code);
});

test('normalizeModifier', () => {
  const cases: [string, string | null, string | null][] = [
    ['59', '59', 'CPT Level I'],
    ['-25', '25', 'CPT Level I'],
    ['xu', 'XU', 'HCPCS Level II'],
    ['F1', 'F1', 'HCPCS Level II'],
    ['1A', '1A', 'HCPCS Level II'],
    ['ABC', null, null],
  ];
  for (const [raw, mod, set] of cases) {
    const got = normalizeModifier(raw);
    assert.equal(got?.modifier ?? null, mod, raw);
    assert.equal(got?.codeSet ?? null, set, raw);
  }
});

test('CMS date spellings', () => {
  const cases: [string, number | null][] = [
    ['20241231', 20241231],
    ['2013091', 20130401],
    ['2022365', 20221231],
    ['2024366', 20241231],
    ['2023366', null],
    ['2024-02-29', 20240229],
    ['2023-02-29', null],
    ['04/01/2026', 20260401],
    ['*', null],
    ['', null],
  ];
  for (const [text, want] of cases) assert.equal(parseCmsDate(text), want, text);
  assert.equal(julianToYmd('2026001'), 20260101);
  assert.equal(isoToYmd('2025-11-03'), 20251103);
  const isoCases: [string, number | null][] = [
    ['2024-02-29', 20240229],
    ['2023-02-29', null],
    ['2000-02-29', 20000229],
    ['2100-02-29', null],
    ['2025-04-30', 20250430],
    ['2025-04-31', null],
    ['2025-12-31', 20251231],
    ['2025-13-01', null],
    ['2025-00-10', null],
    ['2025-01-00', null],
    ['1899-12-31', null],
    ['2025-1-01', null],
  ];
  for (const [iso, want] of isoCases) assert.equal(isoToYmd(iso), want, iso);
  assert.equal(daysToYmd(ymdToDays(20191231)), 20191231);
});
