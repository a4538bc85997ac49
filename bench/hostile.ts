// npm run bench:hostile [name]: the longest event-loop block (monitorEventLoopDelay) each adversarial
// body of issue #14 causes in each stage (mailparser parse, ingest's text analysis, drafting), beside
// a normal question measured in the same run. Goal: under 100 ms per stage on an idle machine.
import { getKnowledgeBase } from '../src/kb/index.ts';
import { draftFromMessage, DEFAULT_CLASSIFY_CONTEXT } from '../src/drafting/message.ts';
import { parseRawEmail } from '../src/mail/parse.ts';
import { analyseMessage } from '../workers/ingest-message.ts';
import { hostileMails, normalMail } from '../test/support/hostile-mail.ts';
import { maxLoopDelay } from '../test/support/loop-delay.ts';

const kb = await getKnowledgeBase();
draftFromMessage(await parseRawEmail(normalMail().raw), kb); // warm-up: templates, JIT
const only = process.argv[2];
console.log(`Hostile-text bench: longest event-loop block per stage, ms (Node ${process.version})`);
let worst = 0;
for (const m of [normalMail(), ...hostileMails()].filter((x) => !only || x.name.includes(only))) {
  const parse = await maxLoopDelay(() => parseRawEmail(m.raw));
  const ingest = await maxLoopDelay(() => analyseMessage(parse.result, DEFAULT_CLASSIFY_CONTEXT));
  const draft = await maxLoopDelay(() => draftFromMessage(parse.result, kb));
  const row = [parse.maxMs, ingest.maxMs, draft.maxMs];
  worst = Math.max(worst, ...row);
  console.log(
    `  ${m.name.padEnd(28)} ${String(Math.round(m.raw.length / 1024)).padStart(5)} KB   parse ${row[0].toFixed(0).padStart(5)}   ingest ${row[1].toFixed(0).padStart(5)}   draft ${row[2].toFixed(0).padStart(5)}`,
  );
}
console.log(
  worst <= 100
    ? '  goal met: every stage under 100 ms'
    : `  GOAL MISSED: a stage blocked ${worst.toFixed(0)} ms (on a loaded machine, compare with the normal question)`,
);
