import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { getKnowledgeBase } from '../../src/kb/index.ts';
import { isIsoDate, parseDateOfService } from '../../src/drafting/dos.ts';
import { extractCodes } from '../../src/drafting/extract.ts';
import { detectIntents } from '../../src/drafting/intent.ts';

const DOS: Array<[string, string | null]> = [
  ['DOS 02/10/2026', '2026-02-10'],
  ['date of service 2026-02-10', '2026-02-10'],
  ['seen Feb 10, 2026', '2026-02-10'],
  ['on 10 February 2026', '2026-02-10'],
  ['DOS: 2/2/26', '2026-02-02'],
  ['DOB 03/14/1961, DOS 03/05/2026', '2026-03-05'],
  ['DOB 03/14/1961 only', null],
  ['Date: Mon, Feb 9, 2026 at 8:02 AM', null],
  ['02/30/2026 is not a date', null],
  ['no date here', null],
  ['visits 01/05/2026 and 01/06/2026, no DOS word', null],
];
for (const [text, want] of DOS) test(`dos: ${text}`, () => assert.equal(parseDateOfService(text), want));

test('isIsoDate accepts only real YYYY-MM-DD', () => {
  assert.deepEqual(['2026-02-10', '2026-02-30', '2026-2-10', 'x'].map(isIsoDate), [true, false, false, false]);
});

const kb = await getKnowledgeBase();
const INTENTS: Array<[string, string[]]> = [
  ['Can we bill 20610 with 99213 on the same day?', ['pair']],
  ['Are 22513 and 72292 bundled?', ['pair']],
  ['Do I need modifier 25 on 99214?', ['modifier']],
  ['How many units of J1885 per day?', ['units']],
  ['Can 64484 be billed by itself without 64483?', ['add_on']],
  ['Is M80.08 billable?', ['diagnosis']],
  ['What is G0439 used for?', ['meaning']],
  ['Does Medicare cover 0591T?', ['coverage']],
  ['Do you offer training?', ['other']],
];
for (const [text, want] of INTENTS) {
  test(`intent: ${text}`, () => {
    const { codes, modifiers } = extractCodes(text, kb);
    assert.deepEqual(detectIntents(text, codes, modifiers), want);
  });
}
