// NCCI PTP edits as a CSR index: codes interned to ids in sorted order, rows sorted by
// (column1, column2, deletion date); `start[c1]` bounds each column-1 code's rows so a pair
// lookup is one binary search over a few hundred Uint16/Uint32 values.
import type { PtpEdit, PtpPartners, PtpSetting } from '../types.ts';
import { encodeTable, column, keyIndex, releaseTable, type DecodedTable, type TableHeader } from '../container.ts';
import type { KeyIndex } from '../../key-index.ts';
import { daysToYmd, ymdToDays, ymdToIso } from '../dates.ts';
import { AppError, ErrorCodes } from '../../errors.ts';
import { Growable } from './growable.ts';

/** Deletion-day value meaning "no deletion date" (CMS writes '*'): sorts after every real date. */
export const NO_DATE = 0xffff;
const MOD_VALUES = ['0', '1', '9'] as const;

export interface PtpRowInput {
  column1: string;
  column2: string;
  /** YYYYMMDD or null. */
  deletion: number | null;
  effective: number | null;
  modifierIndicator: '0' | '1' | '9';
  rationale: string;
}

export class PtpBuilder {
  private readonly codeIds = new Map<string, number>();
  private readonly codes: string[] = [];
  private readonly rationaleIds = new Map<string, number>();
  private readonly c1 = new Growable(Uint32Array, 1 << 16);
  private readonly c2 = new Growable(Uint32Array, 1 << 16);
  private readonly del = new Growable(Uint16Array, 1 << 16);
  private readonly eff = new Growable(Uint16Array, 1 << 16);
  private readonly mod = new Growable(Uint8Array, 1 << 16);
  private readonly rat = new Growable(Uint8Array, 1 << 16);

  get rows(): number {
    return this.c1.length;
  }

  private intern(code: string): number {
    let id = this.codeIds.get(code);
    if (id === undefined) {
      id = this.codes.length;
      this.codes.push(code);
      this.codeIds.set(code, id);
    }
    return id;
  }

  add(r: PtpRowInput): void {
    let rid = this.rationaleIds.get(r.rationale);
    if (rid === undefined) {
      rid = this.rationaleIds.size;
      if (rid > 255) throw new Error('more than 256 distinct PTP rationales');
      this.rationaleIds.set(r.rationale, rid);
    }
    this.c1.push(this.intern(r.column1));
    this.c2.push(this.intern(r.column2));
    this.del.push(r.deletion === null ? NO_DATE : ymdToDays(r.deletion));
    this.eff.push(r.effective === null ? 0 : ymdToDays(r.effective));
    this.mod.push(MOD_VALUES.indexOf(r.modifierIndicator));
    this.rat.push(rid);
  }

  encode(header: Omit<TableHeader, 'rows'>): Buffer {
    const n = this.rows;
    const sorted = [...this.codes].sort();
    const rank = new Uint32Array(this.codes.length);
    for (let i = 0; i < sorted.length; i++) rank[this.codeIds.get(sorted[i])!] = i;
    const c1 = this.c1.view();
    const c2 = this.c2.view();
    const del = this.del.view();
    // One float key per row (exact below 2^53): c1 rank, c2 rank, deletion day.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = (rank[c1[i]] * 0x10000 + rank[c2[i]]) * 0x10000 + del[i];
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => keys[a] - keys[b]);

