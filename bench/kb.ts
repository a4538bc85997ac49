// Knowledge-base benchmark: cold load in fresh processes, in-memory lookups, and the same lookups
// as indexed SQL on PostgreSQL for comparison.  npm run bench:kb  [-- --no-pg] [--pg-url URL]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadKnowledgeBase, DEFAULT_CODESET_DIR, type KnowledgeBase } from '../src/kb/index.ts';

const here = fileURLToPath(import.meta.url);
const repo = path.resolve(path.dirname(here), '..');
const shared = path.resolve(repo, '..', 'shared', 'data');
const noImports = path.join(repo, 'var', 'bench-no-imports');

if (process.env.KB_BENCH_CHILD) {
  // Child: one cold load, reported as JSON. Module imports happen first so the RSS delta is the tables.
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const kb = await loadKnowledgeBase({ importDir: noImports });
  const ms = performance.now() - t0;
  global.gc?.();
  const rss1 = process.memoryUsage().rss;
  kb.lookup('99213');
  process.stdout.write(JSON.stringify({ ms, rssDeltaMB: (rss1 - rss0) / 1e6, rssMB: rss1 / 1e6, sinceStartMs: performance.now() }));
  process.exit(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, d = 2) => n.toFixed(d);

function coldLoads(runs: number) {
  const out: { ms: number; rssDeltaMB: number; rssMB: number; sinceStartMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--expose-gc', here], {
      cwd: repo,
      env: { ...process.env, KB_BENCH_CHILD: '1' },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`cold-load child failed: ${r.stderr}`);
    out.push(JSON.parse(r.stdout));
  }
  return out;
}

function timeIt(iterations: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / 1e3 / iterations; // µs per call
}

const LOOKUP_CODES = ['99213', 'J1885', 'M80.08', 'E1165', '0213T', 'm80.08xa', '64484', 'A0428'];
const TEN = ['99213', '99214', '20610', '29881', '29877', '64483', '64484', 'J1885', '72292', '72291'];
const DOS = '2024-08-01';

function memoryBench(kb: KnowledgeBase) {
  let sink = 0;
  const lookup = timeIt(1_000_000, (i) => (sink += kb.lookup(LOOKUP_CODES[i & 7], { dos: DOS }).known ? 1 : 0));
  const ptp = timeIt(1_000_000, (i) => (sink += kb.ptp(TEN[i % 10], TEN[(i + 3) % 10], { dos: DOS }).length));
  const among = timeIt(100_000, () => (sink += kb.editsAmong(TEN, { dos: DOS }).ptp.length));
  if (sink < 0) console.log(sink);
  return { lookup, ptp, among, amongCount: kb.editsAmong(TEN, { dos: DOS }).ptp.length };
}

// The lookups the answer engine adds per draft: fee schedule rows, MUE by setting, ICD-10-CM across
// the FY2026/FY2027 switch, Excludes pairs, dosage units and guidance queries.
const DX = ['E11.65', 'E10.9', 'R73.03', 'I10', 'M54.50', 'Z79.4'];
const GUIDANCE_QUERIES = [
  { codes: ['20610', '76942'] },
  { codes: ['64493', '64494'], terms: ['facet joint'] },
  { codes: ['99213', '25'], terms: ['modifier 25'] },
  { codes: ['E11.65', 'Z79.4'] },
  { terms: ['bilateral'] },
  { codes: ['27447'], terms: ['global surgery', 'assistant'] },
  { codes: ['J1885', '96372'] },
  { codes: ['45380', '45385'], terms: ['endoscopy'] },
];

function answerBench(kb: KnowledgeBase) {
  let sink = 0;
  const fee = timeIt(1_000_000, (i) => (sink += kb.feeSchedule(TEN[i % 10], i & 1 ? '26' : undefined) ? 1 : 0));
  const mueOph = timeIt(1_000_000, (i) => (sink += kb.mue(TEN[i % 10], { mueSetting: i & 1 ? 'outpatient_hospital' : 'dme' })?.value ?? 0));
  // The date changes every 1,024 lookups, as it does between drafts, not on every code.
  const icdYears = timeIt(1_000_000, (i) => (sink += kb.lookup(DX[i % 6], { dos: (i >> 10) & 1 ? '2026-09-30' : '2026-10-01' }).known ? 1 : 0));
  const excludes = timeIt(100_000, () => (sink += kb.excludesAmong(DX, { dos: '2026-11-01' }).length));
  const dosage = timeIt(1_000_000, (i) => (sink += kb.dosageUnit(i & 1 ? 'J1885' : 'J3301')?.amount ?? 0));
  const guidance = timeIt(100_000, (i) => (sink += kb.guidance(GUIDANCE_QUERIES[i & 7]).length));
  if (sink < 0) console.log(sink);
  return { fee, mueOph, icdYears, excludes, dosage, guidance };
}

