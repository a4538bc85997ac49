// What data/codesets/ holds and where each table came from; also renders its README.
// The AMA notice is copied from the shared data README at build time rather than written here,
// so that its text lives only in data/codesets/README.md within this repository.
import fs from 'node:fs';
import type { TableKind } from '../src/kb/kinds.ts';
import { TABLE_NAMES, tableFileName } from '../src/kb/kinds.ts';

export interface ShippedTable {
  kind: TableKind;
  version: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** File in shared/data the table is built from. */
  sourceFile: string;
  /** Original publisher's file and where it was obtained. */
  origin: string;
  cmsNotice: boolean;
}

export const SHIPPED: ShippedTable[] = [
  {
    kind: 'ptp-practitioner',
    version: '2024-07-01',
    effectiveFrom: '2024-07-01',
    effectiveTo: '2024-09-30',
    sourceFile: 'ncci-ptp-practitioner-2024-07-01.tsv.gz',
    origin:
      'CMS Medicare NCCI PTP edits, practitioner (ccipra f1-f4), effective 2024-07-01, incl. deleted edits; via R package andrewallenbruce/northstar pin ncci_ptp_prac (commit 24c003610ac7bfdbcb14ab6bd2839bd7ee6596f6). Effective dates are not in this source.',
    cmsNotice: true,
  },
  {
    kind: 'ptp-outpatient-hospital',
    version: '2024-07-01',
    effectiveFrom: '2024-07-01',
    effectiveTo: '2024-09-30',
    sourceFile: 'ncci-ptp-outpatient-hospital-2024-07-01.tsv.gz',
    origin:
      'CMS Medicare NCCI PTP edits, outpatient hospital (ccioph f1-f4), effective 2024-07-01; via andrewallenbruce/northstar pin ncci_ptp_out (same commit). Effective dates are not in this source.',
    cmsNotice: true,
  },
  {
    kind: 'mue-practitioner',
    version: '2026-04-01',
    effectiveFrom: '2026-04-01',
    effectiveTo: '2026-06-30',
    sourceFile: 'mue-practitioner-2026-04-01.tsv',
    origin:
      'CMS MCR_MUE_PractitionerServices_Eff_04-01-2026.csv; via GitHub Ramachandran-Kumar/mediaguard-ai commit 19137298f5159b2424a679f22a576eb87c5a7955 (sha256 720027c4…494c).',
    cmsNotice: true,
  },
  {
    kind: 'mue-outpatient-hospital',
    version: '2026-04-01',
    effectiveFrom: '2026-04-01',
    effectiveTo: '2026-06-30',
    sourceFile: 'mue-outpatient-hospital-2026-04-01.tsv',
    origin:
      'CMS MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv; via GitHub Darshini-Shah/Jilo commit 561f18aaed146663ba1fe46355f50347c471cd36 (unchanged at 9cc145043ecaab8e0631ed455a93b03dce9f549b).',
    cmsNotice: true,
  },
  {
    kind: 'mue-dme',
    version: '2026-04-01',
    effectiveFrom: '2026-04-01',
    effectiveTo: '2026-06-30',
    sourceFile: 'mue-dme-supplier-2026-04-01.tsv',
    origin: 'CMS MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv; via GitHub Darshini-Shah/Jilo (same commits as the outpatient hospital table).',
    cmsNotice: true,
  },
  {
    kind: 'addon',
    version: '2026Q2',
    effectiveFrom: '2026-04-01',
    effectiveTo: '2026-06-30',
    sourceFile: 'addon-code-edits-2026Q2.tsv',
    origin:
      'CMS AOC_V2026Q2-MCR.xlsx (Medicare NCCI add-on code edits); via GitHub innoluv/Flow-Capture-Skills-MCP commit 8696042bbca10111b512e5b5846f303248699064 (sha256 870a8491…dac6).',
    cmsNotice: true,
  },
  {
    kind: 'hcpcs',
    version: '2025-10',
    effectiveFrom: '2025-10-01',
    effectiveTo: '2025-12-31',
    sourceFile: 'hcpcs-2025-10.tsv',
    origin:
      'CMS October 2025 Alpha-Numeric HCPCS File, HCPC2025_OCT_ANWEB.xlsx (procedures and Level II modifiers); via GitHub briggsprashar/codex4 commit 9b036c4b0ed24a1a5376ffe0803e4357cf309316. Public domain.',
    cmsNotice: false,
  },
  {
    kind: 'icd10cm',
    version: 'FY2027',
    effectiveFrom: '2025-10-01',
    effectiveTo: '2027-09-30',
    sourceFile: 'icd10cm-order-FY2027.tsv',
    origin:
      'Three releases in one table, answered by date of service: FY2027 (2026-10-01 to 2027-09-30), FY2026 (2025-10-01 to 2026-09-30) and FY2025 as far as the FY2026 addenda tell (codes FY2026 added and deleted). FY2026: CMS/NCHS icd10cm_order_2026.txt and icd10cm_order_addenda_2026.txt via GitHub dewittpe/medicalcoder commit 4e48bdcbf113b7116ed0278fa3f3a15fb682c4a1 (`icd10cm-order-FY2026.tsv`, `icd10cm-order-addenda-FY2026.tsv`). FY2027: the order file built in shared/data from FY2026 and the FY2027 change lists (added, deleted, revised, billable-status changes) of GitHub makevision/icd10cm-open-data (MedCoder.ai, CC0, derived from CMS "2027 Code Descriptions in Tabular Order"), commit 3af025953bd4d5d26a41d1a61184b389eb55ff39. Long descriptions only. Public domain.',
    cmsNotice: false,
  },
  {
    kind: 'ptp-modifiers',
    version: '2026-01-01',
    effectiveFrom: '2026-01-01',
    effectiveTo: null,
    sourceFile: 'ncci-ptp-associated-modifiers.tsv',
    origin:
      'CMS NCCI Policy Manual for Medicare Services, Chapter I, section E (revision 2026-01-01): PTP-associated modifiers, plus 22/76/77 which it says are not. Modifier numbers only, no descriptors.',
    cmsNotice: false,
  },
  {
    kind: 'pfs',
    version: 'RVU25D',
    effectiveFrom: '2025-10-01',
    effectiveTo: '2025-12-31',
    sourceFile: 'pprrvu-2025-10.tsv',
    origin:
      'CMS PPRRVU2025_Oct.csv from the RVU25D zip (2025 National Physician Fee Schedule Relative Value File, October release, released 2025-09-11); via GitHub alex-bea/cms_api commit 3261f4d9a97220b829d4efc64e7ffbcbab261aee (sha256 8af460f3…3c56). Payment-policy indicators only (status, global days and shares, multiple procedure, bilateral, assistant, co-surgeon, team, PC/TC, endoscopic base, supervision, imaging family); no RVUs and no DESCRIPTION column (CPT short descriptors are AMA-licensed). CY2025: the CY2026 file is not in shared/data.',
    cmsNotice: true,
  },
  {
    kind: 'icd10cm-excludes',
    version: 'FY2027',
    effectiveFrom: '2026-10-01',
    effectiveTo: '2027-09-30',
    sourceFile: 'icd10cm-fy2027/fy2027-excludes1.csv',
    origin:
      'Every Excludes1 and Excludes2 note line of the FY2027 ICD-10-CM tabular (5,411 + 2,529 lines, at codes, categories, blocks and chapters), with the code-shaped references the publisher parsed from each note; `fy2027-excludes1.csv`, `fy2027-excludes2.csv` and the chapter ranges of `fy2027-excludes-by-chapter.csv` from GitHub makevision/icd10cm-open-data (MedCoder.ai, CC0, derived from the CMS FY2027 tabular XML), commit 3af025953bd4d5d26a41d1a61184b389eb55ff39. No FY2026 Excludes file exists in shared/data: for earlier dates of service these FY2027 notes are used and the answer says so.',
    cmsNotice: false,
  },
  {
    kind: 'guidance',
    version: '2026',
    effectiveFrom: null,
    effectiveTo: null,
    sourceFile: 'guidance/paragraphs.tsv',
    origin:
      'Official guidance paragraphs with source, chapter, section, page and the codes each names: (1) CMS NCCI Policy Manual for Medicare Services, revision 2026-01-01, as the 1,283 rows of `guidance/paragraphs.tsv` (pdfplumber text of CMS\'s 2026 all-chapters PDF, sha256 f9edd797…0ba7, via GitHub oihuegbu/new-podiatry-coder commit 471e9bf6c4831ec8e296d658bfbee34abfda87a0); the 249 rows that quote AMA CPT descriptors or CPT modifier definitions are shipped with those quotations removed ("CPT code 58263 (…)" becomes "CPT code 58263"; a quoted CPT definition becomes "[CPT descriptor omitted: AMA licence]"); (2) ICD-10-CM Official Guidelines for Coding and Reporting FY 2026 (`guidance/icd10cm-official-guidelines-fy2026.txt`), split at its section numbers (I.C.4.a), pages from its "Page N of 121" footers; (3) Medicare Benefit Policy Manual chapter 15, Rev. 13774 (`guidance/medicare-benefit-policy-manual-ch15.txt`), split at its section numbers (§40.24). (2) and (3) from the same repository and commit. Public domain (CMS/CDC).',
    cmsNotice: false,
  },
];

