// Builds data/codesets/ (the shipped, compact tables) from the normalized public files in
// ../shared/data. Run by hand when those files change; the output is committed, CI never runs this.
//   npm run build:codesets [-- --from ../shared/data --to data/codesets] [--only pfs,guidance]
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { column, compress, decodeTable, decompress } from '../src/kb/container.ts';
import { readTableFile } from '../src/kb/load.ts';
import { splitCsv } from '../src/kb/import/text.ts';
import { encodeGuidance, type GuidanceParagraphInput } from '../src/kb/tables/guidance.ts';
import { stripCptText } from '../src/kb/guidance/stripCpt.ts';
import { splitBenefitPolicyCh15, splitIcdGuidelines, type Segment } from '../src/kb/guidance/split.ts';
import { extractCodes, type GuidanceCodeSystem } from '../src/kb/guidance/codes.ts';
import type { GuidanceSource } from '../src/kb/types.ts';
import { TABLE_NAMES, tableFileName, type TableKind } from '../src/kb/kinds.ts';
import { PtpBuilder } from '../src/kb/tables/ptp.ts';
import { encodeIcdReleases, type IcdRelease, type IcdRevision, type IcdUnionRow } from '../src/kb/tables/icd.ts';
import { encodeHcpcs } from '../src/kb/tables/hcpcs.ts';
import { encodeMue } from '../src/kb/tables/mue.ts';
import { encodePfs } from '../src/kb/tables/pfs.ts';
import { encodeExcludes, type ExcludesRowInput } from '../src/kb/tables/excludes.ts';
import { encodeAddOn } from '../src/kb/tables/addon.ts';
import { encodePtpModifiers } from '../src/kb/tables/modifiers.ts';
import { parseCmsDate } from '../src/kb/dates.ts';
import { SHIPPED, readAmaNotice, renderReadme, type ShippedTable } from './codesets-provenance.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const from = path.resolve(arg('--from', path.join(repo, '..', 'shared', 'data')));
const to = path.resolve(arg('--to', path.join(repo, 'data', 'codesets')));

type Row = Record<string, string>;

async function* tsvRows(file: string): AsyncGenerator<Row> {
  let input: NodeJS.ReadableStream = fs.createReadStream(path.join(from, file));
  if (file.endsWith('.gz')) input = input.pipe(zlib.createGunzip());
  let header: string[] | null = null;
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (line === '') continue;
    const cells = line.split('\t');
    if (!header) {
      header = cells;
      continue;
    }
    const row: Row = {};
    for (let i = 0; i < header.length; i++) row[header[i]] = cells[i] ?? '';
    yield row;
  }
}

async function collect(file: string): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of tsvRows(file)) out.push(r);
  return out;
}

const date = (s: string) => (s.trim() === '' ? null : parseCmsDate(s));

function header(kind: TableKind, t: ShippedTable) {
  return { kind, table: TABLE_NAMES[kind], version: t.version, effectiveFrom: t.effectiveFrom, effectiveTo: t.effectiveTo, source: t.sourceFile };
}

async function buildPtp(kind: TableKind, t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const b = new PtpBuilder();
  for await (const r of tsvRows(t.sourceFile)) {
    b.add({
      column1: r.column1,
      column2: r.column2,
      deletion: date(r.deletion_date),
      effective: null,
      modifierIndicator: r.modifier_indicator as '0' | '1' | '9',
      rationale: r.rationale,
    });
  }
  return { buf: b.encode(header(kind, t)), rows: b.rows };
}

/** The FY2027 files are the publisher's CSV (quoted fields, none spanning lines). */
function csvRows(file: string): Row[] {
  const [head, ...body] = fs
    .readFileSync(path.join(from, file), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map(splitCsv);
  return body.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ''])));
}

/**
 * FY2025 (known only through the FY2026 addenda), FY2026 and FY2027 as one table: the union of their
 * codes in tabular order, each row flagged per release. Codes FY2027 deleted go back where FY2026 had
 * them (the FY2027 file keeps FY2026's order numbers); codes FY2026 deleted go last (no children).
 */
