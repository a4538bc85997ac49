// npm run bench:draft: drafts per second for the fixture mix in one process, with mail parsing
// excluded (buildDraft over already-parsed text) and included (raw .eml to draft), and p99 latency.
// Goal: >= 1,000 drafts/s per core excluding parsing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getKnowledgeBase } from '../src/kb/index.ts';
import { parseRawEmail } from '../src/mail/parse.ts';
import { buildDraft } from '../src/drafting/draft.ts';
import { draftFromMessage } from '../src/drafting/message.ts';
import { detectPhi, extractNewText } from '../src/drafting/mail-deps.ts';
import { FIXTURE_DIR, fixtureNames } from '../scripts/lib/fixtures.ts';

const kb = await getKnowledgeBase();
const raws = fixtureNames().map((n) => readFileSync(path.join(FIXTURE_DIR, `${n}.eml`)));
const parsed = await Promise.all(raws.map((r) => parseRawEmail(r)));
// Only what the draft worker drafts: questions and follow-ups (machines never reach it).
const inputs = parsed
  .filter((m) => draftFromMessage(m, kb).draft !== null)
  .map((m) => {
    const text = extractNewText(m);
    return { subject: m.subject, text, maskedSubject: detectPhi(m.subject).masked, maskedText: detectPhi(text).masked };
  });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(label: string, rounds: number, once: (i: number) => unknown | Promise<unknown>) {
  for (let i = 0; i < 200; i++) await once(i); // warm-up: JIT and template caches
  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    const s = process.hrtime.bigint();
    await once(i);
    lat.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  lat.sort((a, b) => a - b);
  const rate = rounds / secs;
  // Per core: drafts per second of this process's own CPU time, which a loaded machine does not skew
  // the way wall time does (the wall figure is printed too).
  const perCore = rounds / cpuSecs;
  console.log(
    `  ${label.padEnd(34)} ${rate.toFixed(0).padStart(7)} drafts/s wall   ${perCore.toFixed(0).padStart(7)} drafts/CPU-s   p50 ${percentile(lat, 50).toFixed(3)} ms   p99 ${percentile(lat, 99).toFixed(3)} ms   (${rounds} drafts)`,
  );
  return perCore;
}

console.log(`Draft bench: ${inputs.length} question fixtures in rotation, one process, Node ${process.version}`);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5000);
const excl = await measure('buildDraft (parse excluded)', rounds, (i) => buildDraft(inputs[i % inputs.length], kb));
await measure('raw .eml -> draft (parse included)', Math.ceil(rounds / 5), async (i) => draftFromMessage(await parseRawEmail(raws[i % raws.length]), kb));
console.log(
  excl >= 1000
    ? '  goal met: >= 1,000 drafts per CPU-second (per core) excluding parsing'
    : '  GOAL MISSED: < 1,000 drafts per CPU-second (per core) excluding parsing',
);
