// The kinds of official file an operator can import (kb import --kind), apart from the importer so
// that the version guesser can name them without importing the importer.
export const IMPORT_KINDS = [
  'ptp-practitioner',
  'ptp-outpatient-hospital',
  'mue',
  'mue-outpatient-hospital',
  'mue-dme',
  'addon',
  'hcpcs',
  'icd10cm',
  'pfs',
  'cpt',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export function isImportKind(k: string): k is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(k);
}