async function buildIcd(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const FY25 = 1,
    FY26 = 2,
    FY27 = 4;
  const fy26 = await collect('icd10cm-order-FY2026.tsv');
  const fy27 = await collect(t.sourceFile);
  const addenda = await collect('icd10cm-order-addenda-FY2026.tsv');
  const addedIn26 = new Set(addenda.filter((a) => a.action === 'Add').map((a) => a.code));
  const deletedIn26 = new Map(addenda.filter((a) => a.action === 'Delete').map((a) => [a.code, a]));
  const rows = new Map<string, IcdUnionRow>();
  const order: string[] = [];
  const in27 = new Set(fy27.map((r) => r.code));
  const gone = fy26.filter((r) => !in27.has(r.code)); // FY2026 rows FY2027 deleted, in FY2026 order
  let g = 0;
  const put = (code: string, description: string, inMask: number, billMask: number) => {
    const had = rows.get(code);
    if (had) {
      had.inMask |= inMask;
      had.billMask |= billMask;
      had.description = description;
    } else {
      rows.set(code, { code, description, inMask, billMask });
      order.push(code);
    }
  };
  const fy26By = new Map(fy26.map((r) => [r.code, r]));
  const add26 = (r: Row) => {
    const b = r.billable === '1';
    // In FY2025 unless FY2026 added it; a delete-and-add pair is a billable-status change, whose Delete row holds the FY2025 flag.
    const del = deletedIn26.get(r.code);
    const in25 = !addedIn26.has(r.code) || del !== undefined;
    const b25 = del ? del.billable === '1' : b;
    put(r.code, r.long_description, FY26 | (in25 ? FY25 : 0), (b ? FY26 : 0) | (in25 && b25 ? FY25 : 0));
  };
  for (const r of fy27) {
    if (r.order !== '') while (g < gone.length && Number(gone[g].order) < Number(r.order)) add26(gone[g++]);
    const prev = fy26By.get(r.code);
    if (prev) add26(prev);
    put(r.code, r.long_description, FY27, r.billable === '1' ? FY27 : 0);
  }
  while (g < gone.length) add26(gone[g++]);
  for (const [code, d] of deletedIn26) if (!rows.has(code)) put(code, d.long_description, FY25, d.billable === '1' ? FY25 : 0);
  const revised: IcdRevision[] = [];
  const revFrom = addenda.filter((a) => a.action === 'Revise from');
  for (const a of revFrom) revised.push({ code: a.code, previous: a.long_description, since: 1 });
  for (const r of csvRows('icd10cm-fy2027/revised.csv')) revised.push({ code: r.code, previous: r.previousLongTitle, since: 2 });
  const releases: IcdRelease[] = [
    { version: 'FY2025', from: '2024-10-01', to: '2025-09-30', partial: true },
    { version: 'FY2026', from: '2025-10-01', to: '2026-09-30' },
    { version: 'FY2027', from: '2026-10-01', to: '2027-09-30' },
  ];
  const union = order.map((c) => rows.get(c)!);
  return { buf: encodeIcdReleases(header('icd10cm', t), releases, union, revised), rows: union.length };
}

async function buildHcpcs(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const rows = (await collect(t.sourceFile)).map((r) => ({
    code: r.code,
    longDescription: r.long_description,
    shortDescription: r.short_description,
    addDate: date(r.add_dt),
    actionEffectiveDate: date(r.act_eff_dt),
    terminationDate: date(r.term_dt),
    actionCode: r.action_cd,
  }));
  return { buf: encodeHcpcs(header('hcpcs', t), rows), rows: rows.length };
}

async function buildMue(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const rows = (await collect(t.sourceFile)).map((r) => ({
    code: r.code,
    value: Number(r.mue_value),
    mai: r.mai,
    maiDescription: r.mai_description,
    rationale: r.rationale,
  }));
  return { buf: encodeMue(header(t.kind, t), rows), rows: rows.length };
}

async function buildAddOn(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const rows = (await collect(t.sourceFile)).map((r) => ({
    addOnCode: r.addon_code,
    primaryCode: r.primary_code,
    type: r.aoc_edit_type,
    effective: date(r.edit_effective_date),
    deletion: date(r.edit_deletion_date),
    addOnDeletion: date(r.addon_code_deletion_date),
    primaryDeletion: date(r.primary_code_deletion_date),
    notes: r.special_instruction_notes,
  }));
  return { buf: encodeAddOn(header('addon', t), rows), rows: rows.length };
}

