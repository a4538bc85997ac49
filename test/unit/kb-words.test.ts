// Question words to modifier families.
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { modifierFamilyFromWords } from '../../src/kb/words.ts';

test('modifierFamilyFromWords', () => {
  const cases: [string, string[][]][] = [
    ['Can we use the X modifiers here or only 59?', [['XE', 'XS', 'XP', 'XU']]],
    ['Should it be X{EPSU}?', [['XE', 'XS', 'XP', 'XU']]],
    ['Billing the discarded drug from a single-dose vial', [['JW', 'JZ']]],
    ['How do we report wastage?', [['JW', 'JZ']]],
    ['Injection on the left knee', [['LT', 'RT']]],
    ['Performed bilaterally, do we bill 50?', [['50']]],
    ['PA as assistant at surgery', [['80', '81', '82', 'AS']]],
    ['Patient signed an ABN', [['GA', 'GX', 'GY', 'GZ']]],
    ['Bilateral with an assistant, ABN on file', [['50'], ['80', '81', '82', 'AS'], ['GA', 'GX', 'GY', 'GZ']]],
    ['E/M and 20610 same day', []],
    ['cleft palate repair', []],
  ];
  for (const [text, want] of cases)
    assert.deepEqual(
      modifierFamilyFromWords(text).map((f) => f.modifiers),
      want,
      text,
    );
  assert.equal(modifierFamilyFromWords('left side only')[0].matched, 'left side');
  // Linear: a long hostile input finishes quickly and finds the one phrase.
  const long = `${'word '.repeat(200_000)}abn`;
  assert.deepEqual(
    modifierFamilyFromWords(long).map((f) => f.family),
    ['ABN'],
  );
});
