// An independent reading of the raw CMS/CDC tables in ../shared/data, used by the eval to check that
// every edit fact a draft states equals the table row (the KB is not consulted here).
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import path from 'node:path';

export interface OraclePtp {
  column1: string;
  column2: string;
  modifierIndicator: string;
  deletionDate: string | null;
  rationale: string;
}

const iso = (d: string) => (d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null);

export class TableOracle {
  readonly mue = new Map<string, { value: number; mai: string }>();
  readonly addOn = new Map<string, Array<{ primary: string; type: string; deletion: string | null }>>();
  readonly icd = new Map<string, boolean>();
  readonly ptp = new Map<string, OraclePtp[]>();

  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  static defaultDir(): string {
    return path.resolve(process.cwd(), '..', 'shared', 'data');
  }

  available(): boolean {
    return existsSync(path.join(this.dir, 'mue-practitioner-2026-04-01.tsv'));
  }

  loadSmall(): void {
    for (const line of readFileSync(path.join(this.dir, 'mue-practitioner-2026-04-01.tsv'), 'utf8').split('\n').slice(1)) {
      const r = line.split('\t');
      if (r.length > 2) this.mue.set(r[0], { value: Number(r[1]), mai: r[2] });
    }
    for (const line of readFileSync(path.join(this.dir, 'addon-code-edits-2026Q2.tsv'), 'utf8').split('\n').slice(1)) {
      const r = line.split('\t');
      if (r.length < 7) continue;
      const list = this.addOn.get(r[0]) ?? [];
      list.push({ primary: r[1], type: r[2], deletion: iso(r[6]) });
      this.addOn.set(r[0], list);
    }
    for (const line of readFileSync(path.join(this.dir, 'icd10cm-order-FY2026.tsv'), 'utf8').split('\n').slice(1)) {
      const r = line.split('\t');
      if (r.length > 3) this.icd.set(r[2], r[3] === '1');
    }
  }

  /** Streams the practitioner PTP file once, keeping rows whose both codes are in `codes`. */
  async loadPtp(codes: Set<string>): Promise<void> {
    const rl = createInterface({ input: createReadStream(path.join(this.dir, 'ncci-ptp-practitioner-2024-07-01.tsv.gz')).pipe(createGunzip()) });
    for await (const line of rl) {
      const tab = line.indexOf('\t');
      if (!codes.has(line.slice(0, tab))) continue;
      const r = line.split('\t');
      if (!codes.has(r[1])) continue;
      const key = `${r[0]}|${r[1]}`;
      const list = this.ptp.get(key) ?? [];
      list.push({ column1: r[0], column2: r[1], deletionDate: iso(r[2]), modifierIndicator: r[3], rationale: r[4] });
      this.ptp.set(key, list);
    }
  }

  /** Rows in force at the date: no deletion date, or one after it. */
  activePtp(codes: string[], dos: string): OraclePtp[] {
    const out: OraclePtp[] = [];
    for (const a of codes)
      for (const b of codes) {
        if (a === b) continue;
        for (const r of this.ptp.get(`${a}|${b}`) ?? []) if (!r.deletionDate || r.deletionDate > dos) out.push(r);
      }
    return out;
  }

  activeAddOn(code: string, dos: string): { type: string; primaryCodes: string[] } | null {
    const rows = (this.addOn.get(code) ?? []).filter((r) => !r.deletion || r.deletion > dos);
    if (!rows.length) return null;
    return { type: rows[0].type, primaryCodes: [...new Set(rows.map((r) => r.primary))].sort() };
  }
}
