// Turns an operator's official file into a table in the import dir. Everything is parsed and
// checked before anything is written, and the new file replaces the old one by rename, so a bad
// file leaves the previous version in place and a reader never sees half a table.
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError, ErrorCodes } from '../../errors.ts';
import { compress, decodeTable, type TableHeader } from '../container.ts';
import { TABLE_NAMES, tableFileName, type TableKind } from '../kinds.ts';
import { ymdToIso } from '../dates.ts';
import { PtpBuilder } from '../tables/ptp.ts';
import { encodeMue } from '../tables/mue.ts';
import { encodeAddOn } from '../tables/addon.ts';
import { encodeHcpcs } from '../tables/hcpcs.ts';
import { addIcdRelease, encodeIcd, encodeIcdReleases, icdTableContents, type IcdRowInput } from '../tables/icd.ts';
import { readTableFile } from '../load.ts';
import { DEFAULT_CODESET_DIR } from '../paths.ts';
import { encodeCpt } from '../tables/cpt.ts';
import { readLines, type Progress } from './text.ts';
import { parsePtpInto } from './ptp.ts';
import { parseMue } from './mue.ts';
import { parseAddOn } from './addon.ts';
import { parseHcpcs } from './hcpcs.ts';
import { parseIcdOrder } from './icd.ts';
import { parseCpt } from './cpt.ts';
import { parsePfs } from './pfs.ts';
import { encodePfs } from '../tables/pfs.ts';
import { guessWindow, lastDayOfQuarter, type Window } from './versions.ts';
import type { ImportKind } from './import-kinds.ts';

export { IMPORT_KINDS, isImportKind, type ImportKind } from './import-kinds.ts';

const TABLE_OF: Record<ImportKind, TableKind> = {
  'ptp-practitioner': 'ptp-practitioner',
  'ptp-outpatient-hospital': 'ptp-outpatient-hospital',
  mue: 'mue-practitioner',
  'mue-outpatient-hospital': 'mue-outpatient-hospital',
  'mue-dme': 'mue-dme',
  addon: 'addon',
  hcpcs: 'hcpcs',
  icd10cm: 'icd10cm',
  pfs: 'pfs',
  cpt: 'cpt',
};

export interface ImportRequest {
  kind: ImportKind;
  /** Several files make one table (CMS splits each PTP table into f1-f4). */
  files: string[];
  version?: string;
  importDir: string;
  /** The shipped tables (an ICD-10-CM year goes on top of them); defaults to data/codesets. */
  codesetDir?: string;
  progress?: Progress;
}

/** The imported table's header fields, and the file it was written to. */
export type ImportResult = Pick<TableHeader, 'kind' | 'table' | 'version' | 'rows' | 'effectiveFrom' | 'effectiveTo'> & { file: string };

