// Medicare Physician Fee Schedule payment-policy indicators (PPRRVU), one row per code and modifier.
// The one-character indicators of a row travel as one fixed-width string: 19,000 rows of 14 tiny
// strings each would cost more to load than the whole table is worth.
import type { FeeScheduleFact } from '../types.ts';
import { encodeTable, column, type DecodedTable, type TableHeader } from '../container.ts';

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
  private readonly codes: string[];
  private readonly mods: string[];
  private readonly ind: string[];
  private readonly pre: Uint16Array;
  private readonly intra: Uint16Array;
  private readonly post: Uint16Array;
  private readonly endo: string[];
  /** Key: code, or code + ' ' + modifier. */
  private readonly ids = new Map<string, number>();
  private readonly facts = new Map<number, FeeScheduleFact>();

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    this.codes = column<string[]>(t, 'codes', 'str');
    this.mods = column<string[]>(t, 'mods', 'str');
    this.ind = column<string[]>(t, 'ind', 'str');
    this.pre = column(t, 'pre', Uint16Array);
    this.intra = column(t, 'intra', Uint16Array);
    this.post = column(t, 'post', Uint16Array);
    this.endo = column<string[]>(t, 'endo', 'str');
    for (let i = 0; i < this.codes.length; i++) this.ids.set(this.mods[i] ? `${this.codes[i]} ${this.mods[i]}` : this.codes[i], i);
    // A code listed only with a modifier row (86153 has only its 26 row) answers with that row.
    for (let i = 0; i < this.codes.length; i++) if (!this.ids.has(this.codes[i])) this.ids.set(this.codes[i], i);
  }

  has(code: string): boolean {
    return this.ids.has(code);
  }

  /** The modifier row when asked and listed, else the code's global row (its only row when it has no global one). Facts are frozen and shared. */
  get(code: string, modifier?: string | null): FeeScheduleFact | null {
    const i = (modifier ? this.ids.get(`${code} ${modifier}`) : undefined) ?? this.ids.get(code);
    if (i === undefined) return null;
    let f = this.facts.get(i);
    if (!f) {
      const s = this.ind[i];
      f = Object.freeze({
        code: this.codes[i],
        modifier: this.mods[i] || null,
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
        endoscopicBase: this.endo[i] || null,
        supervision: s.slice(10, 12),
        imagingFamily: s.slice(12, 14),
        source: this.source,
      });
      this.facts.set(i, f);
    }
    return f;
  }
}
