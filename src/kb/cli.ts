// The `lookup` and `kb` commands. The lead mounts them on the caseconsultant program.
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import { loadKnowledgeBase } from './index.ts';
import type { KnowledgeBase, PtpEdit, PtpSetting } from './types.ts';
import { normalizeModifier } from './codes.ts';
import { isoToYmd, todayYmd, ymdToIso } from './dates.ts';
import { formatAddOn, formatCode, formatModifier, formatMue, formatPtp, formatStatus } from './format.ts';
import { IMPORT_KINDS, importFile, isImportKind } from './import/importFile.ts';
import { progressBar } from './progress.ts';

export interface KbCommandOptions {
  dataDir: () => string;
}

/** Everything `lookup` reports, also its --json shape. */
export function lookupReport(kb: KnowledgeBase, tokens: string[], dos: string, setting: PtpSetting) {
  const modifiers = tokens.filter((t) => /^-?[A-Za-z0-9]{2}$/.test(t.trim()) && normalizeModifier(t));
  const codeTokens = tokens.filter((t) => !modifiers.includes(t));
  const codes = codeTokens.map((t) => kb.lookup(t, { dos, setting }));
  const procedures = codes.filter((c) => c.system === 'CPT' || c.system === 'HCPCS').map((c) => c.code);
  const unique = [...new Set(procedures)];
  // Inactive edits are shown too: "deleted before your date" is an answer coders ask for.
  const ptp: PtpEdit[] = [];
  for (let i = 0; i < unique.length; i++) for (let j = i + 1; j < unique.length; j++) ptp.push(...kb.ptp(unique[i], unique[j], { dos, setting }));
  const among = kb.editsAmong(unique, { dos, setting });
  return {
    dos,
    setting,
    codes,
    modifiers: modifiers.map((m) => kb.modifier(m)).filter((m) => m !== null),
    ptp,
    mue: among.mue,
    addOn: among.addOn,
  };
}

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
    .option('--setting <setting>', 'PTP table: practitioner or outpatient_hospital', 'practitioner')
    .option('--json', 'print JSON')
    .action(async (tokens: string[], o: { dos?: string; setting: string; json?: boolean }) => {
      try {
        if (o.setting !== 'practitioner' && o.setting !== 'outpatient_hospital') throw new Error('--setting must be practitioner or outpatient_hospital');
        if (o.dos !== undefined && isoToYmd(o.dos) === null) throw new Error('--dos must be a YYYY-MM-DD date');
        const dos = o.dos ?? ymdToIso(todayYmd());
        const kb = await loadKnowledgeBase({ importDir: importDir() });
        const r = lookupReport(kb, tokens, dos, o.setting);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return;
        }
        const present = new Set(r.codes.map((c) => c.code));
        const out = [`Date of service ${r.dos}, ${r.setting.replace('_', ' ')} edits`, ''];
        for (const c of r.codes) out.push(formatCode(c), '');
        for (const m of r.modifiers) out.push(formatModifier(m), '');
        const edits = [...r.ptp.map(formatPtp), ...r.mue.map(formatMue), ...r.addOn.map((a) => formatAddOn(a, present))];
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
        const r = await importFile({ kind: o.kind, files: o.file, version: o.version, importDir: importDir(), progress: bar.update });
        bar.finish();
        process.stdout.write(`imported ${r.table} ${r.version}: ${r.rows.toLocaleString('en-US')} rows, effective ${r.effectiveFrom ?? '?'} to ${r.effectiveTo ?? 'open'} → ${r.file}\n`);
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