export async function importFile(req: ImportRequest): Promise<ImportResult> {
  if (req.files.length === 0) throw new AppError(ErrorCodes.BAD_REQUEST, 'no file to import');
  if (req.kind !== 'ptp-practitioner' && req.kind !== 'ptp-outpatient-hospital' && req.files.length > 1) {
    throw new AppError(ErrorCodes.BAD_REQUEST, `--kind ${req.kind} takes one file`);
  }
  const kind = TABLE_OF[req.kind];
  const window: Window = guessWindow(
    req.kind,
    req.files.map((f) => path.basename(f)),
    req.version,
  );
  const headerOf = (extra: Partial<Window> = {}): Omit<TableHeader, 'rows'> => ({
    kind,
    table: TABLE_NAMES[kind],
    version: extra.version ?? window.version,
    effectiveFrom: extra.effectiveFrom ?? window.effectiveFrom,
    effectiveTo: extra.effectiveTo ?? window.effectiveTo,
    source: req.files.map((f) => path.basename(f)).join(', '),
  });
  // Each file's lines are read in turn, and progress spans all of them.
  let filesDone = 0;
  const progress: Progress | undefined = req.progress
    ? (done, total) => req.progress!(filesDone * 1000 + Math.round((done / Math.max(total, 1)) * 1000), req.files.length * 1000)
    : undefined;

  let raw: Buffer;
  let rows: number;
  const file = req.files[0];
  switch (req.kind) {
    case 'ptp-practitioner':
    case 'ptp-outpatient-hospital': {
      const b = new PtpBuilder();
      let maxEffective = 0;
      for (const f of req.files) {
        const r = parsePtpInto(b, await readLines(f), f, progress);
        maxEffective = Math.max(maxEffective, r.maxEffective);
        filesDone++;
      }
      // Without a dated version, the latest effective date in the rows is the quarter the file describes.
      const fromRows = maxEffective && !window.effectiveFrom ? ymdToIso(maxEffective) : null;
      raw = b.encode(
        headerOf(fromRows ? { version: window.guessed ? fromRows : window.version, effectiveFrom: fromRows, effectiveTo: lastDayOfQuarter(maxEffective) } : {}),
      );
      rows = b.rows;
      break;
    }
    case 'mue':
    case 'mue-outpatient-hospital':
    case 'mue-dme': {
      const r = parseMue(await readLines(file), file, progress);
      raw = encodeMue(headerOf(), r);
      rows = r.length;
      break;
    }
    case 'addon': {
      const r = parseAddOn(await readLines(file), file, progress);
      raw = encodeAddOn(headerOf(), r);
      rows = r.length;
      break;
    }
    case 'hcpcs': {
      const r = parseHcpcs(await readLines(file), file, progress);
      raw = encodeHcpcs(headerOf(), r);
      rows = r.length;
      break;
    }
    case 'icd10cm': {
      const r = parseIcdOrder(await readLines(file), file, progress);
      raw = await encodeIcdOnTop(headerOf(), r, req);
      rows = decodeTable(raw, file).header.rows;
      break;
    }
    case 'pfs': {
      const r = parsePfs(await readLines(file), file, progress);
      raw = encodePfs(headerOf(), r);
      rows = r.length;
      break;
    }
    case 'cpt': {
      const r = parseCpt(await readLines(file), file, progress);
      raw = encodeCpt(headerOf(), r);
      rows = r.length;
      break;
    }
  }
  const header = decodeTable(raw, file).header;
  const target = path.join(req.importDir, tableFileName(kind));
  await writeAtomically(target, compress(raw));
  return { kind, table: header.table, version: header.version, rows, effectiveFrom: header.effectiveFrom, effectiveTo: header.effectiveTo, file: target };
}

/**
 * A newer fiscal year goes on top of the table in use (imported, else shipped), so dates of service
 * in the earlier years keep their release; the same or an older year replaces the table.
 */
async function encodeIcdOnTop(header: Omit<TableHeader, 'rows'>, rows: IcdRowInput[], req: ImportRequest): Promise<Buffer> {
  const base = await readCurrentTable('icd10cm', req.importDir, req.codesetDir ?? DEFAULT_CODESET_DIR);
  const release = { version: header.version, from: header.effectiveFrom ?? '0000-01-01', to: header.effectiveTo ?? '9999-12-31' };
  const contents = base ? icdTableContents(base) : null;
  const last = contents?.releases[contents.releases.length - 1];
  if (!contents || !last || !header.effectiveFrom || release.from <= last.from) return encodeIcd(header, rows);
  const merged = addIcdRelease(contents, release, rows);
  return encodeIcdReleases(
    { ...header, effectiveFrom: merged.releases[0].from, source: `${header.source} on ${base!.header.source}` },
    merged.releases,
    merged.rows,
    merged.revised,
  );
}

async function readCurrentTable(kind: TableKind, importDir: string, codesetDir: string) {
  for (const dir of [importDir, codesetDir]) {
    const file = path.join(dir, tableFileName(kind));
    try {
      await fs.access(file);
    } catch {
      continue;
    }
    return readTableFile(file);
  }
  return null;
}

async function writeAtomically(target: string, data: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
