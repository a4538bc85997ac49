// Reading tables from disk: the shipped copy of each kind, unless the operator imported a newer one.
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError, ErrorCodes } from '../errors.ts';
import { decodeTable, decompress, type DecodedTable } from './container.ts';
import { OPTIONAL_KINDS, TABLE_KINDS, tableFileName, type TableKind } from './kinds.ts';

export interface LoadedTable {
  decoded: DecodedTable;
  /** The file's compressed bytes, for a table that decodes its rows again on first use. */
  gz: Buffer;
  origin: 'shipped' | 'imported';
  file: string;
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function readTableFile(file: string): Promise<DecodedTable> {
  const gz = await fs.readFile(file);
  return decodeTable(await decompressOrFail(gz, file), file);
}

async function decompressOrFail(gz: Buffer, file: string): Promise<Buffer> {
  try {
    return await decompress(gz);
  } catch (err) {
    throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `${file}: not a gzip-compressed table`, { cause: err });
  }
}

async function loadKind(kind: TableKind, codesetDir: string, importDir: string | null): Promise<LoadedTable | null> {
  for (const [dir, origin] of [
    [importDir, 'imported'],
    [codesetDir, 'shipped'],
  ] as const) {
    if (!dir) continue;
    const file = path.join(dir, tableFileName(kind));
    const gz = await readIfExists(file);
    if (!gz) continue;
    const decoded = decodeTable(await decompressOrFail(gz, file), file);
    if (decoded.header.kind !== kind) {
      throw new AppError(ErrorCodes.KB_FILE_MALFORMED, `${file}: holds a ${decoded.header.kind} table, expected ${kind}`);
    }
    return { decoded, gz, origin, file };
  }
  if (OPTIONAL_KINDS.has(kind)) return null;
  throw new AppError(ErrorCodes.KB_NOT_LOADED, `no ${kind} table in ${codesetDir}${importDir ? ` or ${importDir}` : ''}`);
}

/**
 * Every kind, one after another, each handed to `use` as soon as it is read: a table built from its
 * file no longer needs the decompressed buffer, so one file's buffer is freed before the next is
 * inflated. Inflating them all at once (as before) was a little faster on two cores, but held every
 * buffer (~50 MB) beside the tables built from them, the peak of a draft worker's memory.
 */
export async function loadTables(codesetDir: string, importDir: string | null, use: (kind: TableKind, table: LoadedTable) => void): Promise<void> {
  for (const kind of TABLE_KINDS) {
    const t = await loadKind(kind, codesetDir, importDir);
    if (t) use(kind, t);
  }
}
