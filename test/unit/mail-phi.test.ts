import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { evalPhi } from '../../scripts/eval-phi.ts';
import { detectPhi } from '../../src/mail/phi.ts';

// [text, expected masked text]
const CASES: [string, string][] = [
  ['patient John Smith had 99214', 'patient [PHI:name] had 99214'],
  ['Pt: Mary Jones', 'Pt: [PHI:name]'],
  ['Mr. Lee and Mrs. Ann Garcia', 'Mr. [PHI:name] and Mrs. [PHI:name]'],
  ['name: Smith, John', 'name: [PHI:name]'],
  ['Patient was seen', 'Patient was seen'],
  ['The patient Medicare plan', 'The patient Medicare plan'],
  ['DOB 01/02/1960', 'DOB [PHI:date]'],
  ['born on 7/4/1950', 'born on [PHI:date]'],
  ['date of birth: March 3, 1948', 'date of birth: [PHI:date]'],
  ['DOS 02/10/2026', 'DOS 02/10/2026'],
  ['patient admitted 01/05/2026', 'patient admitted [PHI:date]'],
  ['Admission 01/05/2026 on the claim', 'Admission 01/05/2026 on the claim'],
  ['a 93-year-old', 'a [PHI:date]'],
  ['a 45 year old', 'a 45 year old'],
  ['MRN 12345678', 'MRN [PHI:mrn]'],
  ['medical record # A0045521', 'medical record # [PHI:mrn]'],
  ['SSN 123-45-6789', 'SSN [PHI:ssn]'],
  ['ssn: 123456789', 'ssn: [PHI:ssn]'],
  ['call (555) 123-4567', 'call [PHI:phone]'],
  ['fax 555-987-6543', 'fax [PHI:fax]'],
  ['tel 555-0134', 'tel [PHI:phone]'],
  ['mail a.b@clinic.example', 'mail [PHI:email]'],
  ['123 Main St, Springfield, IL 62704', '[PHI:address]'],
  ['PO Box 12', '[PHI:address]'],
  ['Member ID: XYZ123456789', 'Member ID: [PHI:account]'],
  ['policy # 98765432', 'policy # [PHI:account]'],
  ['Claim #2026000123', 'Claim #[PHI:account]'],
  ['MBI 1EG4-TE5-MK73', 'MBI [PHI:account]'],
  ['see https://x.example/a?b=1.', 'see [PHI:url].'],
  ['from 192.168.1.20', 'from [PHI:ip]'],
  ['from 2001:db8::1', 'from [PHI:ip]'],
  // coding content is never masked
  ['CPT 99214-25 with 20610', 'CPT 99214-25 with 20610'],
  ['HCPCS J1885 x 4 units', 'HCPCS J1885 x 4 units'],
  ['ICD-10 E11.65, M80.08XA, S72.001A', 'ICD-10 E11.65, M80.08XA, S72.001A'],
  ['NDC 0409-4888-02 and 00409-4888-02', 'NDC 0409-4888-02 and 00409-4888-02'],
  ['billed $19,083.00 in 2026', 'billed $19,083.00 in 2026'],
  ['range 99202-99215 and 0591T-0593T', 'range 99202-99215 and 0591T-0593T'],
  ['claim for 99214 denied', 'claim for 99214 denied'],
  ['at 10:30:15, version 1.2.3', 'at 10:30:15, version 1.2.3'],
  ['480 mcg = 48 units of Q5101', '480 mcg = 48 units of Q5101'],
];

for (const [text, masked] of CASES) {
  test(`detectPhi: ${text}`, () => {
    const r = detectPhi(text);
    assert.equal(r.masked, masked);
    assert.equal(r.detected, masked !== text);
    assert.equal(r.spans.length, (masked.match(/\[PHI:/g) ?? []).length);
  });
}

test('detectPhi: kinds are listed once, spans are ordered and disjoint', () => {
  const r = detectPhi('Pt John Smith, DOB 01/02/1960, call 555-123-4567 or 555-222-3333');
  assert.deepEqual([...r.kinds].sort(), ['date', 'name', 'phone']);
  for (let i = 1; i < r.spans.length; i++) assert.ok(r.spans[i].start >= r.spans[i - 1].end);
});

test('PHI eval on fixtures/phi/questions.json meets the goals (recall >= 0.95, precision >= 0.90)', async () => {
  const r = await evalPhi();
  assert.ok(r.questions >= 40, `only ${r.questions} questions`);
  assert.ok(r.recall >= 0.95, `recall ${r.recall}; missed ${JSON.stringify(r.misses)}`);
  assert.ok(r.precision >= 0.9, `precision ${r.precision}; false positives ${JSON.stringify(r.falsePositives)}`);
});
