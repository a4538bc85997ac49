// HCPCS Level II procedures and modifiers (CMS ANWEB), with the dates that decide validity at a DOS.
import { encodeTable, column, keyIndex, textColumn, type DecodedTable, type TableHeader, type TextColumn } from '../container.ts';
import type { KeyIndex } from '../../key-index.ts';

export interface HcpcsRowInput {
  code: string;
  longDescription: string;
  shortDescription: string;
  /** YYYYMMDD or null. */
  addDate: number | null;
  actionEffectiveDate: number | null;
  terminationDate: number | null;
  actionCode: string;
}

export function encodeHcpcs(header: Omit<TableHeader, 'rows'>, rows: HcpcsRowInput[]): Buffer {
  const dates = (f: (r: HcpcsRowInput) => number | null) => Uint32Array.from(rows, (r) => f(r) ?? 0);
  return encodeTable(
    { ...header, rows: rows.length },
    {
      codes: rows.map((r) => r.code),
      long: rows.map((r) => r.longDescription),
      short: rows.map((r) => r.shortDescription),
      add: dates((r) => r.addDate),
      actEff: dates((r) => r.actionEffectiveDate),
      term: dates((r) => r.terminationDate),
      action: rows.map((r) => r.actionCode),
    },
  );
}

export interface HcpcsEntry {
  code: string;
  longDescription: string;
  shortDescription: string;
  /** YYYYMMDD; 0 when absent. */
  addDate: number;
  actionEffectiveDate: number;
  terminationDate: number;
  actionCode: string;
}

export class HcpcsTable {
  readonly header: TableHeader;
  readonly source: string;
  private readonly codes: KeyIndex;
  /** One string per column, not one per row (see TextColumn). */
  private readonly long: TextColumn;
  private readonly short: TextColumn;
  private readonly add: Uint32Array;
  private readonly actEff: Uint32Array;
  private readonly term: Uint32Array;
  private readonly action: string[];

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    this.codes = keyIndex(t, 'codes');
    this.long = textColumn(t, 'long');
    this.short = textColumn(t, 'short');
    // Copies (~100 KB), so these views do not keep the 1.3 MB decompressed table alive.
    this.add = column(t, 'add', Uint32Array).slice();
    this.actEff = column(t, 'actEff', Uint32Array).slice();
    this.term = column(t, 'term', Uint32Array).slice();
    this.action = column<string[]>(t, 'action', 'str');
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }

  get(code: string): HcpcsEntry | null {
    const i = this.codes.get(code);
    if (i < 0) return null;
    return {
      code,
      longDescription: this.long.get(i),
      shortDescription: this.short.get(i),
      addDate: this.add[i],
      actionEffectiveDate: this.actEff[i],
      terminationDate: this.term[i],
      actionCode: this.action[i],
    };
  }
}
