// The knowledge-base contract: what drafting, the CLI and the console may ask of the code sets.
// Everything here is pure data; implementations do no IO after load.

export type CodeSystem = 'CPT' | 'HCPCS' | 'ICD-10-CM';

/** Where a fact came from: the table and its version, e.g. {table: 'NCCI PTP practitioner', version: '2024-07-01'}. */
export interface FactSource {
  table: string;
  version: string;
}

export interface CodeInfo {
  /** What was asked, as given. */
  input: string;
  /** Normalized form: upper case; ICD-10-CM with its dot (E11.65). */
  code: string;
  system: CodeSystem | null;
  known: boolean;
  /** ICD-10-CM only: true billable, false header; null for other systems. */
  billable: boolean | null;
  /** Public description (ICD-10-CM, HCPCS, or CPT only from an operator-loaded licensed file). */
  description: string | null;
  /** For CPT without a licensed file: a note that the descriptor needs a CPT licence. */
  descriptionNote: string | null;
  /** ICD-10-CM header: its valid billable codes below it (capped, see billableChildrenTotal). */
  billableChildren: string[];
  billableChildrenTotal: number;
  /** HCPCS: YYYY-MM-DD or null. */
  effectiveDate: string | null;
  terminationDate: string | null;
  /** Active on the date of service asked (false when terminated before it, or not yet effective). */
  activeOnDos: boolean;
  sources: FactSource[];
  /** CPT only: Category I, II (1234F), III (0213T), PLA (0001U) or MAAA (0002M). */
  cptCategory?: 'I' | 'II' | 'III' | 'PLA' | 'MAAA' | null;
  /** HCPCS short descriptor. */
  shortDescription?: string | null;
  /** ICD-10-CM header: the 7th characters its billable codes take (A, D, S, ...), empty when none. */
  seventhCharacters?: string[];
  /** Plain-language remarks on validity at the date (terminated, added this year, header, ...). */
  notes?: string[];
}

export type PtpSetting = 'practitioner' | 'outpatient_hospital';

/** MUE tables exist for three settings; PTP tables for the first two (a DME supplier claim has no PTP table). */
export type MueSetting = 'practitioner' | 'outpatient_hospital' | 'dme';

/**
 * Medicare Physician Fee Schedule payment-policy indicators for one code (and modifier row, e.g. 26/TC),
 * from the PPRRVU file. Values are CMS's own codes, kept as strings ('0'..'9', '000'/'010'/'090'/'XXX'...).
 */
export interface FeeScheduleFact {
  code: string;
  /** Row modifier: null for the global row, '26' / 'TC' / '53' for the split rows. */
  modifier: string | null;
  /** PFS status code (A active, B bundled, C carrier-priced, I not valid for Medicare, N non-covered, T, X, ...). */
  status: string;
  /** Global surgery days: '000', '010', '090', 'MMM', 'XXX', 'YYY', 'ZZZ'. */
  globalDays: string;
  /** Pre-, intra- and post-operative shares of the global package (fractions, e.g. 0.10). */
  preOp: number;
  intraOp: number;
  postOp: number;
  /** Multiple procedure (mod 51) indicator 0-9. */
  multipleProcedure: string;
  /** Bilateral surgery (mod 50) indicator 0-3, 9. */
  bilateral: string;
  /** Assistant at surgery (80/81/82/AS) indicator 0, 1, 2, 9. */
  assistant: string;
  /** Co-surgeons (mod 62) indicator 0, 1, 2, 9. */
  coSurgeon: string;
  /** Team surgery (mod 66) indicator 0, 1, 2, 9. */
  teamSurgery: string;
  /** PC/TC indicator 0-9. */
  pcTc: string;
  /** Endoscopic base code, or null. */
  endoscopicBase: string | null;
  /** Physician supervision of diagnostic procedures ('01', '02', '03', ..., '09' = not applicable). */
  supervision: string;
  /** Diagnostic imaging family indicator ('88' subject to the imaging MPPR, '99' not). */
  imagingFamily: string;
  /** Table and version, e.g. "Medicare PFS relative value file RVU25D (2025-10)". */
  source: string;
}

