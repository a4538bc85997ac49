// The one binary layout every table is stored in, shipped or imported: a JSON header followed by
// 8-byte-aligned columns, so loading is decompress + typed-array views (no parsing of rows).
import { isAscii } from 'node:buffer';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { AppError, ErrorCodes } from '../errors.ts';
import type { TableKind } from './kinds.ts';
import { KeyIndex } from '../key-index.ts';
import { WordColumn } from './word-column.ts';

export type Column = Uint8Array | Uint16Array | Uint32Array | string[];

export interface TableHeader {
  kind: TableKind;
  table: string;
  version: string;
  rows: number;
  /** YYYY-MM-DD or null. */
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** Where the rows came from (file name, repository, ...). */
  source: string;
  meta?: Record<string, unknown>;
}

interface ColumnRef {
  name: string;
  type: 'u8' | 'u16' | 'u32' | 'str';
  offset: number;
  bytes: number;
  count: number;
}

const MAGIC = 0x424b4343; // 'CCKB'
const FORMAT = 1;
const pad8 = (n: number) => (n + 7) & ~7;

export function encodeTable(header: TableHeader, columns: Record<string, Column>): Buffer {
  const bodies: Buffer[] = [];
  const refs: ColumnRef[] = [];
  let offset = 0;
  for (const [name, col] of Object.entries(columns)) {
    let body: Buffer;
    let type: ColumnRef['type'];
    if (Array.isArray(col)) {
      // Newline-joined: descriptors never hold one, and splitting is the fastest decode.
      body = Buffer.from(col.map((s) => s.replace(/[\r\n]+/g, ' ')).join('\n'), 'utf8');
      type = 'str';
    } else {
      body = Buffer.from(col.buffer, col.byteOffset, col.byteLength);
      type = col instanceof Uint8Array ? 'u8' : col instanceof Uint16Array ? 'u16' : 'u32';
    }
    refs.push({ name, type, offset, bytes: body.length, count: col.length });
    bodies.push(body, Buffer.alloc(pad8(body.length) - body.length));
    offset += pad8(body.length);
  }
  const json = Buffer.from(JSON.stringify({ format: FORMAT, header, columns: refs }), 'utf8');
  const head = Buffer.alloc(8);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(json.length, 4);
  return Buffer.concat([head, json, Buffer.alloc(pad8(json.length) - json.length), ...bodies]);
}

export interface DecodedTable {
  header: TableHeader;
  columns: Map<string, Column>;
  /**
   * String columns as their newline-joined UTF-8 bytes in the decompressed buffer, split into strings
   * only when column() asks for them: a table holds its long text (descriptions) as a textColumn()
   * instead, one string for all rows.
   */
  text: Map<string, { bytes: Buffer; count: number }>;
}

/**
 * A string column as one string and the offsets of its rows: a row is sliced out when asked for, so
 * the heap holds one string instead of one per row (the ICD-10-CM titles were ~100,000 of them, with
 * their array, beside the same bytes in the buffer). Slicing a JS string keeps lookups as fast as an
 * array's; decoding from the buffer per lookup made them ~3x slower.
 */
export class TextColumn {
  readonly length: number;
  private readonly text: string;
  /** Row i is text [starts[i], starts[i + 1] - 1), the newline excluded. */
  private readonly starts: Uint32Array;

  constructor(bytes: Buffer, count: number) {
    // ASCII columns (the CMS tables are) decode as latin1: the same string, faster, one byte a character.
    this.text = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
    this.length = count;
    this.starts = new Uint32Array(count + 1);
    let at = 0;
    for (let i = 1; i < count; i++) {
      at = this.text.indexOf('\n', at) + 1;
      this.starts[i] = at;
    }
    this.starts[count] = this.text.length + 1;
  }

  get(i: number): string {
    return this.text.slice(this.starts[i], this.starts[i + 1] - 1);
  }
}

export function decodeTable(raw: Buffer, file: string): DecodedTable {
  const bad = (why: string) => new AppError(ErrorCodes.KB_FILE_MALFORMED, `${file}: ${why}`);
  // Typed-array views need aligned offsets; large zlib outputs are fresh allocations, so this rarely copies.
  const buf = raw.byteOffset % 8 === 0 ? raw : Buffer.from(raw);
  if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) throw bad('not a CaseConsultant table file');
  const jsonLen = buf.readUInt32LE(4);
  const parsed = JSON.parse(buf.subarray(8, 8 + jsonLen).toString('utf8')) as {
    format: number;
    header: TableHeader;
    columns: ColumnRef[];
  };
  if (parsed.format !== FORMAT) throw bad(`unsupported format ${parsed.format}`);
  const base = buf.byteOffset + 8 + pad8(jsonLen);
  const columns = new Map<string, Column>();
  const text = new Map<string, { bytes: Buffer; count: number }>();
  for (const c of parsed.columns) {
    const at = base + c.offset;
    if (at + c.bytes > buf.byteOffset + buf.length) throw bad(`column ${c.name} is truncated`);
    switch (c.type) {
      case 'u8':
        columns.set(c.name, new Uint8Array(buf.buffer, at, c.count));
        break;
      case 'u16':
        columns.set(c.name, new Uint16Array(buf.buffer, at, c.count));
        break;
      case 'u32':
        columns.set(c.name, new Uint32Array(buf.buffer, at, c.count));
        break;
      case 'str':
        text.set(c.name, { bytes: buf.subarray(at - buf.byteOffset, at - buf.byteOffset + c.bytes), count: c.count });
        break;
    }
  }
  return { header: parsed.header, columns, text };
}

