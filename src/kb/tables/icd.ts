// ICD-10-CM in tabular order, for one or more consecutive fiscal-year releases in one table. The
// releases share their rows: each row carries a bit per release for "present" and "billable", so
// FY2026 beside FY2027 costs a few hundred rows more than FY2027 alone, not a second code set.
// Order matters: a header's billable children are the rows right after it that share its prefix,
// so no tree is stored or built.
import { encodeTable, column, keyIndex, wordColumn, type DecodedTable, type TableHeader } from '../container.ts';
import type { WordColumn } from '../word-column.ts';
import type { KeyIndex } from '../../key-index.ts';

export interface IcdRelease {
  /** FY2027 */
  version: string;
  /** YYYY-MM-DD */
  from: string;
  to: string;
  /** Known only through the next release's addenda (codes added and deleted), not a full file. */
  partial?: boolean;
}

export interface IcdRowInput {
  /** Undotted, as CMS writes it. */
  code: string;
  billable: boolean;
  description: string;
}

export interface IcdUnionRow {
  code: string;
  /** The latest release's title (or the last one the code had). */
  description: string;
  /** Bit r: the code exists in release r. */
  inMask: number;
  /** Bit r: the code is billable in release r. */
  billMask: number;
}

export interface IcdRevision {
  code: string;
  /** The title before release `since`. */
  previous: string;
  since: number;
}

export function encodeIcdReleases(header: Omit<TableHeader, 'rows'>, releases: IcdRelease[], rows: IcdUnionRow[], revised: IcdRevision[] = []): Buffer {
  if (releases.length === 0 || releases.length > 8) throw new Error(`an ICD-10-CM table holds 1 to 8 releases, not ${releases.length}`);
  return encodeTable(
    { ...header, rows: rows.length, meta: { ...header.meta, releases } },
    {
      codes: rows.map((r) => r.code),
      desc: rows.map((r) => r.description),
      inMask: Uint8Array.from(rows, (r) => r.inMask),
      billMask: Uint8Array.from(rows, (r) => r.billMask),
      revCodes: revised.map((r) => r.code),
      revPrev: revised.map((r) => r.previous),
      revSince: Uint8Array.from(revised, (r) => r.since),
    },
  );
}

/** One release, as an operator's order file gives it. */
export function encodeIcd(header: Omit<TableHeader, 'rows'>, rows: IcdRowInput[]): Buffer {
  const release: IcdRelease = {
    version: header.version,
    from: header.effectiveFrom ?? '0000-01-01',
    to: header.effectiveTo ?? '9999-12-31',
  };
  return encodeIcdReleases(
    header,
    [release],
    rows.map((r) => ({ code: r.code, description: r.description, inMask: 1, billMask: r.billable ? 1 : 0 })),
  );
}

export interface IcdEntry {
  code: string;
  index: number;
  inMask: number;
  billMask: number;
}

export class IcdTable {
  readonly header: TableHeader;
  readonly releases: readonly IcdRelease[];
  /** Undotted codes in tabular order, and each one's row. */
  private readonly codes: KeyIndex;
  /** ~100,000 titles as word ids (see WordColumn). */
  private readonly desc: WordColumn;
  private readonly inMask: Uint8Array;
  private readonly billMask: Uint8Array;
  private readonly revised = new Map<string, { previous: string; since: number }>();

  constructor(t: DecodedTable) {
    this.header = t.header;
    const rel = (t.header.meta as { releases?: IcdRelease[] } | undefined)?.releases;
    this.releases =
      rel && rel.length > 0 ? rel : [{ version: t.header.version, from: t.header.effectiveFrom ?? '0000-01-01', to: t.header.effectiveTo ?? '9999-12-31' }];
    this.codes = keyIndex(t, 'codes');
    this.desc = wordColumn(t, 'desc');
    // Copies (~200 KB), so the 7.7 MB decompressed table is not kept alive by these two views of it.
    this.inMask = column(t, 'inMask', Uint8Array).slice();
    this.billMask = column(t, 'billMask', Uint8Array).slice();
    const revCodes = column<string[]>(t, 'revCodes', 'str');
    const revPrev = column<string[]>(t, 'revPrev', 'str');
    const revSince = column(t, 'revSince', Uint8Array);
    for (let i = 0; i < revCodes.length; i++) this.revised.set(revCodes[i], { previous: revPrev[i], since: revSince[i] });
  }

  /** In any release. */
  has(undotted: string): boolean {
    return this.codes.has(undotted);
  }