/** One Excludes1 or Excludes2 note line of the ICD-10-CM tabular. */
export interface ExcludesNote {
  /** The code (or category) the note sits under, dotted. */
  code: string;
  type: 'excludes1' | 'excludes2';
  /** The note as printed. */
  text: string;
  /** Code-shaped references inside the note, as printed (E11.-, G20-G25, F10.182). */
  referenced: string[];
  source: string;
  /** Set when the notes' release is not the one in force at the date (FY2027 notes for a FY2026 date of service). */
  note?: string;
}

/** Two diagnosis codes of one question that fall under an Excludes note (the note is at a or one of its ancestors). */
export interface ExcludesConflict {
  code: string;
  other: string;
  type: 'excludes1' | 'excludes2';
  /** Where the note sits (code, category or block). */
  noteAt: string;
  noteText: string;
  source: string;
  /** Set when the notes' release is not the one in force at the date (FY2027 notes for a FY2026 date of service). */
  note?: string;
}

export type GuidanceSource = 'ncci-policy-manual-2026' | 'icd10cm-guidelines-fy2026' | 'medicare-bpm-ch15';

/** One paragraph of official guidance, quoted with where it stands. CPT descriptor quotes are already stripped. */
export interface GuidanceParagraph {
  /** Stable id, e.g. "IV.E.p3" or "ICD.I.B.7.p1". */
  id: string;
  source: GuidanceSource;
  /** Human title of the source with its revision, e.g. "NCCI Policy Manual for Medicare Services, 2026 (rev. 2026-01-01)". */
  sourceTitle: string;
  chapter: string;
  section: string;
  /** Printed page label(s), e.g. "IV-8". */
  page: string;
  text: string;
  /** CPT/HCPCS/ICD-10-CM codes the paragraph names, ranges expanded only as [from, to] pairs in `ranges`. */
  codes: string[];
  ranges: Array<[string, string]>;
}

export interface GuidanceQuery {
  /** Paragraphs that name these codes (directly or by a range that holds them) rank first; with two or more, paragraphs naming several rank above. */
  codes?: string[];
  /** Lower-case topic words or phrases ("imaging guidance", "modifier 25", "bilateral", "sequencing"). */
  terms?: string[];
  sources?: GuidanceSource[];
  limit?: number;
}

export interface GuidanceHit {
  paragraph: GuidanceParagraph;
  /** The query codes this paragraph names. */
  codesNamed: string[];
  /** Query terms found in it. */
  termsFound: string[];
  score: number;
}

/** A HCPCS drug (or supply) code's billing unit, read from its descriptor ("per 10 mg" -> 10 mg). */
export interface DosageUnit {
  code: string;
  amount: number;
  /** Lower-case unit as written: mg, mcg, ml, units, gm, ... */
  unit: string;
  /** The descriptor phrase it was read from, e.g. "per 10 mg". */
  phrase: string;
  source: string;
}

export interface PtpEdit {
  column1: string;
  column2: string;
  /** '0' not allowed, '1' allowed with a PTP-associated modifier, '9' not applicable. */
  modifierIndicator: '0' | '1' | '9';
  active: boolean;
  /** YYYY-MM-DD or null. */
  deletionDate: string | null;
  effectiveDate: string | null;
  rationale: string;
  setting: PtpSetting;
  source: string;
}

export interface MueFact {
  code: string;
  value: number;
  /** MUE adjudication indicator '1' | '2' | '3'. */
  mai: string;
  maiDescription: string;
  rationale: string;
  source: string;
}

