// Builds data/codesets/ (the shipped, compact tables) from the normalized public files in
// ../shared/data. Run by hand when those files change; the output is committed, CI never runs this.
//   npm run build:codesets [-- --from ../shared/data --to data/codesets] [--only pfs,guidance]
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { compress, decodeTable, decompress } from '../src/kb/container.ts';
import { TABLE_NAMES, tableFileName, type TableKind } from '../src/kb/kinds.ts';
import { PtpBuilder } from '../src/kb/tables/ptp.ts';
import { encodeIcd, type IcdRowInput } from '../src/kb/tables/icd.ts';
import { encodeHcpcs } from '../src/kb/tables/hcpcs.ts';
import { encodeMue } from '../src/kb/tables/mue.ts';
import { encodePfs } from '../src/kb/tables/pfs.ts';
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
    header.forEach((h, i) => (row[h] = cells[i] ?? ''));
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

async function buildIcd(t: ShippedTable): Promise<{ buf: Buffer; rows: number }> {
  const rows: IcdRowInput[] = (await collect(t.sourceFile)).map((r) => ({
    code: r.code,
    billable: r.billable === '1',
    description: r.long_description,
  }));
  const present = new Set(rows.map((r) => r.code));
  const addenda = await collect('icd10cm-order-addenda-FY2026.tsv');
  const added = addenda.filter((a) => a.action === 'Add' && present.has(a.code)).map((a) => a.code);
  // A delete followed by an add of the same code is a billable-status change, not a removal.
  const deleted = addenda
    .filter((a) => a.action === 'Delete' && !present.has(a.code))
    .map((a) => ({ code: a.code, billable: a.billable === '1', description: a.long_description }));
  return { buf: encodeIcd(header('icd10cm', t), rows, { added: [...new Set(added)], deleted }), rows: rows.length };
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

const builders: Record<string, (t: ShippedTable) => Promise<{ buf: Buffer; rows: number }>> = {
  'ptp-practitioner': (t) => buildPtp('ptp-practitioner', t),
  'ptp-outpatient-hospital': (t) => buildPtp('ptp-outpatient-hospital', t),
  icd10cm: buildIcd,
  hcpcs: buildHcpcs,
  'mue-practitioner': buildMue,
  'mue-outpatient-hospital': buildMue,
  'mue-dme': buildMue,
  pfs: buildPfs,
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
  console.log(`${t.kind}: ${rows} rows, ${(buf.length / 1e6).toFixed(1)} MB raw, ${(gz.length / 1e6).toFixed(2)} MB gz, ${Math.round(performance.now() - t0)} ms`);
}
fs.writeFileSync(path.join(to, 'README.md'), renderReadme(built, readAmaNotice(path.join(from, 'README.md'))));
console.log(`wrote ${to}`);
