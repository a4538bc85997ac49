// Official guidance paragraphs (NCCI Policy Manual, ICD-10-CM Official Guidelines, Medicare Benefit
// Policy Manual ch. 15) with the indexes built at build time: code -> paragraphs, code ranges and
// ICD-10-CM prefixes as spans, and lower-case word -> paragraphs. Loading makes Maps of those
// columns; a query reads a few posting lists and never scans the paragraphs.
import type { GuidanceHit, GuidanceParagraph, GuidanceQuery, GuidanceSource } from '../types.ts';
import { LRUCache } from 'lru-cache';
import { encodeTable, column, type DecodedTable, type TableHeader } from '../container.ts';
import { spanHolds, type RefSpan } from './excludes.ts';
import { systemOf } from '../guidance/codes.ts';

export const GUIDANCE_SOURCES: GuidanceSource[] = ['ncci-policy-manual-2026', 'icd10cm-guidelines-fy2026', 'medicare-bpm-ch15'];

export type GuidanceParagraphInput = Omit<GuidanceParagraph, 'sourceTitle'>;

const STOP = new Set(
  'the of and or to in a an is are be for on by with as at that this it its from not if which may when other than any all such has have been was were should shall must only also each same one more no but into used use can'.split(
    ' ',
  ),
);

/** Lower-case word tokens; one-letter tokens and stop words are left out, two-character ones (25, xe) kept. */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  const re = /[a-z0-9]+/g;
  const lower = text.toLowerCase();
  for (let m = re.exec(lower); m; m = re.exec(lower)) if (m[0].length > 1 && !STOP.has(m[0])) out.push(m[0]);
  return out;
}

const undot = (c: string) => c.replace('.', '');

/** Postings of a key -> sorted paragraph numbers, as three columns (keys, offsets, numbers). */
function postings(map: Map<string, Set<number>>): { keys: string[]; off: Uint32Array; ids: Uint32Array } {
  const keys = [...map.keys()].sort();
  const off = new Uint32Array(keys.length + 1);
  const ids: number[] = [];
  keys.forEach((k, i) => {
    ids.push(...[...map.get(k)!].sort((a, b) => a - b));
    off[i + 1] = ids.length;
  });
  return { keys, off, ids: Uint32Array.from(ids) };
}

export function encodeGuidance(header: Omit<TableHeader, 'rows'>, paragraphs: GuidanceParagraphInput[], titles: Record<GuidanceSource, string>): Buffer {
  const exact = new Map<string, Set<number>>();
  const spans: { lo: string; hi: string; para: number; icd: boolean }[] = [];
  const terms = new Map<string, Set<number>>();
  const add = (m: Map<string, Set<number>>, k: string, i: number) => {
    let s = m.get(k);
    if (!s) m.set(k, (s = new Set()));
    s.add(i);
  };
  paragraphs.forEach((p, i) => {
    for (const c of p.codes) {
      // An ICD-10-CM mention (E11, O24.4) names everything below it; a CPT/HCPCS code only itself.
      if (systemOf(c) === 'CPT/HCPCS') add(exact, c, i);
      else spans.push({ lo: undot(c), hi: undot(c), para: i, icd: true });
    }
    for (const [a, b] of p.ranges) spans.push({ lo: undot(a), hi: undot(b), para: i, icd: systemOf(a) === 'ICD-10-CM' });
    for (const w of wordsOf(`${p.section} ${p.text}`)) add(terms, w, i);
  });
  spans.sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : x.para - y.para));
  const encoded = paragraphs.map((p) => Buffer.from(p.text, 'utf8'));
  const textBytes = { bytes: new Uint8Array(Buffer.concat(encoded)), off: new Uint32Array(encoded.length + 1) };
  for (let i = 0; i < encoded.length; i++) textBytes.off[i + 1] = textBytes.off[i] + encoded[i].length;
  const ex = postings(exact);
  const tm = postings(terms);
  return encodeTable(
    { ...header, rows: paragraphs.length, meta: { ...header.meta, titles } },
    {
      id: paragraphs.map((p) => p.id),
      source: Uint8Array.from(paragraphs, (p) => GUIDANCE_SOURCES.indexOf(p.source)),
      chapter: paragraphs.map((p) => p.chapter),
      section: paragraphs.map((p) => p.section),
      page: paragraphs.map((p) => p.page),
      // UTF-8 bytes and offsets, decoded per paragraph when asked: most are never read in a process.
      textBytes: textBytes.bytes,
      textOff: textBytes.off,
      codes: paragraphs.map((p) => p.codes.join(';')),
      ranges: paragraphs.map((p) => p.ranges.map((r) => r.join('-')).join(';')),
      exKeys: ex.keys,
      exOff: ex.off,
      exIds: ex.ids,
      spLo: spans.map((s) => s.lo),
      spHi: spans.map((s) => s.hi),
      spIds: Uint32Array.from(spans, (s) => s.para),
      spIcd: Uint8Array.from(spans, (s) => (s.icd ? 1 : 0)),
      tmKeys: tm.keys,
      tmOff: tm.off,
      tmIds: tm.ids,
    },
  );
}