async function copyRows(client: pg.Client, table: string, file: string, columns: string[], map: (cells: string[]) => unknown[]) {
  // Batches of arrays through unnest(): COPY FROM STDIN needs pg-copy-streams, which the project does not carry.
  let input: NodeJS.ReadableStream = fs.createReadStream(path.join(shared, file));
  if (file.endsWith('.gz')) input = input.pipe(zlib.createGunzip());
  const cols: unknown[][] = columns.map(() => []);
  let header = true;
  let rows = 0;
  const flush = async () => {
    if (cols[0].length === 0) return;
    const types = columns.map((c) => c.split(':')[1]);
    const names = columns.map((c) => c.split(':')[0]);
    await client.query(`INSERT INTO ${table} (${names.join(',')}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(',')})`, cols);
    for (const c of cols) c.length = 0;
  };
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (header) {
      header = false;
      continue;
    }
    if (!line) continue;
    const v = map(line.split('\t'));
    for (let i = 0; i < v.length; i++) cols[i].push(v[i]);
    rows++;
    if (cols[0].length >= 50_000) await flush();
  }
  await flush();
  return rows;
}

const ymdOrNull = (s: string) => (s ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : null);

async function pgBench(url: string | undefined) {
  const client = new pg.Client(url ? { connectionString: url } : { host: '127.0.0.1', port: 5432, user: process.env.PGUSER ?? 'postgres', database: 'test' });
  await client.connect();
  const schema = `kb_bench_${process.pid}`;
  try {
    await client.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
    await client.query(`
      CREATE TABLE ptp (column1 text, column2 text, deletion_date date, modifier_indicator text, rationale text);
      CREATE TABLE icd (code text, code_dotted text, billable boolean, long_description text);
      CREATE TABLE hcpcs (code text, long_description text, add_dt date, term_dt date);
      CREATE TABLE mue (code text, mue_value int, mai text, rationale text);
      CREATE TABLE addon (addon_code text, primary_code text, aoc_edit_type text, eff date, del date);`);
    const t0 = performance.now();
    const n = await copyRows(
      client,
      'ptp',
      'ncci-ptp-practitioner-2024-07-01.tsv.gz',
      ['column1:text', 'column2:text', 'deletion_date:date', 'modifier_indicator:text', 'rationale:text'],
      (c) => [c[0], c[1], ymdOrNull(c[2]), c[3], c[4]],
    );
    await copyRows(client, 'icd', 'icd10cm-order-FY2026.tsv', ['code:text', 'code_dotted:text', 'billable:boolean', 'long_description:text'], (c) => [
      c[1],
      c[2],
      c[3] === '1',
      c[5],
    ]);
    await copyRows(client, 'hcpcs', 'hcpcs-2025-10.tsv', ['code:text', 'long_description:text', 'add_dt:date', 'term_dt:date'], (c) => [
      c[0],
      c[4],
      ymdOrNull(c[45]),
      ymdOrNull(c[47]),
    ]);
    await copyRows(client, 'mue', 'mue-practitioner-2026-04-01.tsv', ['code:text', 'mue_value:int', 'mai:text', 'rationale:text'], (c) => [
      c[0],
      Number(c[1]),
      c[2],
      c[4],
    ]);
    await copyRows(
      client,
      'addon',
      'addon-code-edits-2026Q2.tsv',
      ['addon_code:text', 'primary_code:text', 'aoc_edit_type:text', 'eff:date', 'del:date'],
      (c) => [c[0], c[1], c[2], ymdOrNull(c[5]), ymdOrNull(c[6])],
    );
    await client.query(`
      CREATE INDEX ON ptp (column1, column2, deletion_date);
      CREATE UNIQUE INDEX ON icd (code); CREATE INDEX ON icd (code_dotted);
      CREATE INDEX ON hcpcs (code); CREATE UNIQUE INDEX ON mue (code); CREATE INDEX ON addon (addon_code);
      ANALYZE;`);
    const loadS = (performance.now() - t0) / 1000;

    // One code: the query for its system, as a prepared statement (what a SQL-backed lookup would do).
    const byCode: Record<string, { name: string; text: string; value: string }> = {
      '99213': {
        name: 'cpt',
        text: 'SELECT (SELECT count(*) FROM mue WHERE code=$1) + (SELECT count(*) FROM (SELECT 1 FROM ptp WHERE column1=$1 LIMIT 1) x)',
        value: '99213',
      },
      J1885: { name: 'hcpcs', text: 'SELECT long_description, add_dt, term_dt FROM hcpcs WHERE code=$1', value: 'J1885' },
      'M80.08': { name: 'icd', text: 'SELECT billable, long_description FROM icd WHERE code_dotted=$1', value: 'M80.08' },
    };
    const keys = Object.keys(byCode);
    for (const k of keys) await client.query({ name: byCode[k].name, text: byCode[k].text, values: [byCode[k].value] });
    const iters = 3000;
    let t = performance.now();
    for (let i = 0; i < iters; i++) {
      const q = byCode[keys[i % keys.length]];
      await client.query({ name: q.name, text: q.text, values: [q.value] });
    }
    const lookup = ((performance.now() - t) * 1000) / iters;

    const among = async () => {
      const p = await client.query({
        name: 'ptp_among',
        text: `SELECT DISTINCT ON (column1, column2) column1, column2, modifier_indicator, rationale, deletion_date
               FROM ptp WHERE column1 = ANY($1) AND column2 = ANY($1) AND (deletion_date IS NULL OR deletion_date >= $2)
               ORDER BY column1, column2, deletion_date`,
        values: [TEN, DOS],
      });
      await client.query({ name: 'mue_among', text: 'SELECT * FROM mue WHERE code = ANY($1)', values: [TEN] });
      await client.query({
        name: 'aoc_among',
        text: 'SELECT * FROM addon WHERE addon_code = ANY($1) AND eff <= $2 AND (del IS NULL OR del >= $2)',
        values: [TEN, DOS],
      });
      return p.rowCount ?? 0;
    };
    const count = await among();
    t = performance.now();
    for (let i = 0; i < 1000; i++) await among();
    const amongUs = ((performance.now() - t) * 1000) / 1000;
    return { rows: n, loadS, lookup, among: amongUs, amongCount: count };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client.end();
  }
}

