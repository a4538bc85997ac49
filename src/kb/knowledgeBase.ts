// The knowledge base over loaded tables. Pure: every answer comes from memory, no IO after load.
import { AppError, ErrorCodes } from '../errors.ts';
import type {
  AddOnFact,
  CodeInfo,
  CodeSystem,
  EditsAmong,
  FactSource,
  KnowledgeBase,
  LookupOptions,
  ModifierInfo,
  MueFact,
  PtpEdit,
  PtpPartners,
  PtpSetting,
  TableStatus,
} from './types.ts';
import { cptCategory, dotIcd, normalizeCode, normalizeModifier, undotIcd, type NormalizedCode } from './codes.ts';
import { isoToYmd, todayYmd, ymdToDays, ymdToIso, daysToYmd } from './dates.ts';
import type { TableKind } from './kinds.ts';
import type { LoadedTable } from './load.ts';
import type { TableHeader } from './container.ts';
import { PtpTable } from './tables/ptp.ts';
import { IcdTable } from './tables/icd.ts';
import { HcpcsTable } from './tables/hcpcs.ts';
import { MueTable } from './tables/mue.ts';
import { AddOnTable } from './tables/addon.ts';
import { PtpModifierTable } from './tables/modifiers.ts';
import { CptTable } from './tables/cpt.ts';

/** How many billable children of an ICD-10-CM header a CodeInfo lists (the total is always given). */
export const CHILDREN_CAP = 50;

export const CPT_LICENCE_NOTE =
  'CPT descriptors are copyrighted by the AMA: showing this one needs a licensed CPT file (caseconsultant kb import --kind cpt).';

interface Dos {
  ymd: number;
  days: number;
}

export class CodeSetKnowledgeBase implements KnowledgeBase {
  private readonly ptpTables: Record<PtpSetting, PtpTable>;
  private readonly icd: IcdTable;
  private readonly hcpcs: HcpcsTable;
  private readonly mues: MueTable;
  private readonly addOns: AddOnTable;
  private readonly ptpMods: PtpModifierTable;
  private readonly cpt: CptTable | null;
  private readonly origins: Map<TableKind, 'shipped' | 'imported'>;
  /** The ICD-10-CM release's first and last days (YYYYMMDD), read once. */
  private readonly icdWindow: { from: number | null; to: number | null };
  private readonly knows = (code: string, system: CodeSystem): boolean =>
    system === 'ICD-10-CM' ? this.icd.has(undotIcd(code)) : this.hcpcs.has(code) || this.inEditTables(code);

  constructor(tables: Map<TableKind, LoadedTable>) {
    const get = (k: TableKind) => {
      const t = tables.get(k);
      if (!t) throw new AppError(ErrorCodes.KB_NOT_LOADED, `table ${k} is not loaded`);
      return t.decoded;
    };
    this.ptpTables = {
      practitioner: new PtpTable(get('ptp-practitioner'), 'practitioner'),
      outpatient_hospital: new PtpTable(get('ptp-outpatient-hospital'), 'outpatient_hospital'),
    };
    this.icd = new IcdTable(get('icd10cm'));
    this.hcpcs = new HcpcsTable(get('hcpcs'));
    this.mues = new MueTable(get('mue-practitioner'));
    this.addOns = new AddOnTable(get('addon'));
    this.ptpMods = new PtpModifierTable(get('ptp-modifiers'));
    const cpt = tables.get('cpt');
    this.cpt = cpt ? new CptTable(cpt.decoded) : null;
    this.origins = new Map([...tables].map(([k, t]) => [k, t.origin]));
    const h = this.icd.header;
    this.icdWindow = { from: h.effectiveFrom ? isoToYmd(h.effectiveFrom) : null, to: h.effectiveTo ? isoToYmd(h.effectiveTo) : null };
  }

  normalize(raw: string): NormalizedCode | null {
    return normalizeCode(raw, this.knows);
  }

  /** The last date of service parsed: a draft looks up many codes for one date. */
  private lastDos: { iso: string; dos: Readonly<Dos> } | null = null;

  private dos(opts?: LookupOptions): Readonly<Dos> {
    if (!opts?.dos) {
      const ymd = todayYmd();
      return { ymd, days: ymdToDays(ymd) };
    }
    if (this.lastDos?.iso === opts.dos) return this.lastDos.dos;
    const ymd = isoToYmd(opts.dos);
    if (ymd === null) throw new AppError(ErrorCodes.BAD_REQUEST, `date of service ${JSON.stringify(opts.dos)} is not a YYYY-MM-DD date`);
    const dos = Object.freeze({ ymd, days: ymdToDays(ymd) });
    this.lastDos = { iso: opts.dos, dos };
    return dos;
  }

