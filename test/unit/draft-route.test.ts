import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { dueAt, pickReviewer, specialtyOf, specialtyOfCode, type ReviewerCandidate } from '../../src/drafting/route.ts';

const SPECIALTY: Array<[string, string, string]> = [
  ['CPT', '00810', 'anesthesia'],
  ['CPT', '01999', 'anesthesia'],
  ['CPT', '10004', 'surgery'],
  ['CPT', '69990', 'surgery'],
  ['CPT', '70010', 'radiology'],
  ['CPT', '79999', 'radiology'],
  ['CPT', '80047', 'pathology'],
  ['CPT', '89398', 'pathology'],
  ['CPT', '0002U', 'pathology'],
  ['CPT', '90281', 'medicine'],
  ['CPT', '99199', 'medicine'],
  ['CPT', '99500', 'medicine'],
  ['CPT', '99607', 'medicine'],
  ['CPT', '99202', 'em'],
  ['CPT', '99499', 'em'],
  ['HCPCS', 'J1885', 'hcpcs'],
  ['ICD-10-CM', 'E11.65', 'diagnosis'],
  ['CPT', '0591T', 'general'],
  ['CPT', '99201', 'general'],
];
for (const [system, code, want] of SPECIALTY) {
  test(`specialty of ${code}`, () => assert.equal(specialtyOfCode(system as 'CPT', code), want));
}

test('specialtyOf: procedure beats E/M, diagnosis only alone, unknown codes ignored', () => {
  assert.equal(
    specialtyOf([
      { system: 'CPT', code: '99213' },
      { system: 'CPT', code: '20610' },
    ]),
    'surgery',
  );
  assert.equal(
    specialtyOf([
      { system: 'ICD-10-CM', code: 'I10' },
      { system: 'HCPCS', code: 'J1885' },
    ]),
    'hcpcs',
  );
  assert.equal(specialtyOf([{ system: 'ICD-10-CM', code: 'I10' }]), 'diagnosis');
  assert.equal(specialtyOf([{ system: 'CPT', code: '12345', known: false }]), 'general');
  assert.equal(specialtyOf([]), 'general');
});

const r = (id: string, specialties: string[], openCount: number, extra: Partial<ReviewerCandidate> = {}): ReviewerCandidate => ({
  id,
  specialties,
  openCount,
  capacity: 5,
  active: true,
  available: true,
  ...extra,
});

const PICKS: Array<[string, string, ReviewerCandidate[], string | null]> = [
  ['lowest load specialist', 'surgery', [r('b', ['surgery'], 3), r('a', ['surgery'], 1), r('c', ['em'], 0)], 'a'],
  ['tie broken by id', 'surgery', [r('b', ['surgery'], 1), r('a', ['surgery'], 1)], 'a'],
  ['full specialist skipped', 'surgery', [r('a', ['surgery'], 5), r('b', ['surgery'], 4)], 'b'],
  ['unavailable specialist skipped', 'surgery', [r('a', ['surgery'], 0, { available: false }), r('b', ['surgery'], 2)], 'b'],
  ['fallback to any available, lowest load', 'radiology', [r('lead', ['general'], 2), r('x', ['surgery'], 1)], 'x'],
  ['fallback when all specialists are full', 'surgery', [r('a', ['surgery'], 5), r('lead', [], 3)], 'lead'],
  ['inactive never chosen', 'surgery', [r('a', ['surgery'], 0, { active: false })], null],
  ['active but unavailable as last resort', 'surgery', [r('a', ['surgery'], 0, { available: false })], 'a'],
  ['nobody', 'surgery', [], null],
];
for (const [name, specialty, list, want] of PICKS) test(`pickReviewer: ${name}`, () => assert.equal(pickReviewer(specialty, list), want));

test('dueAt adds the plan hours', () => {
  assert.equal(dueAt(new Date('2026-02-10T09:00:00Z'), { dueHours: 24 }).toISOString(), '2026-02-11T09:00:00.000Z');
  assert.equal(dueAt(new Date('2026-02-10T09:00:00Z'), { dueHours: 4 }).toISOString(), '2026-02-10T13:00:00.000Z');
});
