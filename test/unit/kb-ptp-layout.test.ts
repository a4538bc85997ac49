import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { decodeTable, encodeTable, type TableHeader } from '../../src/kb/container.ts';
import { NO_DATE, PtpBuilder, PtpTable, type PtpRowInput } from '../../src/kb/tables/ptp.ts';
import { ymdToDays } from '../../src/kb/dates.ts';

const header = { kind: 'ptp-practitioner', table: 'NCCI PTP practitioner', version: 'test' } as Omit<TableHeader, 'rows'>;

const rows: PtpRowInput[] = [
  { column1: '29881', column2: '29880', deletion: null, effective: null, modifierIndicator: '1', rationale: 'Mutually exclusive procedures' },
  {
    column1: '29881',
    column2: '29877',
    deletion: 20240101,
    effective: 20200101,
    modifierIndicator: '1',
    rationale: 'Standards of medical / surgical practice',
  },
  { column1: '29881', column2: '29877', deletion: null, effective: 20240101, modifierIndicator: '0', rationale: 'Standards of medical / surgical practice' },
  { column1: '99214', column2: '36415', deletion: null, effective: null, modifierIndicator: '9', rationale: 'Misuse of column two code with column one code' },
  {
    column1: '11042',
    column2: '97597',
    deletion: 20230630,
    effective: null,
    modifierIndicator: '1',
    rationale: 'CPT Manual or CMS manual coding instructions',
  },
];

function current(): Buffer {
  const b = new PtpBuilder();
  for (const r of rows) b.add(r);
  return b.encode(header);
}

/** The layout files had before the rows carried combination ids: a row's own four columns. */
function legacy(): Buffer {
  const t = decodeTable(current(), 'current');
  const attr = t.columns.get('attr') as Uint16Array;
  const pick = <T extends Uint8Array | Uint16Array>(name: string, out: T): T => {
    const comb = t.columns.get(name) as T;
    for (let i = 0; i < attr.length; i++) out[i] = comb[attr[i]];
    return out;
  };
  return encodeTable(
    { ...t.header },
    {
      codes: t.text.get('codes')!.bytes.toString('utf8').split('\n'),
      start: t.columns.get('start') as Uint32Array,
      c2: t.columns.get('c2') as Uint16Array,
      del: pick('aDel', new Uint16Array(attr.length)),
      eff: pick('aEff', new Uint16Array(attr.length)),
      mod: pick('aMod', new Uint8Array(attr.length)),
      rat: pick('aRat', new Uint8Array(attr.length)),
    },
  );
}

test('a PTP file with combination ids is read in place, an older file is copied, and both answer alike', () => {
  const now = new PtpTable(decodeTable(current(), 'current'), 'practitioner');
  const old = new PtpTable(decodeTable(legacy(), 'legacy'), 'practitioner');
  assert.equal(now.holdsFile, true);
  assert.equal(old.holdsFile, false);
  const days = (ymd: number) => ymdToDays(ymd);
  const cases: [string, string, number, boolean | null][] = [
    ['29881', '29880', days(20260101), true],
    ['29881', '29877', days(20230101), true],
    ['29881', '29877', days(20260101), true],
    ['29881', '29877', days(20190101), false],
    ['11042', '97597', days(20260101), false],
    ['99214', '36415', days(20260101), true],
    ['36415', '99214', days(20260101), null],
    ['29880', '29881', days(20260101), null],
    ['99999', '29880', days(20260101), null],
  ];
  for (const [a, b, dos, active] of cases) {
    const [x, y] = [now.pick(a, b, dos), old.pick(a, b, dos)];
    assert.equal(x?.active ?? null, active, `${a} ${b} ${dos}`);
    assert.deepEqual(x && now.edit(a, x), y && old.edit(a, y), `${a} ${b} ${dos}`);
  }
  // The modifier indicator and the rationale of the edit in force follow the row's own combination.
  const edit = now.edit('29881', now.pick('29881', '29877', days(20260101))!);
  assert.equal(edit.modifierIndicator, '0');
  assert.equal(edit.rationale, 'Standards of medical / surgical practice');
  assert.deepEqual(now.partners('29881', days(20260101)), old.partners('29881', days(20260101)));
  assert.ok(NO_DATE > days(20991231));
});
