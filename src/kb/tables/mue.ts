// NCCI MUE values, one row per code.
import type { MueFact } from '../types.ts';
import { encodeTable, column, type DecodedTable, type TableHeader } from '../container.ts';

export interface MueRowInput {
  code: string;
  value: number;
  mai: string;
  maiDescription: string;
  rationale: string;
}

export function encodeMue(header: Omit<TableHeader, 'rows'>, rows: MueRowInput[]): Buffer {
  return encodeTable(
    { ...header, rows: rows.length },
    {
      codes: rows.map((r) => r.code),
      value: Uint32Array.from(rows, (r) => r.value),
      mai: rows.map((r) => r.mai),
      maiDesc: rows.map((r) => r.maiDescription),
      rationale: rows.map((r) => r.rationale),
    },
  );
}

export class MueTable {
  readonly header: TableHeader;
  readonly source: string;
  private readonly facts = new Map<string, MueFact>();

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    const codes = column<string[]>(t, 'codes', 'str');
    const value = column(t, 'value', Uint32Array);
    const mai = column<string[]>(t, 'mai', 'str');
    const maiDesc = column<string[]>(t, 'maiDesc', 'str');
    const rationale = column<string[]>(t, 'rationale', 'str');
    // A few dozen distinct indicator and rationale texts repeat over 15,000 rows: one string each.
    const interned = new Map<string, string>();
    const intern = (v: string) => {
      const had = interned.get(v);
      if (had !== undefined) return had;
      interned.set(v, v);
      return v;
    };
    for (let i = 0; i < codes.length; i++) {
      this.facts.set(
        codes[i],
        Object.freeze({
          code: codes[i],
          value: value[i],
          mai: intern(mai[i]),
          maiDescription: intern(maiDesc[i]),
          rationale: intern(rationale[i]),
          source: this.source,
        }),
      );
    }
  }

  has(code: string): boolean {
    return this.facts.has(code);
  }

  /** Facts are frozen and shared: they are answered many times per draft. */
  get(code: string): MueFact | null {
    return this.facts.get(code) ?? null;
  }
}
