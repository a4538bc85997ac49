// The tables the knowledge base knows, their display names and file names.
export const TABLE_KINDS = [
  'ptp-practitioner',
  'ptp-outpatient-hospital',
  'mue-practitioner',
  'mue-outpatient-hospital',
  'mue-dme',
  'addon',
  'hcpcs',
  'icd10cm',
  'ptp-modifiers',
  'pfs',
  'icd10cm-excludes',
  'guidance',
  'cpt',
] as const;

export type TableKind = (typeof TABLE_KINDS)[number];

export const TABLE_NAMES: Record<TableKind, string> = {
  'ptp-practitioner': 'NCCI PTP practitioner',
  'ptp-outpatient-hospital': 'NCCI PTP outpatient hospital',
  'mue-practitioner': 'NCCI MUE practitioner',
  'mue-outpatient-hospital': 'NCCI MUE outpatient hospital',
  'mue-dme': 'NCCI MUE DME supplier',
  addon: 'NCCI add-on code edits',
  hcpcs: 'HCPCS Level II',
  icd10cm: 'ICD-10-CM',
  'ptp-modifiers': 'NCCI PTP-associated modifiers',
  pfs: 'Medicare PFS relative value file',
  'icd10cm-excludes': 'ICD-10-CM Excludes notes',
  guidance: 'Official coding guidance',
  cpt: 'AMA CPT (licensed)',
};

/** Tables without a shipped copy: CPT descriptors are AMA-licensed, so only an operator can load them. */
export const OPTIONAL_KINDS: ReadonlySet<TableKind> = new Set(['cpt']);

export const tableFileName = (kind: TableKind) => `${kind}.kb.gz`;
