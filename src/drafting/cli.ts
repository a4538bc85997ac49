// `caseconsultant draft FILE.eml... [--json] [--dos YYYY-MM-DD]`: drafts from .eml files without
// Redis or a database. One JSON line per file, in order; an unreadable file gives an error line.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isIsoDate } from './dos.ts';

interface DraftOptions {
  json?: boolean;
  dos?: string;
}

export function registerDraftCommand(program: Command): void {
  program
    .command('draft')
    .description('draft answers for .eml files (no Redis or database needed)')
    .argument('<files...>', '.eml files')
    .option('--json', 'one JSON object per file, one per line')
    .option('--dos <date>', 'date of service (YYYY-MM-DD), overrides the one in the text')
    .action(async (files: string[], opts: DraftOptions) => {
      if (opts.dos && !isIsoDate(opts.dos)) {
        process.stderr.write(`--dos must be a date written YYYY-MM-DD, got ${JSON.stringify(opts.dos)}\n`);
        process.exitCode = 2;
        return;
      }
      // Loaded here, not at the top: every process registers this command, few run it.
      const [{ getKnowledgeBase }, { parseRawEmail }, { draftFromMessage }] = await Promise.all([
        import('../kb/index.ts'),
        import('../mail/parse.ts'),
        import('./message.ts'),
      ]);
      const kb = await getKnowledgeBase();
      let failed = false;
      for (const file of files) {
        try {
          const msg = await parseRawEmail(await readFile(file));
          const r = draftFromMessage(msg, kb, { dos: opts.dos ?? null });
          if (opts.json) process.stdout.write(`${JSON.stringify({ file, ...r })}\n`);
          else
            process.stdout.write(
              `==> ${file} (${r.kind})\n${r.draft ? `Subject: ${r.draft.subject}\n\n${r.draft.text}` : 'No draft: machine-generated or rejected message.\n'}\n`,
            );
        } catch (err) {
          failed = true;
          const error = err instanceof Error ? err.message : String(err);
          if (opts.json) process.stdout.write(`${JSON.stringify({ file, error })}\n`);
          else process.stderr.write(`${file}: ${error}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
