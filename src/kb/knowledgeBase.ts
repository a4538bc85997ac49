// The knowledge base over loaded tables. Pure: every answer comes from memory, no IO after load.
import { LRUCache } from 'lru-cache';
import { AppError, ErrorCodes } from '../errors.ts';
import type {
  AddOnFact,
  CodeInfo,
  CodeSystem,
  DosageUnit,
  EditsAmong,
  ExcludesConflict,
  ExcludesNote,
  FactSource,
  KnowledgeBase,
  LookupOptions,
  FeeScheduleFact,
  GuidanceHit,
  GuidanceParagraph,
  GuidanceQuery,
  ModifierInfo,
  MueFact,
  MueSetting,
  PtpEdit,
  PtpPartners,
  PtpSetting,
  TableStatus,
} from './types.ts';
import { cptCategory, dotIcd, normalizeCode, normalizeModifier, undotIcd, type NormalizedCode } from './codes.ts';
import { isoToYmd, todayYmd, ymdToDays, ymdToIso } from './dates.ts';
import type { TableKind } from './kinds.ts';
import { decodeTable, decompressSync, type DecodedTable, type TableHeader } from './container.ts';
import { PtpTable } from './tables/ptp.ts';
import { IcdTable } from './tables/icd.ts';
import { HcpcsTable } from './tables/hcpcs.ts';
import { MueTable } from './tables/mue.ts';
import { AddOnTable } from './tables/addon.ts';
import { PtpModifierTable } from './tables/modifiers.ts';
import { CptTable } from './tables/cpt.ts';
import { PfsTable } from './tables/pfs.ts';
import { ExcludesTable, spanHolds, type RefSpan } from './tables/excludes.ts';
import { GuidanceTable, type GuidanceKey } from './tables/guidance.ts';
import { parseDosageUnit } from './dosage.ts';

/** How many billable children of an ICD-10-CM header a CodeInfo lists (the total is always given). */
export const CHILDREN_CAP = 50;

export const CPT_LICENCE_NOTE = 'CPT descriptors are copyrighted by the AMA: showing this one needs a licensed CPT file (caseconsultant kb import --kind cpt).';

interface Dos {
  ymd: number;
  days: number;
}

/**
 * What each kind of table is read into, from its decoded file and the file's compressed bytes. The
 * outpatient hospital PTP table's rows (7 MB) are read on the first question that needs them (a
 * hospital outpatient claim, or a reviewer's lookup in that setting): until then it keeps its
 * compressed file (0.4 MB), so the rows come from the same bytes the codes did.
 */
export const TABLE_BUILDERS = {
  'ptp-practitioner': (t: DecodedTable) => new PtpTable(t, 'practitioner'),
  'ptp-outpatient-hospital': (t: DecodedTable, gz: Buffer) =>
    new PtpTable(t, 'outpatient_hospital', () => decodeTable(decompressSync(gz), 'ptp-outpatient-hospital')),
  'mue-practitioner': (t: DecodedTable) => new MueTable(t),
  'mue-outpatient-hospital': (t: DecodedTable) => new MueTable(t),
  'mue-dme': (t: DecodedTable) => new MueTable(t),
  addon: (t: DecodedTable) => new AddOnTable(t),
  hcpcs: (t: DecodedTable) => new HcpcsTable(t),
  icd10cm: (t: DecodedTable) => new IcdTable(t),
  'ptp-modifiers': (t: DecodedTable) => new PtpModifierTable(t),
  pfs: (t: DecodedTable) => new PfsTable(t),
  'icd10cm-excludes': (t: DecodedTable) => new ExcludesTable(t),
  guidance: (t: DecodedTable) => new GuidanceTable(t),
  cpt: (t: DecodedTable) => new CptTable(t),
} satisfies Record<TableKind, (t: DecodedTable, gz: Buffer) => unknown>;

type Built<K extends TableKind> = ReturnType<(typeof TABLE_BUILDERS)[K]>;

/** The tables read so far, each built from its file (whose buffer is then free) and where it came from. */
export type BuiltTables = Map<TableKind, { table: unknown; origin: 'shipped' | 'imported' }>;

