import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseRawEmail } from '../src/mail/parse.ts';
import { classify } from '../src/mail/classify.ts';
import { extractNewText } from '../src/mail/reply-text.ts';
import { detectPhi } from '../src/mail/phi.ts';
import { parseDateOfService } from '../src/drafting/dos.ts';
import { draftFromMessage, DEFAULT_CLASSIFY_CONTEXT } from '../src/drafting/message.ts';
import { getKnowledgeBase } from '../src/kb/index.ts';
import { hostileMails, normalMail } from '../test/support/hostile-mail.ts';
const kb = await getKnowledgeBase();
async function stage<T>(fn: () => T | Promise<T>): Promise<[T, number, number]> {
  const h = monitorEventLoopDelay({ resolution: 5 }); h.enable(); await sleep(20);
  const t = performance.now(); const r = await fn(); const d = performance.now() - t;
  await sleep(30); h.disable(); return [r, h.max / 1e6, d];
}
const only = process.argv[2];
for (const m of [normalMail(), ...hostileMails()].filter(m => !only || m.name.includes(only))) {
  const row: string[] = [m.name.padEnd(28), String(m.raw.length).padStart(8)];
  try {
    const [msg, p] = await stage(() => parseRawEmail(m.raw));
    row.push(`parse ${p.toFixed(0)}ms`);
    const [, i] = await stage(() => { classify(msg, DEFAULT_CLASSIFY_CONTEXT); const t = extractNewText(msg); detectPhi(t); detectPhi(msg.subject); parseDateOfService(`${msg.subject}\n${t}`); });
    row.push(`ingest ${i.toFixed(0)}ms`);
    const [, d] = await stage(() => draftFromMessage(msg, kb));
    row.push(`draft ${d.toFixed(0)}ms`);
  } catch (e) { row.push('ERR ' + (e as Error).message); }
  console.log(row.join('  '));
}