    const wide = sorted.length > 0xffff;
    const outC2 = wide ? new Uint32Array(n) : new Uint16Array(n);
    const outDel = new Uint16Array(n);
    const outEff = new Uint16Array(n);
    const outMod = new Uint8Array(n);
    const outRat = new Uint8Array(n);
    const start = new Uint32Array(sorted.length + 1);
    const eff = this.eff.view();
    const mod = this.mod.view();
    const rat = this.rat.view();
    let prevC1 = -1;
    let prevC2 = 0;
    for (let j = 0; j < n; j++) {
      const i = order[j];
      const a = rank[c1[i]];
      const b = rank[c2[i]];
      if (a !== prevC1) {
        for (let k = prevC1 + 1; k <= a; k++) start[k] = j;
        prevC1 = a;
        prevC2 = 0;
      }
      // Column 2 is stored as the gap from the previous row of the same column-1 code:
      // small numbers that gzip far better; the loader undoes it once.
      outC2[j] = b - prevC2;
      prevC2 = b;
      outDel[j] = del[i];
      outEff[j] = eff[i];
      outMod[j] = mod[i];
      outRat[j] = rat[i];
    }
    for (let k = prevC1 + 1; k <= sorted.length; k++) start[k] = n;
    // Rows carry the id of their (deletion, effective, modifier, rationale) combination, as the loaded
    // table does, so the loaded table is the file's bytes as they are: nothing to copy or build.
    const a = internAttributes(outDel, outEff, outMod, outRat);
    return encodeTable(
      { ...header, rows: n, meta: { ...header.meta, rationales: [...this.rationaleIds.keys()], c2Delta: true } },
      { codes: sorted, start, c2: outC2, attr: a.attr, aDel: a.del, aEff: a.eff, aMod: a.mod, aRat: a.rat },
    );
  }
}

export interface PtpPick {
  row: number;
  active: boolean;
}

/** The row columns of a table: what a lookup reads beyond the codes. */
interface PtpRows {
  start: Uint32Array;
  c2: Uint16Array | Uint32Array;
  /**
   * A row's (deletion day, effective day, modifier, rationale) as an index into the four arrays below:
   * the shipped tables hold ~1,200 distinct combinations over 1.8-2.5 million rows, so a row costs 2
   * bytes here instead of 6 in the file's columns (17 MB less for the two tables).
   */
  attr: Uint16Array | Uint32Array;
  del: Uint16Array;
  eff: Uint16Array;
  mod: Uint8Array;
  rat: Uint8Array;
  /** start, c2 and attr are views of the file's bytes rather than copies. */
  viewsFile: boolean;
}

export class PtpTable {
  readonly header: TableHeader;
  readonly setting: PtpSetting;
  readonly source: string;
  /** Each code's id is its row here. */
  private readonly codes: KeyIndex;
  private readonly rationales: string[];
  private loaded: PtpRows | null = null;
  private readonly later: (() => DecodedTable) | null;
  /** The rows are views of the file's decompressed bytes (a file written with combinations), which must then stay. */
  readonly holdsFile: boolean;

  /**
   * `later`: build the rows on the first lookup instead, from the table this returns (the same file,
   * decoded again): until then the process holds only the codes. For a table few questions need.
   */
  constructor(t: DecodedTable, setting: PtpSetting, later?: () => DecodedTable) {
    this.header = t.header;
    this.setting = setting;
    this.source = `${t.header.table} ${t.header.version}`;
    this.codes = keyIndex(t, 'codes');
    this.rationales = (t.header.meta?.rationales as string[]) ?? [];
    this.later = later ?? null;
    if (!later) this.loaded = ptpRows(t, this.codes.length);
    // A later table's first decoding gave only its codes: that buffer can go, its rows come from another.
    this.holdsFile = this.loaded?.viewsFile ?? false;
  }

  private get rows(): PtpRows {
    if (!this.loaded) {
      const t = this.later!();
      if (t.header.rows !== this.header.rows || t.header.version !== this.header.version)
        throw new Error('PTP table: the rows read later are not the same table');
      this.loaded = ptpRows(t, this.codes.length);
      if (!this.loaded.viewsFile) releaseTable(t);
    }
    return this.loaded;
  }

  /** Whether the rows are in memory (a `later` table's are read on its first lookup). */
  get rowsLoaded(): boolean {
    return this.loaded !== null;
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }

  get codeCount(): number {
    return this.codes.length;
  }

  /** The row that applies to (c1, c2) on the day; if none does, the most recent one, inactive. */
  pick(c1: string, c2: string, dosDays: number): PtpPick | null {
    return this.pickIds(this.codes.get(c1), this.codes.get(c2), dosDays);
  }