/** A query code in the form the index keys use: CPT/HCPCS as is, ICD-10-CM undotted. */
export interface GuidanceKey {
  code: string;
  key: string;
  icd: boolean;
}

export class GuidanceTable {
  readonly header: TableHeader;
  private readonly ids: string[];
  private readonly source: Uint8Array;
  private readonly chapter: string[];
  private readonly section: string[];
  private readonly page: string[];
  private readonly textBytes: Uint8Array;
  private readonly textOff: Uint32Array;
  private readonly codes: string[];
  private readonly ranges: string[];
  private readonly titles: Record<GuidanceSource, string>;
  private readonly byId = new Map<string, number>();
  /** Key -> its number in the posting columns; the posting list is a view made when asked. */
  private readonly exact: Postings;
  private readonly terms: Postings;
  /** Spans by system and first character ("c6" for 64490-64495, "iE" for E08-E13). */
  private readonly spans = new Map<string, { span: RefSpan; para: number; weight: number }[]>();
  /**
   * Paragraphs, and their lower-cased text for phrase matching, as last asked for: bounded, since a
   * long-running draft worker would otherwise come to hold every paragraph's text twice (~5 MB).
   */
  private readonly cache = new LRUCache<number, GuidanceParagraph>({ max: RECENT_PARAGRAPHS });
  private readonly lower = new LRUCache<number, string>({ max: RECENT_PARAGRAPHS });

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.ids = column<string[]>(t, 'id', 'str');
    // Typed columns are copied: the file's buffer is released once the table is built (releaseTable).
    this.source = column(t, 'source', Uint8Array).slice();
    this.chapter = column<string[]>(t, 'chapter', 'str');
    this.section = column<string[]>(t, 'section', 'str');
    this.page = column<string[]>(t, 'page', 'str');
    this.textBytes = column(t, 'textBytes', Uint8Array).slice();
    this.textOff = column(t, 'textOff', Uint32Array).slice();
    this.codes = column<string[]>(t, 'codes', 'str');
    this.ranges = column<string[]>(t, 'ranges', 'str');
    this.titles = (t.header.meta as { titles: Record<GuidanceSource, string> }).titles;
    for (let i = 0; i < this.ids.length; i++) this.byId.set(this.ids[i], i);
    this.exact = new Postings(column<string[]>(t, 'exKeys', 'str'), column(t, 'exOff', Uint32Array).slice(), column(t, 'exIds', Uint32Array).slice());
    this.terms = new Postings(column<string[]>(t, 'tmKeys', 'str'), column(t, 'tmOff', Uint32Array).slice(), column(t, 'tmIds', Uint32Array).slice());
    const lo = column<string[]>(t, 'spLo', 'str');
    const hi = column<string[]>(t, 'spHi', 'str');
    const sp = column(t, 'spIds', Uint32Array);
    const icd = column(t, 'spIcd', Uint8Array);
    for (let i = 0; i < lo.length; i++) {
      // A span whose bounds start with different characters (A00-B99) is filed under both.
      for (let c = lo[i].charCodeAt(0); c <= hi[i].charCodeAt(0); c++) {
        // CPT/HCPCS and ICD-10-CM spans apart: "J0120-J9999" must not hold the ICD-10-CM code J45.909.
        const k = `${icd[i] ? 'i' : 'c'}${String.fromCharCode(c)}`;
        let list = this.spans.get(k);
        if (!list) this.spans.set(k, (list = []));
        list.push({ span: { lo: lo[i], hi: hi[i] }, para: sp[i], weight: spanWeight(lo[i], hi[i], icd[i] === 1) });
      }
    }
  }

  get size(): number {
    return this.ids.length;
  }

  paragraph(i: number): GuidanceParagraph {
    let p = this.cache.get(i);
    if (!p) {
      const source = GUIDANCE_SOURCES[this.source[i]];
      p = Object.freeze({
        id: this.ids[i],
        source,
        sourceTitle: this.titles[source],
        chapter: this.chapter[i],
        section: this.section[i],
        page: this.page[i],
        text: this.text(i),
        codes: this.codes[i] ? this.codes[i].split(';') : [],
        ranges: this.ranges[i] ? this.ranges[i].split(';').map((r) => r.split('-') as [string, string]) : [],
      });
      this.cache.set(i, p);
    }
    return p;
  }

  byParagraphId(id: string): GuidanceParagraph | null {
    const i = this.byId.get(id);
    return i === undefined ? null : this.paragraph(i);
  }

  /** Paragraphs holding every word of the term (and the phrase itself when it has several words). */
  private termHits(term: string): Iterable<number> {
    const words = wordsOf(term);
    if (words.length === 0) return [];
    const lists = words.map((w) => this.terms.get(w));
    if (lists.some((l) => !l)) return [];
    const sorted = (lists as Uint32Array[]).slice().sort((a, b) => a.length - b.length);
    const out: number[] = [];
    const phrase = words.length > 1 ? term.toLowerCase().trim() : null;
    outer: for (const p of sorted[0]) {
      for (let k = 1; k < sorted.length; k++) if (!has(sorted[k], p)) continue outer;
      if (phrase && !this.lowerText(p).includes(phrase)) continue;
      out.push(p);
    }
    return out;
  }

  private lowerText(i: number): string {
    let s = this.lower.get(i);
    if (s === undefined) {
      s = `${this.section[i]} ${this.text(i)}`.toLowerCase();
      this.lower.set(i, s);
    }
    return s;
  }

  private text(i: number): string {
    return UTF8.decode(this.textBytes.subarray(this.textOff[i], this.textOff[i + 1]));
  }

  query(keys: GuidanceKey[], q: GuidanceQuery): GuidanceHit[] {
    // Per paragraph: the query codes it names, each with the best weight of how it names it.
    type Found = { codes: string[]; weights: number[]; terms: string[] };
    const found = new Map<number, Found>();
    const hit = (p: number) => {
      let h = found.get(p);
      if (!h) found.set(p, (h = { codes: [], weights: [], terms: [] }));
      return h;
    };
    const name = (h: Found, code: string, weight: number) => {
      const at = h.codes.indexOf(code);
      if (at < 0) {
        h.codes.push(code);
        h.weights.push(weight);
      } else if (h.weights[at] < weight) h.weights[at] = weight;
    };
    for (const k of keys) {
      if (!k.icd) {
        for (const p of this.exact.get(k.key) ?? []) name(hit(p), k.code, DIRECT);
      }
      for (const s of this.spans.get(`${k.icd ? 'i' : 'c'}${k.key[0]}`) ?? []) {
        if (spanHolds(s.span, k.key)) name(hit(s.para), k.code, s.weight);
      }
    }
    for (const term of q.terms ?? []) {
      for (const p of this.termHits(term)) {
        const h = hit(p);
        if (!h.terms.includes(term)) h.terms.push(term);
      }
    }
    const sources = q.sources?.length ? new Set(q.sources) : null;
    const ranked: { p: number; score: number; h: Found }[] = [];
    for (const [p, h] of found) {
      if (sources && !sources.has(GUIDANCE_SOURCES[this.source[p]])) continue;
      let score = h.terms.length * TERM;
      for (const w of h.weights) score += w;
      ranked.push({ p, h, score });
    }
    ranked.sort((a, b) => b.score - a.score || a.p - b.p);
    return ranked.slice(0, q.limit ?? 5).map((r) => ({ paragraph: this.paragraph(r.p), codesNamed: r.h.codes, termsFound: r.h.terms, score: r.score }));
  }
}

