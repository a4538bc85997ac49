import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { greetableName } from '../../src/mail/display-name.ts';

const CASES: [string | null, string | null][] = [
  ['Dana Coder', 'Dana Coder'],
  ["Olga O'Brien-Smith", "Olga O'Brien-Smith"],
  ['Smith, Dana', 'Smith, Dana'],
  ['J. R. Tolkien', 'J. R. Tolkien'],
  ['  José   Müller ', 'José Müller'],
  ['山田 太郎', '山田 太郎'],
  ['Claim your prize at http://spam.example/win', null],
  ['www.spam.example', null],
  ['spam.example', null],
  ['dana@clinic.example', null],
  ['Call 555-0100 now', null],
  ['<script>', null],
  ['Win big: click here', null],
  ['one two three four five six', null],
  ['x'.repeat(61), null],
  ['', null],
  [null, null],
  ['-', null],
];

for (const [input, expected] of CASES) {
  test(`greetableName(${JSON.stringify(input)})`, () => assert.equal(greetableName(input), expected));
}