export class CodeSetKnowledgeBase implements KnowledgeBase {
  private readonly ptpTables: Record<PtpSetting, PtpTable>;
  private readonly icd: IcdTable;
  private readonly hcpcs: HcpcsTable;
  private readonly mues: Record<MueSetting, MueTable>;
  private readonly pfs: PfsTable;
  private readonly excludes: ExcludesTable;
  /** The CMS tables that list procedure codes, in the order sources are cited. */
  private readonly editTables: { has(code: string): boolean; header: TableHeader }[];
  private readonly excludesFrom: number;
  private readonly guidanceTable: GuidanceTable;
  private readonly addOns: AddOnTable;
  private readonly ptpMods: PtpModifierTable;
  private readonly cpt: CptTable | null;
  private readonly origins: Map<TableKind, 'shipped' | 'imported'>;
  /** Each ICD-10-CM release's first and last days (YYYYMMDD), read once. */
  private readonly icdWindows: { from: number; to: number }[];
  /** The notes a release change gives, built once: a draft looks up many codes. */
  private readonly icdNotes: {
    newNotValid: string[];
    newValidFrom: string[];
    deletedIn: string[];
    becameHeaderNext: string[];
    becameHeader: string[];
    partial: string[];
    before: string;
    after: string;
  };
  private readonly knows = (code: string, system: CodeSystem): boolean =>
    system === 'ICD-10-CM' ? this.icd.has(undotIcd(code)) : this.hcpcs.has(code) || this.inEditTables(code);

  constructor(tables: BuiltTables) {
    const get = <K extends TableKind>(k: K): Built<K> => {
      const t = tables.get(k);
      if (!t) throw new AppError(ErrorCodes.KB_NOT_LOADED, `table ${k} is not loaded`);
      return t.table as Built<K>;
    };
    this.ptpTables = {
      practitioner: get('ptp-practitioner'),
      outpatient_hospital: get('ptp-outpatient-hospital'),
    };
    this.icd = get('icd10cm');
    this.hcpcs = get('hcpcs');
    this.mues = {
      practitioner: get('mue-practitioner'),
      outpatient_hospital: get('mue-outpatient-hospital'),
      dme: get('mue-dme'),
    };
    this.pfs = get('pfs');
    this.excludes = get('icd10cm-excludes');
    this.excludesFrom = isoToYmd(this.excludes.header.effectiveFrom ?? '') ?? 0;
    this.guidanceTable = get('guidance');
    this.addOns = get('addon');
    this.editTables = [
      this.ptpTables.practitioner,
      this.ptpTables.outpatient_hospital,
      this.mues.practitioner,
      this.mues.outpatient_hospital,
      this.mues.dme,
      this.addOns,
      this.pfs,
    ];
    this.ptpMods = get('ptp-modifiers');
    this.cpt = (tables.get('cpt')?.table as CptTable | undefined) ?? null;
    this.origins = new Map([...tables].map(([k, t]) => [k, t.origin]));
    const rel = this.icd.releases;
    this.icdWindows = rel.map((r) => ({ from: isoToYmd(r.from) ?? 0, to: isoToYmd(r.to) ?? 99991231 }));
    // Index r: the note about release r (new in r, deleted in r + 1, ...).
    const last = rel[rel.length - 1];
    this.icdNotes = {
      newNotValid: rel.map((r) => `new in ${r.version}, not valid before ${r.from}`),
      newValidFrom: rel.map((r) => `new in ${r.version}: valid from ${r.from}`),
      deletedIn: rel.map((r, k) => (k + 1 < rel.length ? `deleted in ${rel[k + 1].version}: valid through ${r.to}` : '')),
      becameHeaderNext: rel.map((r, k) => (k + 1 < rel.length ? `became a header in ${rel[k + 1].version} (billable through ${r.to})` : '')),
      becameHeader: rel.map((r, k) => (k > 0 ? `became a header in ${r.version}: billable only through ${rel[k - 1].to}` : '')),
      partial: rel.map((r) => `${r.version} is known here only through the next release's addenda (codes added and deleted): other details may differ`),
      before: `the date of service is before ${rel[0].version} starts (${rel[0].from}): this release may differ from the one in force then`,
      after: `the date of service is after ${last.version} ends (${last.to}): a newer ICD-10-CM release may apply`,
    };
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
    for (const t of this.editTables) if (t.has(code)) return true;
    return false;
  }