  /** A code's id for pickIds, -1 when the table does not list it: a caller pairing many codes looks each up once. */
  id(code: string): number {
    return this.codes.get(code);
  }

  pickIds(a: number, b: number, dosDays: number): PtpPick | null {
    if (a < 0 || b < 0) return null;
    const { start, c2: col, attr, del, eff: effs } = this.rows;
    let lo = start[a];
    let hi = start[a + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (col[mid] < b) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= start[a + 1] || col[lo] !== b) return null;
    let last = lo;
    for (let j = lo, end = start[a + 1]; j < end && col[j] === b; j++) {
      last = j;
      const at = attr[j];
      const eff = effs[at];
      if (dosDays <= del[at] && (eff === 0 || eff <= dosDays)) return { row: j, active: true };
    }
    return { row: last, active: false };
  }

  /**
   * Every code this one has an edit with: the column 2 codes of its own rows and the column 1 codes
   * whose rows name it as column 2, split into edits that apply on the day and edits only listed
   * (deleted, or not yet effective). The second half reads the whole column once (about 2.5 million
   * entries, 30-60 ms on this machine): fine for a reviewer's lookup, not for drafting.
   */
  partners(code: string, dosDays: number): PtpPartners {
    const out: PtpPartners = { column2: [], column1: [], inactiveColumn2: [], inactiveColumn1: [] };
    const id = this.codes.get(code);
    if (id < 0) return out;
    const { start, c2, attr, del, eff } = this.rows;
    const applies = (j: number) => {
      const at = attr[j];
      return dosDays <= del[at] && (eff[at] === 0 || eff[at] <= dosDays);
    };
    const own = new Map<number, boolean>();
    for (let j = start[id], end = start[id + 1]; j < end; j++) own.set(c2[j], own.get(c2[j]) || applies(j));
    const of = new Map<number, boolean>();
    for (let a = 0; a < this.codes.length; a++) {
      if (a === id) continue;
      for (let j: number = start[a], end = start[a + 1]; j < end; j++) if (c2[j] === id) of.set(a, of.get(a) || applies(j));
    }
    const split = (m: Map<number, boolean>, active: string[], inactive: string[]) => {
      for (const [i, on] of m) (on ? active : inactive).push(this.codes.key(i));
      active.sort();
      inactive.sort();
    };
    split(own, out.column2, out.inactiveColumn2);
    split(of, out.column1, out.inactiveColumn1);
    return out;
  }

  column2Of(row: number): string {
    return this.codes.key(this.rows.c2[row]);
  }

  edit(c1: string, pick: PtpPick): PtpEdit {
    const j = pick.row;
    const r = this.rows;
    const at = r.attr[j];
    const del = r.del[at];
    const eff = r.eff[at];
    return {
      column1: c1,
      column2: this.codes.key(r.c2[j]),
      modifierIndicator: MOD_VALUES[r.mod[at]],
      active: pick.active,
      deletionDate: del === NO_DATE ? null : ymdToIso(daysToYmd(del)),
      effectiveDate: eff === 0 ? null : ymdToIso(daysToYmd(eff)),
      rationale: this.rationales[r.rat[at]] ?? '',
      setting: this.setting,
      source: this.source,
    };
  }
}

/**
 * The row columns. A file written with combinations (attr and the a* columns) is used in place: the
 * columns are views of its decompressed bytes and column 2's gaps are undone in those bytes, so a
 * table costs its file's size once, with no copy beside it while it loads (the practitioner table's
 * 20 MB of rows plus a 10 MB copy was the largest moment of a draft worker's memory, and the outpatient
 * hospital table's the same on the first hospital question). An older file, with a row's deletion,
 * effective, modifier and rationale columns, is copied and interned, and its buffer can go.
 */