/** The AMA notice, as CMS prints it on its NCCI, MUE and add-on files (quoted in the shared data README). */
export function readAmaNotice(sharedReadme: string): string {
  const text = fs.readFileSync(sharedReadme, 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('> Current Procedural Terminology'));
  if (start < 0) throw new Error(`AMA notice not found in ${sharedReadme}`);
  const out: string[] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('>'); i++) out.push(lines[i]);
  return out.join('\n');
}

export function renderReadme(built: { t: ShippedTable; rows: number; bytes: number }[], amaNotice: string): string {
  const table = built
    .map(
      ({ t, rows, bytes }) =>
        `| \`${tableFileName(t.kind)}\` | ${TABLE_NAMES[t.kind]} | ${t.version} | ${t.effectiveFrom ?? '–'} to ${t.effectiveTo ?? 'open'} | ${rows.toLocaleString('en-US')} | ${(bytes / 1e6).toFixed(2)} MB |`,
    )
    .join('\n');
  const origins = built.map(({ t }) => `- **${TABLE_NAMES[t.kind]} ${t.version}** (\`${t.sourceFile}\` in shared/data): ${t.origin}`).join('\n');
  return `# Shipped code sets

Compact copies of public code-set and edit tables, loaded by \`src/kb\` at start-up. Each file is a
gzip-compressed binary table (a JSON header, then aligned columns that load as typed arrays).
Built by \`npm run build:codesets\` from the normalized files in \`../shared/data\` (see its README for
checksums and the conversion from CMS's formats); rebuild and commit them when those change.

| File | Table | Version | Effective | Rows | Size |
|---|---|---|---|---|---|
${table}

Rows exclude headers. PTP rows include deleted edits (a pair may appear more than once with different
deletion dates); the lookups pick the row in force at the date of service.

## Sources

${origins}

Newer official files can be loaded without touching this folder:
\`caseconsultant kb import --kind K --file F\` (see \`src/kb/import/\`); they go to \`$DATA_DIR/codesets\`
and take precedence over these copies.

## CPT

No CPT descriptor text is shipped: CPT descriptors are copyrighted by the AMA. The NCCI, MUE and add-on
tables list CPT code numbers only. An operator with an AMA licence can load a licensed CPT file
(\`kb import --kind cpt\`); without it a CPT code is reported as known when the CMS tables list it,
with a note that its descriptor needs a CPT licence.

## AMA notice

CMS prints this notice on its NCCI PTP, MUE and add-on code files, reproduced here as required:

${amaNotice}
`;
}