const args = process.argv.slice(2);
const gz = fs.readdirSync(DEFAULT_CODESET_DIR).filter((f) => f.endsWith('.gz'));
const shippedMB = gz.reduce((s, f) => s + fs.statSync(path.join(DEFAULT_CODESET_DIR, f)).size, 0) / 1e6;
console.log(`Knowledge-base benchmark (${process.version}, ${(await import('node:os')).cpus().length} CPUs)`);
console.log(`shipped tables: ${gz.length} files, ${fmt(shippedMB)} MB compressed`);

const cold = coldLoads(3);
console.log(
  `cold load, fresh process (median of 3): ${fmt(median(cold.map((c) => c.ms)), 0)} ms [goal ≤ 1000]; ` +
    `RSS +${fmt(median(cold.map((c) => c.rssDeltaMB)), 0)} MB [goal ≤ 200]; process start to loaded ${fmt(median(cold.map((c) => c.sinceStartMs)), 0)} ms (incl. type stripping)`,
);

const kb = await loadKnowledgeBase({ importDir: noImports });
const mem = memoryBench(kb);
console.log(
  `in memory: lookup ${fmt(mem.lookup, 3)} µs/code [goal < 2]; ptp(a, b) ${fmt(mem.ptp, 3)} µs/pair; editsAmong(10 codes) ${fmt(mem.among, 2)} µs [goal < 50] (${mem.amongCount} active PTP edits)`,
);
const ans = answerBench(kb);
console.log(
  `answer lookups: feeSchedule ${fmt(ans.fee, 3)} µs; mue by setting ${fmt(ans.mueOph, 3)} µs; ICD-10-CM across 2026-10-01 ${fmt(ans.icdYears, 3)} µs/code [goal < 2]; ` +
    `excludesAmong(6 dx) ${fmt(ans.excludes, 2)} µs; dosageUnit ${fmt(ans.dosage, 3)} µs; guidance query ${fmt(ans.guidance, 2)} µs [goal < 100: one per draft at ≥ 1,000 drafts/s]`,
);

if (!args.includes('--no-pg')) {
  const i = args.indexOf('--pg-url');
  try {
    const p = await pgBench(i >= 0 ? args[i + 1] : process.env.KB_BENCH_PG_URL);
    console.log(
      `PostgreSQL baseline (indexed, ${p.rows.toLocaleString('en-US')} PTP rows loaded in ${fmt(p.loadS, 1)} s): lookup ${fmt(p.lookup, 1)} µs/code; edits among 10 codes ${fmt(p.among, 1)} µs (3 queries, ${p.amongCount} PTP rows)`,
    );
    console.log(`ratio (PostgreSQL / in memory): lookup ×${fmt(p.lookup / mem.lookup, 0)}; edits among 10 ×${fmt(p.among / mem.among, 0)}`);
  } catch (err) {
    console.log(`PostgreSQL baseline skipped: ${(err as Error).message}`);
  }
}
