// NCCI add-on code edits: each add-on code with its primary codes, each edit with its own window.
import type { AddOnFact } from '../types.ts';
import { encodeTable, column, type DecodedTable, type TableHeader } from '../container.ts';
import { ymdToIso } from '../dates.ts';

/** CMS's placeholder for "primary codes defined by the contractor" (type 2 edits). */
export const CONTRACTOR_DEFINED = 'CCCCC';

export interface AddOnRowInput {
  addOnCode: string;
  primaryCode: string;
  type: string;
  /** YYYYMMDD or null. */
  effective: number | null;
  deletion: number | null;
  addOnDeletion: number | null;
  primaryDeletion: number | null;
  notes: string;
}

export function encodeAddOn(header: Omit<TableHeader, 'rows'>, rows: AddOnRowInput[]): Buffer {
  const dates = (f: (r: AddOnRowInput) => number | null) => Uint32Array.from(rows, (r) => f(r) ?? 0);
  return encodeTable(
    { ...header, rows: rows.length },
    {
      addOn: rows.map((r) => r.addOnCode),
      primary: rows.map((r) => r.primaryCode),
      type: rows.map((r) => r.type),
      eff: dates((r) => r.effective),
      del: dates((r) => r.deletion),
      addOnDel: dates((r) => r.addOnDeletion),
      primaryDel: dates((r) => r.primaryDeletion),
      notes: rows.map((r) => r.notes),
    },
  );
}

interface Edit {
  primary: string;
  type: string;
  eff: number;
  del: number;
  notes: string;
}

export class AddOnTable {
  readonly header: TableHeader;
  readonly source: string;
  private readonly byAddOn = new Map<string, Edit[]>();

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    const addOn = column<string[]>(t, 'addOn', 'str');
    const primary = column<string[]>(t, 'primary', 'str');
    const type = column<string[]>(t, 'type', 'str');
    const eff = column(t, 'eff', Uint32Array);
    const del = column(t, 'del', Uint32Array);
    const notes = column<string[]>(t, 'notes', 'str');
    for (let i = 0; i < addOn.length; i++) {
      let list = this.byAddOn.get(addOn[i]);
      if (!list) this.byAddOn.set(addOn[i], (list = []));
      list.push({ primary: primary[i], type: type[i], eff: eff[i], del: del[i], notes: notes[i] });
    }
  }

  has(code: string): boolean {
    return this.byAddOn.has(code);
  }

  /** The add-on's edits in force on the day (YYYYMMDD); null when it has none then. */
  fact(code: string, dosYmd: number): AddOnFact | null {
    const edits = this.byAddOn.get(code);
    if (!edits) return null;
    const live = edits.filter((e) => (e.eff === 0 || e.eff <= dosYmd) && (e.del === 0 || dosYmd <= e.del));
    if (live.length === 0) return null;
    const types = [...new Set(live.map((e) => e.type))].sort();
    const primaries = live.filter((e) => e.primary !== CONTRACTOR_DEFINED);
    return {
      addOnCode: code,
      primaryCodes: [...new Set(primaries.map((e) => e.primary))].sort(),
      type: types[0],
      types,
      contractorDefinedPrimaries: live.some((e) => e.primary === CONTRACTOR_DEFINED),
      primaries: live.map((e) => ({
        code: e.primary,
        type: e.type,
        effectiveDate: e.eff ? ymdToIso(e.eff) : null,
        deletionDate: e.del ? ymdToIso(e.del) : null,
      })),
      notes: [...new Set(live.map((e) => e.notes).filter(Boolean))],
      source: this.source,
    };
  }
}
