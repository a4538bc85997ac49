// The operator's licensed AMA CPT descriptors. Only ever built from an imported file, never shipped.
import { encodeTable, column, type DecodedTable, type TableHeader } from '../container.ts';

export interface CptRowInput {
  code: string;
  descriptor: string;
}

export function encodeCpt(header: Omit<TableHeader, 'rows'>, rows: CptRowInput[]): Buffer {
  return encodeTable({ ...header, rows: rows.length }, { codes: rows.map((r) => r.code), desc: rows.map((r) => r.descriptor) });
}

export class CptTable {
  readonly header: TableHeader;
  readonly source: string;
  private readonly desc = new Map<string, string>();

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    const codes = column<string[]>(t, 'codes', 'str');
    const desc = column<string[]>(t, 'desc', 'str');
    for (let i = 0; i < codes.length; i++) this.desc.set(codes[i], desc[i]);
  }

  has(code: string): boolean {
    return this.desc.has(code);
  }

  get(code: string): string | null {
    return this.desc.get(code) ?? null;
  }
}
