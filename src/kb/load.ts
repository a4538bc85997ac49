// Reading tables from disk: the shipped copy of each kind, unless the operator imported a newer one.
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError, ErrorCodes } from '../errors.ts';
import { decodeTable, decompress, type DecodedTable } from './container.ts';
import { OPTIONAL_KINDS, TABLE_KINDS, tableFileName, type TableKind } from './kinds.ts';

export interface LoadedTable {
  decoded: DecodedTable;
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
    return { decoded, origin, file };
  }
  if (OPTIONAL_KINDS.has(kind)) return null;
  throw new AppError(ErrorCodes.KB_NOT_LOADED, `no ${kind} table in ${codesetDir}${importDir ? ` or ${importDir}` : ''}`);
}

/** All kinds at once: the files inflate in parallel on the libuv pool. */
export async function loadTables(codesetDir: string, importDir: string | null): Promise<Map<TableKind, LoadedTable>> {
  const loaded = await Promise.all(TABLE_KINDS.map((k) => loadKind(k, codesetDir, importDir)));
  const out = new Map<TableKind, LoadedTable>();
  TABLE_KINDS.forEach((k, i) => {
    const t = loaded[i];
    if (t) out.set(k, t);
  });
  return out;
}
