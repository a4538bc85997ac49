import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { WordColumn } from '../../src/kb/word-column.ts';
import { column, decodeTable, decompress, textColumn } from '../../src/kb/container.ts';
import { isAscii } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { DEFAULT_CODESET_DIR } from '../../src/kb/paths.ts';

const build = (rows: string[], encoding: 'latin1' | 'utf8' = 'latin1') => new WordColumn(Buffer.from(rows.join('\n'), encoding), rows.length, encoding);

test('WordColumn gives every row back exactly, spacing included', () => {
  const cases: string[][] = [
    ['Cholera', 'Cholera due to Vibrio cholerae 01, biovar cholerae', 'Cholera, unspecified'],
    ['', 'a', '', 'a  b', ' leading', 'trailing ', '  '],
    ['one row only'],
    [''],
    ['Ménière disease', 'Sjögren syndrome, unspecified', 'Ménière'],
  ];
  for (const rows of cases) {
    const enc = rows.some((r) => !isAscii(Buffer.from(r))) ? 'utf8' : 'latin1';
    const c = build(rows, enc);
    assert.equal(c.length, rows.length);
    for (let i = 0; i < rows.length; i++) assert.equal(c.get(i), rows[i], JSON.stringify(rows));
  }
  assert.equal(new WordColumn(Buffer.alloc(0), 0, 'latin1').length, 0);
});

test('WordColumn holds more than 65,536 distinct words', () => {
  const rows = Array.from({ length: 40_000 }, (_, i) => `w${i} x${i} shared`);
  const c = build(rows);
  for (let i = 0; i < rows.length; i += 1_999) assert.equal(c.get(i), rows[i]);
  assert.equal(c.get(rows.length - 1), rows.at(-1));
});

test('WordColumn reads the shipped ICD-10-CM titles as the plain text column does', async () => {
  const t = decodeTable(await decompress(await readFile(`${DEFAULT_CODESET_DIR}/icd10cm.kb.gz`)), 'icd10cm');
  const plain = textColumn(t, 'desc');
  const raw = t.text.get('desc')!;
  const words = new WordColumn(raw.bytes, raw.count, 'latin1');
  assert.equal(words.length, column<string[]>(t, 'codes', 'str').length);
  for (let i = 0; i < plain.length; i++) if (words.get(i) !== plain.get(i)) assert.fail(`row ${i}: ${words.get(i)} != ${plain.get(i)}`);
});
