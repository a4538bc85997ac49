// Many short ASCII keys (codes, "code modifier", names) to row numbers, without a heap string and a Map
// entry per key: the ~98,000 ICD-10-CM codes cost ~6.5 MB of heap as a string array and a Map, and
// ~2 MB here (the keys as one fixed-width string in row order, a length byte per row, and an
// open-addressing table of row numbers). A draft worker's tables hold ~170,000 such keys, an ingest
// worker's name lists ~57,000.
import { AppError, ErrorCodes } from './errors.ts';

/** Longer keys are refused: the keys held are codes, a code and a modifier, or names (15 characters at most). */
const MAX_WIDTH = 16;

export class KeyIndex {
  readonly length: number;
  private readonly width: number;
  /**
   * Row r's key at [r * width, r * width + lengths[r]). One latin1 string rather than bytes: slicing a
   * key out of it (every edit a draft reports names its codes) is several times faster than building
   * one from bytes.
   */
  private readonly keys: string;
  private readonly lengths: Uint8Array;
  /** Row + 1 of the key hashed there, 0 for an empty slot; the size is a power of two, at least twice the rows. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  /**
   * Keys as newline-separated ASCII bytes (a table file's string column), read without making a string
   * per key. When a key repeats, the first row keeps it (get never finds the later row). `what` names
   * the table in the error a malformed key raises.
   */
  constructor(bytes: Uint8Array, count: number, what: string) {
    this.length = count;
    this.lengths = new Uint8Array(count);
    let width = 1;
    for (let at = 0, r = 0; r < count; r++) {
      let end = at;
      while (end < bytes.length && bytes[end] !== NL) end++;
      if (end - at > MAX_WIDTH) throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `${what}: row ${r + 1}'s key is longer than ${MAX_WIDTH} characters`);
      this.lengths[r] = end - at;
      width = Math.max(width, end - at);
      at = end + 1;
    }
    this.width = width;
    const fixed = Buffer.alloc(count * width);
    let size = 2;
    while (size < count * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    const sameKey = (a: number, b: number) =>
      this.lengths[a] === this.lengths[b] && fixed.compare(fixed, b * width, b * width + width, a * width, a * width + width) === 0;
    for (let at = 0, r = 0; r < count; r++, at++) {
      let h = FNV_OFFSET;
      for (let i = 0; at < bytes.length && bytes[at] !== NL; i++, at++) {
        const c = bytes[at];
        if (c === 0 || c > 127) throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `${what}: row ${r + 1}'s key is not ASCII`);
        fixed[r * width + i] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      let s = (h >>> 0) & this.mask;
      while (this.slots[s] !== 0 && !sameKey(this.slots[s] - 1, r)) s = (s + 1) & this.mask;
      if (this.slots[s] === 0) this.slots[s] = r + 1;
    }
    this.keys = fixed.toString('latin1');
  }

  static of(keys: readonly string[], what: string): KeyIndex {
    return new KeyIndex(Buffer.from(keys.join('\n'), 'utf8'), keys.length, what);
  }

  /** The row of the key, or -1. */
  get(key: string): number {
    const n = key.length;
    if (n > this.width) return -1;
    let h = FNV_OFFSET;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
    for (let s = (h >>> 0) & this.mask; ; s = (s + 1) & this.mask) {
      const row = this.slots[s] - 1;
      if (row < 0) return -1;
      if (this.lengths[row] === n && this.keys.startsWith(key, row * this.width)) return row;
    }
  }

  has(key: string): boolean {
    return this.get(key) >= 0;
  }

  /** Row r's key. */
  key(r: number): string {
    const at = r * this.width;
    return this.keys.slice(at, at + this.lengths[r]);
  }

  /** Whether row r's key starts with `prefix` (ICD-10-CM children follow their header in row order). */
  startsWith(r: number, prefix: string): boolean {
    return prefix.length <= this.lengths[r] && this.keys.startsWith(prefix, r * this.width);
  }

  /** The code unit at position i of row r's key (NaN past its end). */
  charCodeAt(r: number, i: number): number {
    return i < this.lengths[r] ? this.keys.charCodeAt(r * this.width + i) : Number.NaN;
  }

  keyLength(r: number): number {
    return this.lengths[r];
  }
}

const NL = 0x0a;
/** FNV-1a, over bytes or UTF-16 code units: WordColumn hashes its words with it too. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