  private inEditTables(code: string): boolean {
    return (
      this.ptpTables.practitioner.has(code) ||
      this.ptpTables.outpatient_hospital.has(code) ||
      this.mues.has(code) ||
      this.addOns.has(code)
    );
  }

  private editSources(code: string): FactSource[] {
    const out: FactSource[] = [];
    const add = (h: TableHeader) => out.push({ table: h.table, version: h.version });
    if (this.ptpTables.practitioner.has(code)) add(this.ptpTables.practitioner.header);
    if (this.ptpTables.outpatient_hospital.has(code)) add(this.ptpTables.outpatient_hospital.header);
    if (this.mues.has(code)) add(this.mues.header);
    if (this.addOns.has(code)) add(this.addOns.header);
    return out;
  }

  lookup(raw: string, opts?: LookupOptions): CodeInfo {
    const dos = this.dos(opts);
    const info: CodeInfo = {
      input: raw,
      code: raw.trim().toUpperCase(),
      system: null,
      known: false,
      billable: null,
      description: null,
      descriptionNote: null,
      billableChildren: [],
      billableChildrenTotal: 0,
      effectiveDate: null,
      terminationDate: null,
      activeOnDos: false,
      sources: [],
      notes: [],
    };
    const norm = this.normalize(raw);
    if (!norm) {
      info.notes!.push('not a CPT, HCPCS Level II or ICD-10-CM code');
      return info;
    }
    info.code = norm.code;
    info.system = norm.system;
    if (norm.system === 'CPT') this.describeCpt(info);
    else if (norm.system === 'HCPCS') this.describeHcpcs(info, dos);
    else this.describeIcd(info, dos);
    if (!info.known) info.notes!.push(`unknown ${norm.system} code: no loaded table lists it`);
    return info;
  }

  private describeCpt(info: CodeInfo): void {
    const code = info.code;
    info.cptCategory = cptCategory(code);
    const sources = this.editSources(code);
    const licensed = this.cpt?.get(code) ?? null;
    if (licensed !== null) {
      sources.unshift({ table: this.cpt!.header.table, version: this.cpt!.header.version });
      info.description = licensed;
    }
    info.sources = sources;
    info.known = sources.length > 0;
    // The CMS tables carry no CPT dates, so a listed code counts as in use.
    info.activeOnDos = info.known;
    if (info.known && licensed === null) info.descriptionNote = CPT_LICENCE_NOTE;
  }

  private describeHcpcs(info: CodeInfo, dos: Readonly<Dos>): void {
    const e = this.hcpcs.get(info.code);
    const sources = this.editSources(info.code);
    if (e) {
      sources.unshift({ table: this.hcpcs.header.table, version: this.hcpcs.header.version });
      info.description = e.longDescription;
      info.shortDescription = e.shortDescription;
      info.effectiveDate = e.addDate ? ymdToIso(e.addDate) : null;
      info.terminationDate = e.terminationDate ? ymdToIso(e.terminationDate) : null;
      const started = e.addDate === 0 || e.addDate <= dos.ymd;
      const ended = e.terminationDate !== 0 && dos.ymd > e.terminationDate;
      info.activeOnDos = started && !ended;
      if (!started) info.notes!.push(`not yet effective on ${ymdToIso(dos.ymd)} (added ${info.effectiveDate})`);
      if (ended) info.notes!.push(`terminated ${info.terminationDate}, before the date of service ${ymdToIso(dos.ymd)}`);
    } else if (sources.length > 0) {
      info.notes!.push(`not in ${this.hcpcs.source}; listed only by CMS edit tables, so its status is unknown`);
    }
    info.sources = sources;
    info.known = sources.length > 0;
  }

  private describeIcd(info: CodeInfo, dos: Readonly<Dos>): void {
    const h = this.icd.header;
    const e = this.icd.get(undotIcd(info.code));
    if (!e) return;
    info.known = true;
    info.sources = [{ table: h.table, version: h.version }];
    info.billable = e.billable;
    info.description = e.description;
    const { from, to } = this.icdWindow;
    info.activeOnDos = true;
    if (e.change === 'added' && from !== null) {
      info.effectiveDate = h.effectiveFrom;
      info.activeOnDos = dos.ymd >= from;
      if (!info.activeOnDos) info.notes!.push(`new in ${h.version}: not valid before ${h.effectiveFrom}`);
    } else if (e.change === 'deleted' && from !== null) {
      info.terminationDate = ymdToIso(daysToYmd(ymdToDays(from) - 1));
      info.activeOnDos = dos.ymd < from;
      info.notes!.push(`deleted in ${h.version}: valid only through ${info.terminationDate}`);
    }
    if (from !== null && dos.ymd < from && e.change === null) {
      info.notes!.push(`the date of service is before ${h.version} starts (${h.effectiveFrom}): this release may differ from the one in force then`);
    }
    if (to !== null && dos.ymd > to) {
      info.notes!.push(`the date of service is after ${h.version} ends (${h.effectiveTo}): a newer ICD-10-CM release may apply`);
    }
    if (!e.billable) {
      const kids = this.icd.billableChildren(e, CHILDREN_CAP);
      info.billableChildren = kids.codes.map(dotIcd);
      info.billableChildrenTotal = kids.total;
      info.seventhCharacters = kids.seventh;
      info.notes!.push(
        kids.seventh.length > 0
          ? `header, not billable: needs a 7th character (${kids.seventh.join(', ')}${kids.placeholder ? ', with placeholder X' : ''})`
          : 'header, not billable: report one of its billable codes',
      );
    }
  }

