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
  setting?: PtpSetting;
}

export interface KnowledgeBase {
  lookup(code: string, opts?: LookupOptions): CodeInfo;
  /** Edits between a and b in both orders, active or not at the date; each tells whether it is active then. */
  ptp(a: string, b: string, opts?: LookupOptions): PtpEdit[];
  mue(code: string): MueFact | null;
  addOn(code: string, opts?: LookupOptions): AddOnFact | null;
  modifier(mod: string): ModifierInfo | null;
  /** Active PTP edits among the codes at the date, MUE per code, add-on facts per code. */
  editsAmong(codes: string[], opts?: LookupOptions): EditsAmong;
  status(): TableStatus[];
  /** normalizeCode with the tables settling ambiguous tokens (E1165 is ICD-10-CM E11.65: no such HCPCS code). */
  normalize?(raw: string): { code: string; system: CodeSystem } | null;
}
