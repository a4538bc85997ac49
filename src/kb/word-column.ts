// A text column kept as word ids: the ICD-10-CM titles are 7 MB of text but only ~950,000 words of
// ~12,000 distinct ones ("Displaced fracture of ... initial encounter for closed fracture"), so each
// title is held as 2-byte ids into one list of words: ~2.5 MB instead of 7 MB in every process that
// drafts. Built from the file's bytes in one pass at load (~40 ms for the ICD-10-CM titles); a title
// is joined from its words when asked for.
import { FNV_OFFSET, FNV_PRIME } from '../key-index.ts';

const SPACE = 0x20;
const NL = 0x0a;

export class WordColumn {
  readonly length: number;
  private readonly words: string[];
  /** Row i's words are ids[starts[i] .. starts[i + 1]). */
  private readonly starts: Uint32Array;
  private readonly ids: Uint16Array | Uint32Array;

  /** Rows separated by newlines, words by single spaces (so joining with one space gives the row back exactly). */
  constructor(bytes: Buffer, count: number, encoding: 'latin1' | 'utf8') {
    this.length = count;
    this.starts = new Uint32Array(count + 1);
    // Sized exactly by a first pass (a word per space and per row); 2-byte ids until a 65,537th word.
    let total = count;
    for (let k = 0; k < bytes.length; k++) if (bytes[k] === SPACE) total++;
    let ids: Uint16Array | Uint32Array = new Uint16Array(total);
    let n = 0;
    const words: string[] = [];
    // Open addressing over byte ranges: slot -> word id + 1. Each word's bytes are compared with a
    // previous occurrence through `wordAt`, so no string is made for a word already seen.
    let slots = new Int32Array(1 << 14);
    const wordAt: number[] = [];
    const wordLen: number[] = [];
    const same = (id: number, from: number, len: number) => {
      if (wordLen[id] !== len) return false;
      const at = wordAt[id];
      for (let k = 0; k < len; k++) if (bytes[at + k] !== bytes[from + k]) return false;
      return true;
    };
    const place = (h: number, id: number) => {
      let s = h & (slots.length - 1);
      while (slots[s] !== 0) s = (s + 1) & (slots.length - 1);
      slots[s] = id + 1;
    };
    const hashes: number[] = [];
    let row = 0;
    let from = 0;
    for (let at = 0; at <= bytes.length && row < count; at++) {
      const b = at < bytes.length ? bytes[at] : NL;
      if (b !== SPACE && b !== NL) continue;
      const len = at - from;
      let h = FNV_OFFSET;
      for (let k = from; k < at; k++) h = Math.imul(h ^ bytes[k], FNV_PRIME);
      h >>>= 0;
      let s = h & (slots.length - 1);
      let id = -1;
      while (slots[s] !== 0) {
        if (same(slots[s] - 1, from, len)) {
          id = slots[s] - 1;
          break;
        }
        s = (s + 1) & (slots.length - 1);
      }
      if (id < 0) {
        id = words.length;
        words.push(bytes.toString(encoding, from, at));
        wordAt.push(from);
        wordLen.push(len);
        hashes.push(h);
        slots[s] = id + 1;
        if (words.length * 2 > slots.length) {
          slots = new Int32Array(slots.length * 2);
          for (let w = 0; w < words.length; w++) place(hashes[w], w);
        }
      }
      if (id > 0xffff && ids instanceof Uint16Array) ids = Uint32Array.from(ids);
      ids[n++] = id;
      from = at + 1;
      if (b === NL) this.starts[++row] = n;
    }
    for (let r = row + 1; r <= count; r++) this.starts[r] = n;
    this.ids = n === ids.length ? ids : ids.slice(0, n);
    this.words = words;
  }

  get(i: number): string {
    const end = this.starts[i + 1];
    let at = this.starts[i];
    if (at >= end) return '';
    let out = this.words[this.ids[at]];
    for (at++; at < end; at++) out += ` ${this.words[this.ids[at]]}`;
    return out;
  }
}