async function buildModifiers(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const rows = (await collect(t.sourceFile)).map((r) => ({
    modifier: r.modifier,
    group: r.group,
    bypasses: r.bypasses_ptp_edit_when_ccmi_1 === 'yes',
    codeSet: r.code_set as 'HCPCS Level II' | 'CPT Level I',
  }));
  return { buf: encodePtpModifiers(header('ptp-modifiers', t), rows), rows: rows.length };
}

async function buildPfs(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const share = (s: string) => (s === '' ? 0 : Number(s));
  const rows = (await collect(t.sourceFile)).map((r) => ({
    code: r.hcpcs,
    modifier: r.modifier,
    status: r.status_code,
    globalDays: r.glob_days,
    preOp: share(r.pre_op),
    intraOp: share(r.intra_op),
    postOp: share(r.post_op),
    multipleProcedure: r.mult_proc,
    bilateral: r.bilat_surg,
    assistant: r.asst_surg,
    coSurgeon: r.co_surg,
    teamSurgery: r.team_surg,
    pcTc: r.pctc_ind,
    endoscopicBase: r.endo_base,
    supervision: r.phys_supervision_diag_proc,
    imagingFamily: r.diag_imaging_family_ind,
  }));
  return { buf: encodePfs(header('pfs', t), rows), rows: rows.length };
}

async function buildExcludes(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const rows: ExcludesRowInput[] = [];
  for (const f of ['icd10cm-fy2027/fy2027-excludes1.csv', 'icd10cm-fy2027/fy2027-excludes2.csv']) {
    for (const r of csvRows(f)) {
      if (r.noteType !== 'excludes1' && r.noteType !== 'excludes2') throw new Error(`${f}: note type ${JSON.stringify(r.noteType)}`);
      rows.push({ at: r.code, type: r.noteType, text: r.noteText, referenced: r.referencedCodes ? r.referencedCodes.split('; ') : [] });
    }
  }
  const chapters = csvRows('icd10cm-fy2027/fy2027-excludes-by-chapter.csv').map((r) => {
    const [lo, hi] = r.codeRange.split('-');
    return { chapter: Number(r.chapter), from: lo, to: hi };
  });
  return { buf: encodeExcludes(header('icd10cm-excludes', t), rows, chapters), rows: rows.length };
}

/** Codes the shipped tables know, to tell a code in guidance text from a page or citation number. */
async function knownCodes(): Promise<(code: string, system: GuidanceCodeSystem) => boolean> {
  const procedures = new Set<string>();
  for (const kind of ['pfs', 'hcpcs', 'mue-practitioner', 'mue-outpatient-hospital', 'mue-dme'] as const) {
    for (const c of column<string[]>(await readTableFile(path.join(to, tableFileName(kind))), 'codes', 'str')) procedures.add(c);
  }
  const icd = new Set(column<string[]>(await readTableFile(path.join(to, tableFileName('icd10cm'))), 'codes', 'str'));
  return (code, system) => (system === 'CPT/HCPCS' ? procedures.has(code) : icd.has(code.replace('.', '')));
}

const GUIDANCE_TITLES: Record<GuidanceSource, string> = {
  'ncci-policy-manual-2026': 'NCCI Policy Manual for Medicare Services, 2026 (rev. 2026-01-01)',
  'icd10cm-guidelines-fy2026': 'ICD-10-CM Official Guidelines for Coding and Reporting FY 2026 (2025-10-01)',
  'medicare-bpm-ch15': 'Medicare Benefit Policy Manual, Chapter 15 (Rev. 13774, issued 2026-05-08)',
};

