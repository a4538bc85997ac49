import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { KeyIndex } from '../../src/key-index.ts';
import { ErrorCodes } from '../../src/errors.ts';
import { execFileSync } from 'node:child_process';

test('KeyIndex finds each key at its row, and only whole keys', () => {
  const keys = ['A00', 'A000', 'A0100', '99213', '99213 26', 'J', 'S72001A', 'Z3A10'];
  const idx = KeyIndex.of(keys, 'test');
  assert.equal(idx.length, keys.length);
  keys.forEach((k, r) => {
    assert.equal(idx.get(k), r, k);
    assert.equal(idx.key(r), k);
    assert.equal(idx.keyLength(r), k.length);
  });
  const absent: string[] = ['', 'A0', 'A0000', '9921', '99213 2', '99213 26 ', 'a00', 'A00\0', 'J\0', 'S72001AX', 'É00', 'A00\n', 'Z3A10Z3A10Z3A10Z3A10'];
  for (const k of absent) {
    assert.equal(idx.get(k), -1, JSON.stringify(k));
    assert.equal(idx.has(k), false, JSON.stringify(k));
  }
});

test('KeyIndex prefix checks follow the row keys', () => {
  const idx = KeyIndex.of(['A01', 'A010', 'A0101', 'A02'], 'test');
  const cases: [number, string, boolean][] = [
    [1, 'A01', true],
    [2, 'A01', true],
    [2, 'A0101', true],
    [3, 'A01', false],
    [0, 'A010', false],
    [0, 'A0101X', false],
    [2, '', true],
  ];
  for (const [row, prefix, want] of cases) assert.equal(idx.startsWith(row, prefix), want, `${row} ${prefix}`);
});

test('KeyIndex keeps the first row of a repeated key, and holds many keys', () => {
  const idx = KeyIndex.of(['B1', 'B2', 'B1'], 'test');
  assert.equal(idx.get('B1'), 0);
  assert.equal(idx.get('B2'), 1);
  const many = Array.from({ length: 50_000 }, (_, i) => `X${i.toString(36).toUpperCase()}`);
  const big = KeyIndex.of(many, 'test');
  for (let i = 0; i < many.length; i += 997) assert.equal(big.get(many[i]), i);
  assert.equal(big.get('XZZZZZ'), -1);
});

test('KeyIndex refuses a key that is not ASCII or is too long, naming the table', () => {
  const cases: [string[], RegExp][] = [
    [['A00', 'Ä00'], /test table: row 2's key is not ASCII/],
    [['A'.repeat(17)], /test table: row 1's key is longer than 16 characters/],
  ];
  for (const [keys, message] of cases) {
    assert.throws(
      () => KeyIndex.of(keys, 'test table'),
      (err: { code?: string; message: string }) => err.code === ErrorCodes.KB_FILE_MALFORMED && message.test(err.message),
    );
  }
  assert.equal(KeyIndex.of([], 'empty').get('A'), -1);
});

test('releaseTable frees a decoded file at once, but never a buffer that Node pools for small Buffers', () => {
  // In a plain Node process: jest's vm contexts do not let an ArrayBuffer be detached.
  const script = `
    import { column, decodeTable, encodeTable, releaseTable } from ${JSON.stringify(new URL('../../src/kb/container.ts', import.meta.url).href)};
    import { gzipSync, gunzipSync } from 'node:zlib';
    const header = { kind: 'addon', table: 'test', version: '1', rows: 0 };
    const big = decodeTable(gunzipSync(gzipSync(encodeTable(header, { n: new Uint32Array(50_000), s: ['A', 'B'] }))), 'big');
    const bigBuffer = column(big, 'n', Uint32Array).buffer;
    const kept = column(big, 'n', Uint32Array).slice();
    releaseTable(big);
    const other = Buffer.from('unrelated');
    const small = decodeTable(Buffer.from(encodeTable(header, { n: new Uint32Array(4) })), 'small');
    const smallBuffer = column(small, 'n', Uint32Array).buffer;
    releaseTable(small);
    console.log(JSON.stringify({ big: bigBuffer.detached, kept: kept.length, left: big.columns.size + big.text.size, small: smallBuffer.detached, other: other.toString() }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { big: true, kept: 50_000, left: 0, small: false, other: 'unrelated' });
});
