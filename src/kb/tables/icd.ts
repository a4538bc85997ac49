// ICD-10-CM in tabular order. Order matters: a header's billable children are the rows right
// after it that share its prefix, so no tree is stored or built.
import { encodeTable, column, type DecodedTable, type TableHeader } from '../container.ts';

export interface IcdRowInput {
  /** Undotted, as CMS writes it. */
  code: string;
  billable: boolean;
  description: string;
}

export interface IcdChanges {
  /** Codes new in this version: not valid before its effective date. */
  added: string[];
  /** Codes this version deleted: valid only before its effective date. */
  deleted: { code: string; billable: boolean; description: string }[];
}

export function encodeIcd(header: Omit<TableHeader, 'rows'>, rows: IcdRowInput[], changes: IcdChanges): Buffer {
  const billable = new Uint8Array(rows.length);
  rows.forEach((r, i) => (billable[i] = r.billable ? 1 : 0));
  const delBillable = new Uint8Array(changes.deleted.length);
  changes.deleted.forEach((r, i) => (delBillable[i] = r.billable ? 1 : 0));
  return encodeTable(
    { ...header, rows: rows.length },
    {
      codes: rows.map((r) => r.code),
      billable,
      desc: rows.map((r) => r.description),
      added: changes.added,
      delCodes: changes.deleted.map((r) => r.code),
      delBillable,
      delDesc: changes.deleted.map((r) => r.description),
    },
  );
}

export interface IcdEntry {
  code: string;
  billable: boolean;
  description: string;
  /** 'added' = new in this version, 'deleted' = removed by it. */
  change: 'added' | 'deleted' | null;
  index: number;
}

export class IcdTable {
  readonly header: TableHeader;
  readonly source: string;
  private readonly codes: string[];
  private readonly billable: Uint8Array;
  private readonly desc: string[];
  private readonly ids = new Map<string, number>();
  private readonly added: Set<string>;
  private readonly deleted = new Map<string, { billable: boolean; description: string }>();

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    this.codes = column<string[]>(t, 'codes', 'str');
    this.billable = column(t, 'billable', Uint8Array);
    this.desc = column<string[]>(t, 'desc', 'str');
    for (let i = 0; i < this.codes.length; i++) this.ids.set(this.codes[i], i);
    this.added = new Set(column<string[]>(t, 'added', 'str'));
    const delCodes = column<string[]>(t, 'delCodes', 'str');
    const delBillable = column(t, 'delBillable', Uint8Array);
    const delDesc = column<string[]>(t, 'delDesc', 'str');
    delCodes.forEach((c, i) => this.deleted.set(c, { billable: delBillable[i] === 1, description: delDesc[i] }));
  }

  has(undotted: string): boolean {
    return this.ids.has(undotted) || this.deleted.has(undotted);
  }

  get(undotted: string): IcdEntry | null {
    const i = this.ids.get(undotted);
    if (i !== undefined) {
      return {
        code: undotted,
        billable: this.billable[i] === 1,
        description: this.desc[i],
        change: this.added.has(undotted) ? 'added' : null,
        index: i,
      };
    }
    const d = this.deleted.get(undotted);
    return d ? { code: undotted, ...d, change: 'deleted', index: -1 } : null;
  }

  /** Billable codes under a header, first `cap` of them, and how many there are. */
  billableChildren(entry: IcdEntry, cap: number): { codes: string[]; total: number; seventh: string[]; placeholder: boolean } {
    const codes: string[] = [];
    const seventh = new Set<string>();
    let total = 0;
    let placeholder = false;
    if (entry.index < 0) return { codes, total, seventh: [], placeholder };
    for (let j = entry.index + 1; j < this.codes.length && this.codes[j].startsWith(entry.code); j++) {
      if (this.billable[j] !== 1) continue;
      total++;
      const c = this.codes[j];
      if (codes.length < cap) codes.push(c);
      // 7th characters only ever sit at position 7; shorter parents pad with X up to it.
      if (c.length === 7) {
        seventh.add(c[6]);
        if (c.slice(entry.code.length, 6).includes('X')) placeholder = true;
      }
    }
    return { codes, total, seventh: [...seventh].sort(), placeholder };
  }
}