function ptpRows(t: DecodedTable, codeCount: number): PtpRows {
  const inPlace = t.columns.has('attr');
  const start = inPlace ? column(t, 'start', Uint32Array) : column(t, 'start', Uint32Array).slice();
  if (start.length !== codeCount + 1)
    throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `table ${t.header.kind}: start has ${start.length} entries for ${codeCount} codes`);
  const c2raw = t.columns.get('c2');
  if (!(c2raw instanceof Uint16Array || c2raw instanceof Uint32Array))
    throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `table ${t.header.kind}: bad c2 column`);
  const c2 = inPlace ? c2raw : c2raw.slice();
  if (t.header.meta?.c2Delta) {
    for (let a = 0; a < codeCount; a++) {
      let acc = 0;
      for (let j = start[a], end = start[a + 1]; j < end; j++) c2[j] = acc += c2[j];
    }
  }
  if (!inPlace) {
    const a = internAttributes(column(t, 'del', Uint16Array), column(t, 'eff', Uint16Array), column(t, 'mod', Uint8Array), column(t, 'rat', Uint8Array));
    return { start, c2, ...a, viewsFile: false };
  }
  const attr = t.columns.get('attr');
  if (!(attr instanceof Uint16Array || attr instanceof Uint32Array) || attr.length !== c2.length)
    throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `table ${t.header.kind}: bad attr column`);
  return {
    start,
    c2,
    attr,
    del: column(t, 'aDel', Uint16Array),
    eff: column(t, 'aEff', Uint16Array),
    mod: column(t, 'aMod', Uint8Array),
    rat: column(t, 'aRat', Uint8Array),
    viewsFile: true,
  };
}

interface Attributes {
  attr: Uint16Array | Uint32Array;
  del: Uint16Array;
  eff: Uint16Array;
  mod: Uint8Array;
  rat: Uint8Array;
}

/** Each row's (del, eff, mod, rat) interned: one id per row and one entry per distinct combination. */
function internAttributes(del: Uint16Array, eff: Uint16Array, mod: Uint8Array, rat: Uint8Array): Attributes {
  const n = del.length;
  // Each part's distinct values are numbered 0..k-1 through typed lookup tables, so a combination is
  // a small integer and its id is found in a typed array too: a Map lookup per row made loading a
  // table ten times slower.
  const dIds = new Int32Array(0x10000).fill(-1);
  const eIds = new Int32Array(0x10000).fill(-1);
  const mIds = new Int32Array(0x10000).fill(-1);
  let dk = 0;
  let ek = 0;
  let mk = 0;
  for (let i = 0; i < n; i++) {
    if (dIds[del[i]] < 0) dIds[del[i]] = dk++;
    if (eIds[eff[i]] < 0) eIds[eff[i]] = ek++;
    const m = (mod[i] << 8) | rat[i];
    if (mIds[m] < 0) mIds[m] = mk++;
  }
  const space = dk * ek * mk;
  const first: number[] = []; // the first row of each combination
  const attr = new Uint16Array(n);
  if (space <= 1 << 20) {
    const ids = new Int32Array(space).fill(-1);
    for (let i = 0; i < n; i++) {
      const key = (dIds[del[i]] * ek + eIds[eff[i]]) * mk + mIds[(mod[i] << 8) | rat[i]];
      let id = ids[key];
      if (id < 0) {
        id = ids[key] = first.length;
        first.push(i);
      }
      attr[i] = id;
    }
  }
  // Tables unlike the shipped ones (an import with many more dates, or > 65,536 combinations) keep the
  // file's layout: one row, one combination.
  // Copies: a loaded table's file buffer is released once it is built.
  if (space > 1 << 20 || first.length > 0x10000)
    return { attr: Uint32Array.from({ length: n }, (_, i) => i), del: del.slice(), eff: eff.slice(), mod: mod.slice(), rat: rat.slice() };
  const pick = <T extends Uint16Array | Uint8Array>(col: T): T => {
    const out = new (col.constructor as new (k: number) => T)(first.length);
    for (let id = 0; id < first.length; id++) out[id] = col[first[id]];
    return out;
  };
  return { attr, del: pick(del), eff: pick(eff), mod: pick(mod), rat: pick(rat) };
}