  get(undotted: string): IcdEntry | null {
    const i = this.codes.get(undotted);
    return i < 0 ? null : { code: undotted, index: i, inMask: this.inMask[i], billMask: this.billMask[i] };
  }

  /** The title in release r. */
  description(e: IcdEntry, r: number): string {
    const rev = this.revised.get(e.code);
    return rev && r < rev.since ? rev.previous : this.desc.get(e.index);
  }

  /** Billable codes under a header in release r, first `cap` of them, and how many there are. */
  billableChildren(entry: IcdEntry, r: number, cap: number): { codes: string[]; total: number; seventh: string[]; placeholder: boolean } {
    const listed: string[] = [];
    const seventh = new Set<string>();
    const bit = 1 << r;
    const rows = this.codes;
    let total = 0;
    let placeholder = false;
    for (let j = entry.index + 1; j < rows.length && rows.startsWith(j, entry.code); j++) {
      if ((this.billMask[j] & bit) === 0) continue;
      total++;
      if (listed.length < cap) listed.push(rows.key(j));
      // 7th characters only ever sit at position 7; shorter parents pad with X up to it.
      if (rows.keyLength(j) === 7) {
        seventh.add(String.fromCharCode(rows.charCodeAt(j, 6)));
        for (let i = entry.code.length; i < 6; i++) if (rows.charCodeAt(j, i) === X) placeholder = true;
      }
    }
    return { codes: listed, total, seventh: [...seventh].sort(), placeholder };
  }
}

const X = 'X'.charCodeAt(0);

/** The table's releases, rows and revisions, to build a newer table on top of it. */
export function icdTableContents(t: DecodedTable): { releases: IcdRelease[]; rows: IcdUnionRow[]; revised: IcdRevision[] } {
  const table = new IcdTable(t);
  const codes = column<string[]>(t, 'codes', 'str');
  const desc = column<string[]>(t, 'desc', 'str');
  const inMask = column(t, 'inMask', Uint8Array);
  const billMask = column(t, 'billMask', Uint8Array);
  const revCodes = column<string[]>(t, 'revCodes', 'str');
  const revPrev = column<string[]>(t, 'revPrev', 'str');
  const revSince = column(t, 'revSince', Uint8Array);
  return {
    releases: [...table.releases],
    rows: codes.map((code, i) => ({ code, description: desc[i], inMask: inMask[i], billMask: billMask[i] })),
    revised: revCodes.map((code, i) => ({ code, previous: revPrev[i], since: revSince[i] })),
  };
}

/**
 * A new release on top of the loaded ones: rows keep the order of the new file, and a code the new
 * release deleted stays right after the code it followed before. At most 8 releases: the oldest goes.
 */
export function addIcdRelease(
  base: { releases: IcdRelease[]; rows: IcdUnionRow[]; revised: IcdRevision[] },
  release: IcdRelease,
  rows: IcdRowInput[],
): { releases: IcdRelease[]; rows: IcdUnionRow[]; revised: IcdRevision[] } {
  let { releases, rows: baseRows, revised } = base;
  if (releases.length === 8) {
    releases = releases.slice(1);
    baseRows = baseRows.map((r) => ({ ...r, inMask: r.inMask >> 1, billMask: r.billMask >> 1 })).filter((r) => r.inMask !== 0);
    revised = revised.map((r) => ({ ...r, since: r.since - 1 })).filter((r) => r.since > 0);
  }
  const k = releases.length;
  const bit = 1 << k;
  const lastBit = 1 << (k - 1);
  const at = new Map(baseRows.map((r, i) => [r.code, i]));
  const inNew = new Set(rows.map((r) => r.code));
  const out: IcdUnionRow[] = [];
  const nextRevised = [...revised];
  let b = 0;
  const flushBefore = (limit: number) => {
    for (; b < limit; b++) if (!inNew.has(baseRows[b].code)) out.push(baseRows[b]);
  };
  for (const r of rows) {
    const i = at.get(r.code);
    if (i === undefined) {
      out.push({ code: r.code, description: r.description, inMask: bit, billMask: r.billable ? bit : 0 });
      continue;
    }
    flushBefore(i + 1);
    const old = baseRows[i];
    if ((old.inMask & lastBit) !== 0 && old.description !== r.description) nextRevised.push({ code: r.code, previous: old.description, since: k });
    out.push({ code: r.code, description: r.description, inMask: old.inMask | bit, billMask: old.billMask | (r.billable ? bit : 0) });
  }
  flushBefore(baseRows.length);
  return { releases: [...releases, release], rows: out, revised: nextRevised };
}
