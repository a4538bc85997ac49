// The NCCI Policy Manual's list of PTP-associated modifiers (and the three it says are not).
import { encodeTable, column, type DecodedTable, type TableHeader } from '../container.ts';

export interface PtpModifierRowInput {
  modifier: string;
  group: string;
  bypasses: boolean;
  codeSet: 'HCPCS Level II' | 'CPT Level I';
}

export function encodePtpModifiers(header: Omit<TableHeader, 'rows'>, rows: PtpModifierRowInput[]): Buffer {
  return encodeTable(
    { ...header, rows: rows.length },
    {
      modifier: rows.map((r) => r.modifier),
      group: rows.map((r) => r.group),
      bypasses: Uint8Array.from(rows, (r) => (r.bypasses ? 1 : 0)),
      codeSet: rows.map((r) => r.codeSet),
    },
  );
}

export interface PtpModifierEntry {
  modifier: string;
  group: string;
  bypasses: boolean;
  codeSet: 'HCPCS Level II' | 'CPT Level I';
}

export class PtpModifierTable {
  readonly header: TableHeader;
  readonly source: string;
  private readonly rows = new Map<string, PtpModifierEntry>();

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    const modifier = column<string[]>(t, 'modifier', 'str');
    const group = column<string[]>(t, 'group', 'str');
    const bypasses = column(t, 'bypasses', Uint8Array);
    const codeSet = column<string[]>(t, 'codeSet', 'str');
    for (let i = 0; i < modifier.length; i++) {
      this.rows.set(modifier[i], { modifier: modifier[i], group: group[i], bypasses: bypasses[i] === 1, codeSet: codeSet[i] as PtpModifierEntry['codeSet'] });
    }
  }

  get(mod: string): PtpModifierEntry | null {
    return this.rows.get(mod) ?? null;
  }

  list(): PtpModifierEntry[] {
    return [...this.rows.values()];
  }
}
