// NCCI MUE values, one row per code.
import type { MueFact } from '../types.ts';
import { encodeTable, column, keyIndex, smallSetColumn, type DecodedTable, type TableHeader } from '../container.ts';
import type { KeyIndex } from '../../key-index.ts';

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

/**
 * Columns, not an object per code: ~33,000 MUE rows over the three settings took ~6 MB of heap as
 * frozen facts in Maps. A fact is built when asked for (a few per draft).
 */
export class MueTable {
  readonly header: TableHeader;
  readonly source: string;
  private readonly codes: KeyIndex;
  private readonly value: Uint32Array;
  private readonly mai: { values: string[]; ids: Uint8Array };
  private readonly maiDesc: { values: string[]; ids: Uint8Array };
  private readonly rationale: { values: string[]; ids: Uint8Array };

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    this.codes = keyIndex(t, 'codes');
    // A copy, so the decompressed file is not kept alive by a view of it.
    this.value = column(t, 'value', Uint32Array).slice();
    this.mai = smallSetColumn(t, 'mai');
    this.maiDesc = smallSetColumn(t, 'maiDesc');
    this.rationale = smallSetColumn(t, 'rationale');
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }

  get(code: string): MueFact | null {
    const i = this.codes.get(code);
    if (i < 0) return null;
    return Object.freeze({
      code,
      value: this.value[i],
      mai: this.mai.values[this.mai.ids[i]],
      maiDescription: this.maiDesc.values[this.maiDesc.ids[i]],
      rationale: this.rationale.values[this.rationale.ids[i]],
      source: this.source,
    });
  }
}