async function buildGuidance(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const known = await knownCodes();
  const paragraphs: GuidanceParagraphInput[] = [];
  for (const r of await collect('guidance/paragraphs.tsv')) {
    const tokens = r.codes ? r.codes.split(';') : [];
    paragraphs.push({
      id: r.paragraph_id,
      source: 'ncci-policy-manual-2026',
      chapter: r.chapter,
      section: r.section,
      page: r.pages,
      // Rows that quote AMA CPT descriptors lose the quotations; CMS's own words stay.
      text: r.quotes_cpt_text === 'yes' ? stripCptText(r.text) : r.text,
      codes: tokens.filter((c) => !c.includes('-')),
      ranges: tokens.filter((c) => c.includes('-')).map((c) => c.split('-') as [string, string]),
    });
  }
  const counters = new Map<string, number>();
  const add = (source: GuidanceSource, prefix: string, chapter: string, s: Segment, section: string) => {
    const base = `${prefix}.${s.section}`;
    const n = (counters.get(base) ?? 0) + 1;
    counters.set(base, n);
    const found = extractCodes(s.text, known);
    paragraphs.push({ id: `${base}.p${n}`, source, chapter, section, page: s.page, text: s.text, codes: found.codes, ranges: found.ranges });
  };
  const read = (f: string) => fs.readFileSync(path.join(from, 'guidance', f), 'utf8');
  for (const s of splitIcdGuidelines(read('icd10cm-official-guidelines-fy2026.txt'))) {
    const top = s.section.split('.')[0];
    add(
      'icd10cm-guidelines-fy2026',
      'ICD',
      top === 'Introduction' ? 'Introduction' : `Section ${top}`,
      s,
      s.section === 'Introduction' ? 'Introduction' : `Section ${s.section}. ${s.title}`,
    );
  }
  for (const s of splitBenefitPolicyCh15(read('medicare-benefit-policy-manual-ch15.txt'))) {
    add('medicare-bpm-ch15', 'BPM15', 'Chapter 15', s, `§${s.section} - ${s.title}`);
  }
  const ids = new Set<string>();
  for (const p of paragraphs) {
    if (ids.has(p.id)) throw new Error(`guidance paragraph id ${p.id} repeats`);
    ids.add(p.id);
  }
  return { buf: encodeGuidance(header('guidance', t), paragraphs, GUIDANCE_TITLES), rows: paragraphs.length };
}

const builders: Record<string, (t: ShippedTable) => Promise<{ buf: Buffer; rows: number }>> = {
  'ptp-practitioner': (t) => buildPtp('ptp-practitioner', t),
  'ptp-outpatient-hospital': (t) => buildPtp('ptp-outpatient-hospital', t),
  icd10cm: buildIcd,
  hcpcs: buildHcpcs,
  'mue-practitioner': buildMue,
  'mue-outpatient-hospital': buildMue,
  'mue-dme': buildMue,
  pfs: buildPfs,
  'icd10cm-excludes': buildExcludes,
  guidance: buildGuidance,
  addon: buildAddOn,
  'ptp-modifiers': buildModifiers,
};

fs.mkdirSync(to, { recursive: true });
const built: { t: ShippedTable; rows: number; bytes: number }[] = [];
// --only k1,k2 rebuilds those kinds and keeps the other files as they are (the PTP tables take minutes).
const only = process.argv.includes('--only') ? new Set(arg('--only', '').split(',')) : null;
for (const t of SHIPPED) {
  const t0 = performance.now();
  if (only && !only.has(t.kind)) {
    const file = path.join(to, tableFileName(t.kind));
    const gz = fs.readFileSync(file);
    built.push({ t, rows: decodeTable(await decompress(gz), file).header.rows, bytes: gz.length });
    continue;
  }
  const { buf, rows } = await builders[t.kind](t);
  const gz = compress(buf);
  const file = path.join(to, tableFileName(t.kind));
  fs.writeFileSync(`${file}.tmp`, gz);
  fs.renameSync(`${file}.tmp`, file);
  built.push({ t, rows, bytes: gz.length });
  console.log(
    `${t.kind}: ${rows} rows, ${(buf.length / 1e6).toFixed(1)} MB raw, ${(gz.length / 1e6).toFixed(2)} MB gz, ${Math.round(performance.now() - t0)} ms`,
  );
}
fs.writeFileSync(path.join(to, 'README.md'), renderReadme(built, readAmaNotice(path.join(from, 'README.md'))));
console.log(`wrote ${to}`);