export function compress(raw: Buffer): Buffer {
  return zlib.gzipSync(raw, { level: 9, memLevel: 9 });
}

const gunzip = promisify(zlib.gunzip);

/**
 * Async so several tables inflate in parallel on libuv's thread pool. The output buffer is sized
 * from the gzip trailer (ISIZE) so zlib writes one chunk instead of concatenating 16 KB pieces,
 * which halves the time for the 20 MB PTP tables.
 */
export async function decompress(gz: Buffer): Promise<Buffer> {
  const isize = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return gunzip(gz, { chunkSize: Math.max(64 * 1024, isize + 1) });
}

/** The same, blocking: for a table read again on its first use, when a lookup (synchronous) needs it. */
export function decompressSync(gz: Buffer): Buffer {
  const isize = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return zlib.gunzipSync(gz, { chunkSize: Math.max(64 * 1024, isize + 1) });
}

export function column<T extends Column>(t: DecodedTable, name: string, ctor: { prototype: T } | 'str'): T {
  const raw = ctor === 'str' && !t.columns.has(name) ? t.text.get(name) : undefined;
  if (raw) t.columns.set(name, raw.count === 0 ? [] : raw.bytes.toString('utf8').split('\n'));
  const c = t.columns.get(name);
  const ok = ctor === 'str' ? Array.isArray(c) : c instanceof (ctor as unknown as new (...args: never[]) => T);
  if (!c || !ok) throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `table ${t.header.kind}: column ${name} missing or of the wrong type`);
  return c as T;
}

/**
 * Gives the table file's decompressed bytes back to the system now, not when a collection finds the
 * buffer unreachable: the next file is inflated right after, and a draft worker's peak RSS was two or
 * three decompressed files alive at once beside the built tables. Every table copies what it keeps
 * (typed columns with slice(), strings are copies), except a PTP table that reads its rows in place
 * (PtpTable.holdsFile), whose buffer is not released; a view left behind would read as empty, which
 * the lookup tests see.
 */
export function releaseTable(t: DecodedTable): void {
  const buffers = new Set<ArrayBufferLike>();
  for (const c of t.columns.values()) if (!Array.isArray(c)) buffers.add(c.buffer);
  for (const c of t.text.values()) buffers.add(c.bytes.buffer);
  t.columns.clear();
  t.text.clear();
  for (const b of buffers) {
    // Node's small-buffer pool (8 KB) is shared with unrelated Buffers: only a table's own allocation is detached.
    if (!(b instanceof ArrayBuffer) || b.byteLength < 1 << 16 || b.detached) continue;
    try {
      b.transfer(0);
    } catch {
      // Not detachable where it was made (jest's vm contexts refuse it): the collector frees it later, as before.
    }
  }
}

/**
 * A string column whose few distinct values repeat over many rows (an indicator, a rationale): each
 * value once, and a byte per row naming it. Refuses a column of more than 255 distinct values, which
 * is not such a column.
 */
export function smallSetColumn(t: DecodedTable, name: string): { values: string[]; ids: Uint8Array } {
  const rows = column<string[]>(t, name, 'str');
  const values: string[] = [];
  const at = new Map<string, number>();
  const ids = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let id = at.get(rows[i]);
    if (id === undefined) {
      // A copy: the split row is a slice of the whole column's string, which it would keep alive.
      id = values.push(Buffer.from(rows[i], 'utf8').toString('utf8')) - 1;
      if (id > 255) throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `table ${t.header.kind}: column ${name} has more than 256 distinct values`);
      at.set(rows[i], id);
    }
    ids[i] = id;
  }
  return { values, ids };
}

/** A string column's bytes (rows separated by newlines) and row count, read without splitting them. */
function rawText(t: DecodedTable, name: string): { bytes: Buffer; count: number } {
  const raw = t.text.get(name);
  if (!raw) throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `table ${t.header.kind}: column ${name} missing or of the wrong type`);
  return raw;
}

/** A string column of codes as a KeyIndex, read from the file's bytes without a string per row. */
export function keyIndex(t: DecodedTable, name: string): KeyIndex {
  const raw = rawText(t, name);
  return new KeyIndex(raw.bytes, raw.count, `table ${t.header.kind}, column ${name}`);
}

/** A text column of many short rows over a small vocabulary, held as word ids (see WordColumn). */
export function wordColumn(t: DecodedTable, name: string): WordColumn {
  const raw = rawText(t, name);
  return new WordColumn(raw.bytes, raw.count, isAscii(raw.bytes) ? 'latin1' : 'utf8');
}

export function textColumn(t: DecodedTable, name: string): TextColumn {
  const raw = rawText(t, name);
  return new TextColumn(raw.bytes, raw.count);
}
