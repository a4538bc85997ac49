// Medicare Physician Fee Schedule payment-policy indicators (PPRRVU), one row per code and modifier.
// The one-character indicators of a row travel as one fixed-width string: 19,000 rows of 14 tiny
// strings each would cost more to load than the whole table is worth.
import type { FeeScheduleFact } from '../types.ts';
import { encodeTable, column, smallSetColumn, textColumn, type DecodedTable, type TableHeader, type TextColumn } from '../container.ts';
import { KeyIndex } from '../../key-index.ts';

/** A fact as the PPRRVU file gives it: modifier and endoscopic base '' when blank. */
export type PfsRowInput = Omit<FeeScheduleFact, 'modifier' | 'endoscopicBase' | 'source'> & { modifier: string; endoscopicBase: string };

// Layout of the `ind` column: status, mult, bilat, asst, co, team, pctc (1 each), global days (3),
// supervision (2), imaging family (2).
const WIDTHS: [keyof PfsRowInput, number][] = [
  ['status', 1],
  ['multipleProcedure', 1],
  ['bilateral', 1],
  ['assistant', 1],
  ['coSurgeon', 1],
  ['teamSurgery', 1],
  ['pcTc', 1],
  ['globalDays', 3],
  ['supervision', 2],
  ['imagingFamily', 2],
];

/** Shares are stored in ten-thousandths; CMS prints two decimals. */
const SHARE = 10_000;

export function encodePfs(header: Omit<TableHeader, 'rows'>, rows: PfsRowInput[]): Buffer {
  const ind = rows.map((r) =>
    WIDTHS.map(([k, w]) => {
      const v = String(r[k]);
      if (v.length !== w) throw new Error(`PFS ${r.code} ${r.modifier}: ${k} ${JSON.stringify(v)} is not ${w} character(s)`);
      return v;
    }).join(''),
  );
  const share = (f: (r: PfsRowInput) => number) => Uint16Array.from(rows, (r) => Math.round(f(r) * SHARE));
  return encodeTable(
    { ...header, rows: rows.length },
    {
      codes: rows.map((r) => r.code),
      mods: rows.map((r) => r.modifier),
      ind,
      pre: share((r) => r.preOp),
      intra: share((r) => r.intraOp),
      post: share((r) => r.postOp),
      endo: rows.map((r) => r.endoscopicBase),
    },
  );
}

export class PfsTable {
  readonly header: TableHeader;
  readonly source: string;
  /** Key: code, or code + ' ' + modifier; keys past the rows name a code listed only with modifiers (its first row). */
  private readonly ids: KeyIndex;
  /** The row each key names. */
  private readonly rowOf: Uint32Array;
  private readonly mods: { values: string[]; ids: Uint8Array };
  private readonly ind: TextColumn;
  private readonly pre: Uint16Array;
  private readonly intra: Uint16Array;
  private readonly post: Uint16Array;
  private readonly endo: TextColumn;

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    const codes = column<string[]>(t, 'codes', 'str');
    this.mods = smallSetColumn(t, 'mods');
    this.ind = textColumn(t, 'ind');
    // Copies, so the decompressed file is not kept alive by views of it.
    this.pre = column(t, 'pre', Uint16Array).slice();
    this.intra = column(t, 'intra', Uint16Array).slice();
    this.post = column(t, 'post', Uint16Array).slice();
    this.endo = textColumn(t, 'endo');
    const keys: string[] = [];
    const rowOf: number[] = [];
    const global = new Set<string>();
    for (let i = 0; i < codes.length; i++) {
      const mod = this.mods.values[this.mods.ids[i]];
      keys.push(mod ? `${codes[i]} ${mod}` : codes[i]);
      rowOf.push(i);
      if (!mod) global.add(codes[i]);
    }
    // A code listed only with a modifier row (86153 has only its 26 row) answers with that row.
    for (let i = 0; i < codes.length; i++) {
      if (global.has(codes[i])) continue;
      global.add(codes[i]);
      keys.push(codes[i]);
      rowOf.push(i);
    }
    this.ids = KeyIndex.of(keys, `table ${t.header.kind}`);
    this.rowOf = Uint32Array.from(rowOf);
  }

  has(code: string): boolean {
    return this.ids.has(code);
  }

  /** The modifier row when asked and listed, else the code's global row (its only row when it has no global one). Built per call, as MUE facts are: nothing grows with the codes asked about. */
  get(code: string, modifier?: string | null): FeeScheduleFact | null {
    const k = modifier ? this.ids.get(`${code} ${modifier}`) : -1;
    const key = k >= 0 ? k : this.ids.get(code);
    if (key < 0) return null;
    const i = this.rowOf[key];
    const s = this.ind.get(i);
    return Object.freeze({
      code,
      modifier: this.mods.values[this.mods.ids[i]] || null,
      status: s[0],
      globalDays: s.slice(7, 10),
      preOp: this.pre[i] / SHARE,
      intraOp: this.intra[i] / SHARE,
      postOp: this.post[i] / SHARE,
      multipleProcedure: s[1],
      bilateral: s[2],
      assistant: s[3],
      coSurgeon: s[4],
      teamSurgery: s[5],
      pcTc: s[6],
      endoscopicBase: this.endo.get(i) || null,
      supervision: s.slice(10, 12),
      imagingFamily: s.slice(12, 14),
      source: this.source,
    });
  }
}