const UTF8 = new TextDecoder();

/** A paragraph that names the code itself outranks one whose narrow range holds it, which outranks a chapter-wide range. */
const DIRECT = 100;
const TERM = 10;

export function spanWeight(lo: string, hi: string, icd: boolean): number {
  if (icd) {
    if (lo === hi) return lo.length >= 4 ? 90 : 80; // E11.6, E11
    if (lo[0] !== hi[0]) return 10; // A00.0 through T88.9
    return lo.slice(0, 3) === hi.slice(0, 3) ? 85 : 50; // I83.0-I83.93; E08-E13
  }
  const width = Number(hi.replace(/\D/g, '')) - Number(lo.replace(/\D/g, ''));
  if (!(width >= 0) || lo[0] !== hi[0]) return 20;
  return width <= 20 ? 90 : width <= 100 ? 70 : width <= 1000 ? 40 : 15;
}

/** Paragraphs kept decoded: a draft cites a handful, a reviewer's search a few dozen. */
const RECENT_PARAGRAPHS = 512;

class Postings {
  private readonly index = new Map<string, number>();
  private readonly off: Uint32Array;
  private readonly ids: Uint32Array;
  constructor(keys: string[], off: Uint32Array, ids: Uint32Array) {
    this.off = off;
    this.ids = ids;
    for (let i = 0; i < keys.length; i++) this.index.set(keys[i], i);
  }
  get(key: string): Uint32Array | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.ids.subarray(this.off[i], this.off[i + 1]);
  }
}

function has(list: Uint32Array, v: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] === v) return true;
    if (list[mid] < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
