// Entry point of the knowledge base: load once per process, then answer from memory.
import path from 'node:path';
import type { KnowledgeBase } from './types.ts';
import { loadTables } from './load.ts';
import { releaseTable } from './container.ts';
import { PtpTable } from './tables/ptp.ts';
import { CodeSetKnowledgeBase, TABLE_BUILDERS, type BuiltTables } from './knowledgeBase.ts';
import { DEFAULT_CODESET_DIR } from './paths.ts';

export type * from './types.ts';
export { normalizeCode, codeCandidates, cptCategory, dotIcd, undotIcd, normalizeModifier } from './codes.ts';
export type { NormalizedCode, CptCategory } from './codes.ts';
export { CPT_LICENCE_NOTE, CHILDREN_CAP } from './knowledgeBase.ts';
export * from './pfsMeanings.ts';
export { modifierFamilyFromWords, type ModifierFamily } from './words.ts';
export { parseDosageUnit, type ParsedDosage } from './dosage.ts';
export { CPT_OMITTED } from './guidance/stripCpt.ts';

export interface KbLoadOptions {
  /** Shipped tables; defaults to <repo>/data/codesets. */
  codesetDir?: string;
  /** Operator-imported tables, which take precedence; defaults to <DATA_DIR>/codesets. */
  importDir?: string;
}

export { DEFAULT_CODESET_DIR };

export function defaultImportDir(dataDir: string = process.env.DATA_DIR || 'var'): string {
  return path.resolve(dataDir, 'codesets');
}

export async function loadKnowledgeBase(opts: KbLoadOptions = {}): Promise<KnowledgeBase> {
  const tables: BuiltTables = new Map();
  await loadTables(opts.codesetDir ?? DEFAULT_CODESET_DIR, opts.importDir ?? defaultImportDir(), (kind, t) => {
    const table = TABLE_BUILDERS[kind](t.decoded, t.gz);
    tables.set(kind, { table, origin: t.origin });
    // A PTP table written with combinations reads its rows in place: its buffer is the table.
    if (!(table instanceof PtpTable && table.holdsFile)) releaseTable(t.decoded);
  });
  return new CodeSetKnowledgeBase(tables);
}

let cached: { key: string; kb: Promise<KnowledgeBase> } | null = null;

/** One knowledge base per process (it holds ~50 MB of tables); reloaded only when the directories differ. */
export function getKnowledgeBase(opts: KbLoadOptions = {}): Promise<KnowledgeBase> {
  const key = JSON.stringify([opts.codesetDir ?? DEFAULT_CODESET_DIR, opts.importDir ?? defaultImportDir()]);
  if (!cached || cached.key !== key) {
    const kb = loadKnowledgeBase(opts);
    cached = { key, kb };
    // A failed load must not stay cached: the operator may fix the file and retry.
    kb.catch(() => {
      if (cached?.kb === kb) cached = null;
    });
  }
  return cached.kb;
}