export interface AddOnFact {
  addOnCode: string;
  primaryCodes: string[];
  /** '1' | '2' | '3' per CMS add-on edit type. */
  type: string;
  source: string;
  /** Every edit type in force at the date (one add-on may have type 1 with some primaries, 3 with others). */
  types?: string[];
  /** True when a type 2 edit leaves the primaries to the Medicare contractor (CMS writes CCCCC). */
  contractorDefinedPrimaries?: boolean;
  primaries?: { code: string; type: string; effectiveDate: string | null; deletionDate: string | null }[];
  notes?: string[];
}

export interface ModifierInfo {
  modifier: string;
  codeSet: 'HCPCS Level II' | 'CPT Level I';
  description: string | null;
  ptpAssociated: boolean;
  source: string;
  /** NCCI Policy Manual group: anatomic, global_surgery, other, not_ptp_associated. */
  ptpGroup?: string | null;
}

export interface EditsAmong {
  ptp: PtpEdit[];
  mue: MueFact[];
  addOn: AddOnFact[];
}

export interface TableStatus {
  kind: string;
  table: string;
  version: string;
  rows: number;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  origin: 'shipped' | 'imported';
  /** Where the rows came from. */
  source?: string;
}

export interface LookupOptions {
  /** Date of service, YYYY-MM-DD; defaults to today. */
  dos?: string;
  /** PTP table by setting (practitioner by default). */
  setting?: PtpSetting;
  /** MUE table by setting; defaults to `setting`, else practitioner. */
  mueSetting?: MueSetting;
}

export interface PtpPartners {
  /** Column 2 codes of this code's edits that apply on the day. */
  column2: string[];
  /** Column 1 codes whose edits with this code (as column 2) apply on the day. */
  column1: string[];
  inactiveColumn2: string[];
  inactiveColumn1: string[];
}

export interface KnowledgeBase {
  lookup(code: string, opts?: LookupOptions): CodeInfo;
  /** Edits between a and b in both orders, active or not at the date; each tells whether it is active then. */
  ptp(a: string, b: string, opts?: LookupOptions): PtpEdit[];
  /** MUE for the code in the setting (opts.mueSetting, else opts.setting, else practitioner). */
  mue(code: string, opts?: LookupOptions): MueFact | null;
  addOn(code: string, opts?: LookupOptions): AddOnFact | null;
  modifier(mod: string): ModifierInfo | null;
  /** The codes a code has an active PTP edit with at the date, as column 1 (its column 2 codes) and as column 2. */
  ptpPartners?(code: string, opts?: LookupOptions): PtpPartners & { source: string };
  /** Active PTP edits among the codes at the date, MUE per code, add-on facts per code. */
  editsAmong(codes: string[], opts?: LookupOptions): EditsAmong;
  status(): TableStatus[];
  /** PFS indicators of a code (the global row, or the modifier row when asked and present). Null when the PFS lists it not. */
  feeSchedule(code: string, modifier?: string): FeeScheduleFact | null;
  /** Excludes1/Excludes2 notes that apply to the code (its own and its ancestors', up to the chapter block). */
  excludesNotes(code: string, opts?: LookupOptions): ExcludesNote[];
  /** Pairs among the diagnosis codes that an Excludes note covers, in the code set in force at the date. */
  excludesAmong(codes: string[], opts?: LookupOptions): ExcludesConflict[];
  /** Guidance paragraphs ranked for codes and terms; fast (indexed), never a scan of every paragraph per call. */
  guidance(q: GuidanceQuery): GuidanceHit[];
  /** One paragraph by id, or null. */
  guidanceParagraph(id: string): GuidanceParagraph | null;
  /** The billing unit of a HCPCS drug code, from its descriptor. */
  dosageUnit(code: string): DosageUnit | null;
  /** normalizeCode with the tables settling ambiguous tokens (E1165 is ICD-10-CM E11.65: no such HCPCS code). */
  normalize?(raw: string): { code: string; system: CodeSystem } | null;
}
