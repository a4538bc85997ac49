// The `lookup` and `kb` commands. The lead mounts them on the caseconsultant program.
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import type { KbLoadOptions } from './index.ts';
import type { KnowledgeBase, MueSetting, PtpEdit, PtpSetting } from './types.ts';
import { normalizeModifier } from './codes.ts';
import { isoToYmd, todayYmd, ymdToIso } from './dates.ts';
import { formatAddOn, formatCode, formatExcludes, formatFeeSchedule, formatModifier, formatMue, formatPtp, formatStatus } from './format.ts';
import { IMPORT_KINDS, isImportKind } from './import/import-kinds.ts';
import { progressBar } from './progress.ts';

// The tables and their import code load when a kb command runs, not in every process that registers it.
const loadKnowledgeBase = async (opts: KbLoadOptions) => (await import('./index.ts')).loadKnowledgeBase(opts);

export interface KbCommandOptions {
  dataDir: () => string;
}

/** Everything `lookup` reports, also its --json shape. */
export function lookupReport(kb: KnowledgeBase, tokens: string[], dos: string, setting: MueSetting) {
  const modifiers = tokens.filter((t) => /^-?[A-Za-z0-9]{2}$/.test(t.trim()) && normalizeModifier(t));
  const codeTokens = tokens.filter((t) => !modifiers.includes(t));
  // A DME supplier claim has MUEs but no PTP table.
  const ptpSetting: PtpSetting | null = setting === 'dme' ? null : setting;
  const opts = { dos, setting: ptpSetting ?? undefined, mueSetting: setting };
  const codes = codeTokens.map((t) => kb.lookup(t, opts));
  const procedures = codes.filter((c) => c.system === 'CPT' || c.system === 'HCPCS').map((c) => c.code);
  const unique = [...new Set(procedures)];
  // Inactive edits are shown too: "deleted before your date" is an answer coders ask for.
  const ptp: PtpEdit[] = [];
  if (ptpSetting) {
    for (let i = 0; i < unique.length; i++) for (let j = i + 1; j < unique.length; j++) ptp.push(...kb.ptp(unique[i], unique[j], opts));
  }
  const among = kb.editsAmong(unique, opts);
  const mods = modifiers.map((m) => normalizeModifier(m)!.modifier);
  // The 26/TC row when that modifier was given, else the code's global row.
  const rowModifier = mods.find((m) => m === '26' || m === 'TC' || m === '53');
  const feeSchedule = unique.map((c) => kb.feeSchedule(c, rowModifier)).filter((f) => f !== null);
  const dosageUnits = unique.map((c) => kb.dosageUnit(c)).filter((d) => d !== null);
  const diagnoses = codes.filter((c) => c.system === 'ICD-10-CM').map((c) => c.code);
  return {
    dos,
    setting,
    codes,
    modifiers: modifiers.map((m) => kb.modifier(m)).filter((m) => m !== null),
    ptp,
    mue: among.mue,
    addOn: among.addOn,
    feeSchedule,
    dosageUnits,
    excludes: kb.excludesAmong(diagnoses, { dos }),
  };
}

const SETTINGS: readonly MueSetting[] = ['practitioner', 'outpatient_hospital', 'dme'];

async function fail(err: unknown): Promise<void> {
  const msg = err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${msg}\n`);
  process.exitCode = 1;
}

export function registerKbCommands(program: Command, opts: KbCommandOptions): void {
  const importDir = () => path.resolve(opts.dataDir(), 'codesets');

  program
    .command('lookup')
    .description('look codes up at a date of service and show every edit among them (e.g. lookup 22513 72292 M80.08 J1885)')
    .argument('<codes...>', 'CPT, HCPCS or ICD-10-CM codes, and modifiers')
    .option('--dos <date>', 'date of service, YYYY-MM-DD (default: today)')
    .option('--setting <setting>', 'claim setting for PTP and MUE tables: practitioner, outpatient_hospital or dme (MUE only)', 'practitioner')
    .option('--json', 'print JSON')
    .action(async (tokens: string[], o: { dos?: string; setting: string; json?: boolean }) => {
      try {
        const setting = SETTINGS.find((x) => x === o.setting);
        if (!setting) throw new Error('--setting must be practitioner, outpatient_hospital or dme');
        if (o.dos !== undefined && isoToYmd(o.dos) === null) throw new Error('--dos must be a YYYY-MM-DD date');
        const dos = o.dos ?? ymdToIso(todayYmd());
        const kb = await loadKnowledgeBase({ importDir: importDir() });
        const r = lookupReport(kb, tokens, dos, setting);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return;
        }
        const present = new Set(r.codes.map((c) => c.code));
        const out = [
          `Date of service ${r.dos}, ${r.setting.replace('_', ' ')} edits${r.setting === 'dme' ? ' (MUE only: no PTP table for DME suppliers)' : ''}`,
          '',
        ];
        for (const c of r.codes) {
          out.push(formatCode(c));
          const fee = r.feeSchedule.find((f) => f.code === c.code);
          if (fee) out.push(formatFeeSchedule(fee));
          const dose = r.dosageUnits.find((d) => d.code === c.code);
          if (dose) out.push(`  billing unit: ${dose.amount} ${dose.unit} ("${dose.phrase}")`);
          out.push('');
        }
        for (const m of r.modifiers) out.push(formatModifier(m), '');
        const edits = [...r.ptp.map(formatPtp), ...r.mue.map(formatMue), ...r.addOn.map((a) => formatAddOn(a, present)), ...r.excludes.map(formatExcludes)];
        out.push(edits.length ? 'Edits:' : 'Edits: none among these codes.', ...edits.map((e) => `  ${e}`));
        process.stdout.write(`${out.join('\n')}\n`);
      } catch (err) {
        await fail(err);
      }
    });

  const kb = program.command('kb').description('code-set knowledge base');

  kb.command('import')
    .description(`load a newer official file; kinds: ${IMPORT_KINDS.join(', ')}`)
    .requiredOption('--kind <kind>', IMPORT_KINDS.join(' | '))
    .requiredOption('--file <files...>', 'the file (PTP: the f1-f4 files of one table, together)')
    .option('--version <version>', 'version label (default: from the file name, e.g. 2026Q2, 2026-04-01, FY2026)')
    .action(async (o: { kind: string; file: string[]; version?: string }) => {
      const bar = progressBar(`importing ${o.kind}`);
      try {
        if (!isImportKind(o.kind)) throw new Error(`--kind must be one of ${IMPORT_KINDS.join(', ')}`);
        const { importFile } = await import('./import/importFile.ts');
        const r = await importFile({ kind: o.kind, files: o.file, version: o.version, importDir: importDir(), progress: bar.update });
        bar.finish();
        process.stdout.write(
          `imported ${r.table} ${r.version}: ${r.rows.toLocaleString('en-US')} rows, effective ${r.effectiveFrom ?? '?'} to ${r.effectiveTo ?? 'open'} → ${r.file}\n`,
        );
      } catch (err) {
        bar.finish();
        await fail(err);
      }
    });

  kb.command('status')
    .description('list the loaded tables, their versions and row counts')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      try {
        const k = await loadKnowledgeBase({ importDir: importDir() });
        const rows = k.status();
        process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatStatus(rows)}\n`);
      } catch (err) {
        await fail(err);
      }
    });
}