  ptp(a: string, b: string, opts?: LookupOptions): PtpEdit[] {
    const dos = this.dos(opts);
    const table = this.ptpTables[opts?.setting ?? 'practitioner'];
    const ca = this.normalize(a)?.code ?? a.trim().toUpperCase();
    const cb = this.normalize(b)?.code ?? b.trim().toUpperCase();
    const out: PtpEdit[] = [];
    const ab = table.pick(ca, cb, dos.days);
    if (ab) out.push(table.edit(ca, ab));
    const ba = ca === cb ? null : table.pick(cb, ca, dos.days);
    if (ba) out.push(table.edit(cb, ba));
    return out;
  }

  ptpPartners(code: string, opts?: LookupOptions): PtpPartners & { source: string } {
    const table = this.ptpTables[opts?.setting ?? 'practitioner'];
    const c = this.normalize(code)?.code ?? code.trim().toUpperCase();
    return { ...table.partners(c, this.dos(opts).days), source: table.source };
  }

  mue(code: string): MueFact | null {
    const n = this.normalize(code);
    return n ? this.mues.get(n.code) : null;
  }

  addOn(code: string, opts?: LookupOptions): AddOnFact | null {
    const n = this.normalize(code);
    return n ? this.addOns.fact(n.code, this.dos(opts).ymd) : null;
  }

  modifier(mod: string): ModifierInfo | null {
    const m = normalizeModifier(mod);
    if (!m) return null;
    const hcpcs = this.hcpcs.get(m.modifier);
    const listed = this.ptpMods.get(m.modifier);
    if (!hcpcs && !listed && m.codeSet !== 'CPT Level I') return null;
    return {
      modifier: m.modifier,
      codeSet: hcpcs ? 'HCPCS Level II' : 'CPT Level I',
      // CPT modifier descriptors are AMA text: never shown.
      description: hcpcs ? hcpcs.longDescription : null,
      ptpAssociated: listed?.bypasses ?? false,
      ptpGroup: listed?.group ?? null,
      source: [hcpcs ? this.hcpcs.source : null, listed ? this.ptpMods.source : null].filter(Boolean).join('; ') || 'CPT modifier number (descriptor needs an AMA licence)',
    };
  }

  editsAmong(codes: string[], opts?: LookupOptions): EditsAmong {
    const dos = this.dos(opts);
    const table = this.ptpTables[opts?.setting ?? 'practitioner'];
    const seen = new Set<string>();
    const list: string[] = [];
    for (const raw of codes) {
      const n = this.normalize(raw);
      if (!n || n.system === 'ICD-10-CM' || seen.has(n.code)) continue;
      seen.add(n.code);
      list.push(n.code);
    }
    const out: EditsAmong = { ptp: [], mue: [], addOn: [] };
    for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < list.length; j++) {
        if (i === j) continue;
        const p = table.pick(list[i], list[j], dos.days);
        if (p?.active) out.ptp.push(table.edit(list[i], p));
      }
      const m = this.mues.get(list[i]);
      if (m) out.mue.push(m);
      const a = this.addOns.fact(list[i], dos.ymd);
      if (a) out.addOn.push(a);
    }
    return out;
  }

  status(): TableStatus[] {
    const tables: { kind: TableKind; header: TableHeader }[] = [
      { kind: 'ptp-practitioner', header: this.ptpTables.practitioner.header },
      { kind: 'ptp-outpatient-hospital', header: this.ptpTables.outpatient_hospital.header },
      { kind: 'mue-practitioner', header: this.mues.header },
      { kind: 'addon', header: this.addOns.header },
      { kind: 'hcpcs', header: this.hcpcs.header },
      { kind: 'icd10cm', header: this.icd.header },
      { kind: 'ptp-modifiers', header: this.ptpMods.header },
    ];
    if (this.cpt) tables.push({ kind: 'cpt', header: this.cpt.header });
    return tables.map(({ kind, header }) => ({
      kind,
      table: header.table,
      version: header.version,
      rows: header.rows,
      effectiveFrom: header.effectiveFrom,
      effectiveTo: header.effectiveTo,
      origin: this.origins.get(kind) ?? 'shipped',
      source: header.source,
    }));
  }
}