  private editSources(code: string): FactSource[] {
    const out: FactSource[] = [];
    for (const t of this.editTables) if (t.has(code)) out.push({ table: t.header.table, version: t.header.version });
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

  /** The ICD-10-CM release in force at the date: the last one begun by then (the first if none has). */
  icdRelease(dosYmd: number): number {
    const w = this.icdWindows;
    let r = 0;
    for (let k = 1; k < w.length; k++) if (w[k].from <= dosYmd) r = k;
    return r;
  }

  private describeIcd(info: CodeInfo, dos: Readonly<Dos>): void {
    const e = this.icd.get(undotIcd(info.code));
    if (!e) return;
    const rel = this.icd.releases;
    const w = this.icdWindows;
    const notes = this.icdNotes;
    const r = this.icdRelease(dos.ymd);
    const inMask = e.inMask;
    const billMask = e.billMask;
    const n = rel.length;
    info.known = true;
    // The release the answer is read from: the one in force, else the nearest that lists the code.
    let used = r;
    if (bit(inMask, n, r)) {
      info.activeOnDos = true;
      if (bit(inMask, n, r + 1) === false && r + 1 < rel.length) {
        info.terminationDate = rel[r].to;
        info.notes!.push(notes.deletedIn[r]);
      } else if (r + 1 < rel.length && bit(billMask, n, r) && !bit(billMask, n, r + 1)) {
        info.notes!.push(notes.becameHeaderNext[r]);
      }
      if (r > 0 && !bit(inMask, n, r - 1)) {
        info.effectiveDate = rel[r].from;
        info.notes!.push(notes.newValidFrom[r]);
      } else if (r > 0 && bit(billMask, n, r - 1) && !bit(billMask, n, r)) {
        info.notes!.push(notes.becameHeader[r]);
      }
    } else {
      info.activeOnDos = false;
      let later = -1;
      for (let k = r + 1; k < rel.length && later < 0; k++) if (bit(inMask, n, k)) later = k;
      if (later >= 0) {
        used = later;
        info.effectiveDate = rel[later].from;
        info.notes!.push(notes.newNotValid[later]);
      } else {
        let earlier = -1;
        for (let k = r - 1; k >= 0 && earlier < 0; k--) if (bit(inMask, n, k)) earlier = k;
        used = earlier;
        info.terminationDate = rel[earlier].to;
        info.notes!.push(notes.deletedIn[earlier]);
      }
    }
    const release = rel[used];
    info.sources = [{ table: this.icd.header.table, version: release.version }];
    info.billable = bit(billMask, n, used);
    info.description = this.icd.description(e, used);
    if (release.partial && used === r) info.notes!.push(notes.partial[r]);
    if (dos.ymd < w[0].from) info.notes!.push(notes.before);
    if (dos.ymd > w[w.length - 1].to) info.notes!.push(notes.after);
    if (!info.billable) {
      const kids = this.icd.billableChildren(e, used, CHILDREN_CAP);
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

  /** The MUE table of the claim's setting: mueSetting, else the PTP setting, else practitioner. */
  private mueTable(opts?: LookupOptions): MueTable {
    return this.mues[opts?.mueSetting ?? opts?.setting ?? 'practitioner'];
  }

  mue(code: string, opts?: LookupOptions): MueFact | null {
    const n = this.normalize(code);
    return n ? this.mueTable(opts).get(n.code) : null;
  }

  feeSchedule(code: string, modifier?: string): FeeScheduleFact | null {
    const n = this.normalize(code);
    if (!n || n.system === 'ICD-10-CM') return null;
    const m = modifier ? (normalizeModifier(modifier)?.modifier ?? modifier.trim().toUpperCase()) : null;
    return this.pfs.get(n.code, m);
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
      source:
        [hcpcs ? this.hcpcs.source : null, listed ? this.ptpMods.source : null].filter(Boolean).join('; ') ||
        'CPT modifier number (descriptor needs an AMA licence)',
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
    const mues = this.mueTable(opts);
    const out: EditsAmong = { ptp: [], mue: [], addOn: [] };
    const ids = list.map((c) => table.id(c));
    for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < list.length; j++) {
        if (i === j) continue;
        const p = table.pickIds(ids[i], ids[j], dos.days);
        if (p?.active) out.ptp.push(table.edit(list[i], p));
      }
      const m = mues.get(list[i]);
      if (m) out.mue.push(m);
      const a = this.addOns.fact(list[i], dos.ymd);
      if (a) out.addOn.push(a);
    }
    return out;
  }

  /** Said when the notes' release starts after the date of service (no FY2026 Excludes file is loaded). */
  private excludesCaveat(dos: Readonly<Dos>): string | undefined {
    const h = this.excludes.header;
    return dos.ymd < this.excludesFrom
      ? `${h.version} Excludes notes applied to a date of service before ${h.effectiveFrom}: the notes of the release in force then are not loaded`
      : undefined;
  }

  private icdCode(raw: string): string | null {
    const n = this.normalize(raw);
    return n?.system === 'ICD-10-CM' ? undotIcd(n.code) : null;
  }

  excludesNotes(code: string, opts?: LookupOptions): ExcludesNote[] {
    const c = this.icdCode(code);
    if (!c) return [];
    const note = this.excludesCaveat(this.dos(opts));
    const notes = this.excludes.notesFor(c).map((n) => n.fact);
    return note ? notes.map((n) => ({ ...n, note })) : notes;
  }

  excludesAmong(codes: string[], opts?: LookupOptions): ExcludesConflict[] {
    const note = this.excludesCaveat(this.dos(opts));
    const list = [...new Set(codes.map((c) => this.icdCode(c)).filter((c): c is string => c !== null))];
    const out: ExcludesConflict[] = [];
    if (list.length < 2) return out;
    for (const a of list) {
      const seen = new Set<string>();
      for (const n of this.excludes.notesFor(a)) {
        for (const b of list) {
          if (b === a || !anySpanHolds(n.spans, b)) continue;
          const key = `${b} ${n.fact.type} ${n.fact.code} ${n.fact.text}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const c: ExcludesConflict = {
            code: dotIcd(a),
            other: dotIcd(b),
            type: n.fact.type,
            noteAt: n.fact.code,
            noteText: n.fact.text,
            source: n.fact.source,
          };
          if (note) c.note = note;
          out.push(c);
        }
      }
    }
    // Excludes1 (never together) before Excludes2 (may be coded together when both apply).
    return out.sort((x, y) => (x.type === y.type ? 0 : x.type === 'excludes1' ? -1 : 1));
  }

  guidance(q: GuidanceQuery): GuidanceHit[] {
    const keys: GuidanceKey[] = [];
    for (const raw of q.codes ?? []) {
      const n = this.normalize(raw);
      if (!n || keys.some((k) => k.code === n.code)) continue;
      const icd = n.system === 'ICD-10-CM';
      keys.push({ code: n.code, key: icd ? undotIcd(n.code) : n.code, icd });
    }
    return this.guidanceTable.query(keys, q);
  }

  /** Dosage units read from recent HCPCS descriptions (false: the code's description gives none). */
  private readonly dosages = new LRUCache<string, DosageUnit | false>({ max: 1024 });

  dosageUnit(code: string): DosageUnit | null {
    const n = this.normalize(code);
    if (n?.system !== 'HCPCS') return null;
    let d = this.dosages.get(n.code);
    if (d === undefined) {
      const e = this.hcpcs.get(n.code);
      if (!e) return null;
      const p = parseDosageUnit(e.longDescription);
      d = p ? Object.freeze({ code: e.code, ...p, source: this.hcpcs.source }) : false;
      this.dosages.set(n.code, d);
    }
    return d || null;
  }

  guidanceParagraph(id: string): GuidanceParagraph | null {
    return this.guidanceTable.byParagraphId(id);
  }

  status(): TableStatus[] {
    const tables: { kind: TableKind; header: TableHeader }[] = [
      { kind: 'ptp-practitioner', header: this.ptpTables.practitioner.header },
      { kind: 'ptp-outpatient-hospital', header: this.ptpTables.outpatient_hospital.header },
      { kind: 'mue-practitioner', header: this.mues.practitioner.header },
      { kind: 'mue-outpatient-hospital', header: this.mues.outpatient_hospital.header },
      { kind: 'mue-dme', header: this.mues.dme.header },
      { kind: 'pfs', header: this.pfs.header },
      { kind: 'icd10cm-excludes', header: this.excludes.header },
      { kind: 'guidance', header: this.guidanceTable.header },
      { kind: 'addon', header: this.addOns.header },
      { kind: 'hcpcs', header: this.hcpcs.header },
      { kind: 'icd10cm', header: this.icd.header },
      { kind: 'ptp-modifiers', header: this.ptpMods.header },
    ];
    if (this.cpt) tables.push({ kind: 'cpt', header: this.cpt.header });
    // The ICD-10-CM table holds several years: status names the full ones ("FY2026 + FY2027").
    const icdYears = this.icd.releases
      .filter((r) => !r.partial)
      .map((r) => r.version)
      .join(' + ');
    return tables.map(({ kind, header }) => ({
      kind,
      table: header.table,
      version: kind === 'icd10cm' ? icdYears : header.version,
      rows: header.rows,
      effectiveFrom: header.effectiveFrom,
      effectiveTo: header.effectiveTo,
      origin: this.origins.get(kind) ?? 'shipped',
      source: header.source,
    }));
  }
}

/** A loop, not spans.some(closure): no closure allocated per note and code on this hot path. */
function anySpanHolds(spans: RefSpan[], undotted: string): boolean {
  for (const s of spans) if (spanHolds(s, undotted)) return true;
  return false;
}

/** Release k's bit of a row's mask; false outside the releases. */
function bit(mask: number, releases: number, k: number): boolean {
  return k >= 0 && k < releases && (mask & (1 << k)) !== 0;
}
