// `npm run bench`: every benchmark in one report, bench/results/report.json and report.md.
// Each figure stands beside a baseline measured in the same run; machines are noisy, ratios less so.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchPipeline } from './pipeline.ts';

function runScript(file: string): { ok: boolean; output: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'silent' } });
  const output = `${r.stdout ?? ''}${r.status === 0 ? '' : `\n${r.stderr ?? ''}`}`.trim();
  return { ok: r.status === 0, output, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
}

const started = new Date();
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };

console.log('== knowledge base (bench/kb.ts)');
const kb = runScript('bench/kb.ts');
console.log(kb.output);
console.log('\n== drafting (bench/draft.ts)');
const draft = runScript('bench/draft.ts');
console.log(draft.output);
console.log('\n== start-up (bench/startup.ts)');
const startup = runScript('bench/startup.ts');
console.log(startup.output);
console.log('\n== pipeline (bench/pipeline.ts)');
const pipeline = await benchPipeline();
console.log(JSON.stringify(pipeline, null, 2));

const report = { started: started.toISOString(), machine, kb, draft, startup, pipeline };
const dir = path.resolve('bench/results');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report, null, 2));
const md = [
  `# CaseConsultant benchmarks, ${started.toISOString()}`,
  '',
  `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}.`,
  '',
  '## Pipeline',
  '',
  '| figure | value | baseline (same run) | ratio | goal |',
  '|---|---|---|---|---|',
  `| ingest, questions arriving in a Dovecot mailbox to persisted consultations (poller + 2 ingest workers, after ${pipeline.ingest.warmUpMessages} warm-up questions; mailparser warmed alike) | ${pipeline.ingest.perSecond} msg/s (${pipeline.ingest.messages} in ${pipeline.ingest.seconds} s) | mailparser alone ${pipeline.ingest.parseOnlyPerSecond} msg/s (mean of ${pipeline.ingest.parseOnlyBeforeAfter.join(' before and ')} after) | ${pipeline.ingest.ratio} | >= ${pipeline.ingest.goal} |`,
  `| ingest as the tables grow: ${pipeline.growth.messages} questions into an empty database | ${pipeline.growth.perSecond} msg/s (${pipeline.growth.seconds} s) | the first run, ${pipeline.ingest.perSecond} msg/s | ${pipeline.growth.rateToFirstRun} | about 1 (0.6 before the ingest statements were fixed) |`,
  `| APPEND to awaiting_review, p50 | ${pipeline.latency.p50ms} ms | Dovecot IDLE delay ~350 ms | | < ${pipeline.latency.goalP50ms} ms |`,
  `| APPEND to awaiting_review, p95 / max | ${pipeline.latency.p95ms} / ${pipeline.latency.maxms} ms (${pipeline.latency.messages} messages) | | | |`,
  `| drafting, those ${pipeline.ingest.messages} consultations by 2 draft worker processes (after ${pipeline.ingest.warmUpMessages} warm-up drafts) | ${pipeline.drafting.perSecond} drafts/s (${pipeline.drafting.drafts} in ${pipeline.drafting.seconds} s), ${Object.values(
    pipeline.drafting.cpuMsPerDraft,
  )
    .reduce((a, b) => a + b, 0)
    .toFixed(3)} ms CPU per draft in all processes | one process without the database: see Drafting below | | |`,
  `| peak RSS, poller / ingest workers / draft workers | ${pipeline.memory.pollerPeakRssMb} MB / ${pipeline.memory.workerPeakRssMb.join(', ')} MB / ${pipeline.drafting.workerPeakRssMb.join(', ')} MB | | | |`,
  '',
  '### Memory and start-up per process (same run; recorded figures from before each part loaded only its own modules)',
  '',
  `Parts started with Node flags \`${pipeline.memory.nodeFlags.join(' ')}\`. Start-up: spawn to the process's ready message. Goal: ${pipeline.memory.recordedBefore.goalMb} MB peak RSS or less.`,
  '',
  `| process | start-up | RSS at ready | peak RSS | recorded before: ${pipeline.memory.recordedBefore.round2.what} | ${pipeline.memory.recordedBefore.nodeTsx.what} | ${pipeline.memory.recordedBefore.node24.what} | ${pipeline.memory.recordedBefore.issue.what} |`,
  '|---|---|---|---|---|---|---|---|',
  ...[...pipeline.memory.processes, ...pipeline.drafting.processes].map(
    (p) =>
      `| ${p.name} (${p.role}) | ${p.startupMs ?? '?'} ms | ${p.rssAtReadyMb ?? '?'} MB | **${p.peakRssMb ?? '?'} MB** | ${pipeline.memory.recordedBefore.round2.peakRssMb[p.role]} MB | ${pipeline.memory.recordedBefore.nodeTsx.peakRssMb[p.role]} MB | ${pipeline.memory.recordedBefore.node24.peakRssMb[p.role]} MB | ${pipeline.memory.recordedBefore.issue.peakRssMb} MB |`,
  ),
  '',
  `Peak RSS over the growth run (${pipeline.growth.messages} questions instead of ${pipeline.ingest.messages}; a peak that grows with the count would show here): ` +
    pipeline.growth.processes.map((p) => `${p.name} ${p.peakRssMb ?? '?'} MB`).join(', ') +
    '.',
  '',
  '### Where ingest CPU goes (ms per message, from /proc, same run)',
  '',
  '| process | ms/message |',
  '|---|---|',
  ...Object.entries(pipeline.ingest.cpuMsPerMessage).map(([g, ms]) => `| ${g} | ${ms} |`),
  `| **all** | **${pipeline.cpuBudget.usedMsPerMessage}** |`,
  '',
  `At the goal (${pipeline.ingest.goal} of parse-only, ${pipeline.cpuBudget.cores} cores all busy) each message may use ${pipeline.cpuBudget.budgetMsPerMessageAtGoal} ms of CPU in all processes together. ` +
    `Reading it from Dovecot (a bare IMAP fetch: ${pipeline.fetchOnly.perSecond} msg/s, client ${pipeline.fetchOnly.cpuMsPerMessage.client} ms + Dovecot ${pipeline.fetchOnly.cpuMsPerMessage.dovecot} ms) and parsing it take ${pipeline.cpuBudget.fetchParseFloorMs} ms, ` +
    `leaving ${pipeline.cpuBudget.leftForStorageMs} ms for storing, queueing and acknowledging it.`,
  '',
  '## Knowledge base',
  '',
  '```',
  kb.output,
  '```',
  '',
  '## Drafting',
  '',
  '```',
  draft.output,
  '```',
  '',
  '## Start-up',
  '',
  startup.output,
  '',
].join('\n');
fs.writeFileSync(path.join(dir, 'report.md'), md);
console.log(`\nwrote ${path.join(dir, 'report.json')} and report.md`);
process.exit(kb.ok && draft.ok && startup.ok ? 0 : 1);
