// The compile-cache warm step (scripts/warm-compile-cache.js): after it, a process started through
// bin/caseconsultant.js finds every .ts file it loads in the cache and never loads Node's type stripper
// (amaro, a WebAssembly module that stays resident: +15-25 MB per process), while the same process on
// an empty cache does load it (so the check can fail). And the warm step runs no module's top level,
// and fails on a file that does not compile.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from '@jest/globals';
import { PART_ENV, PART_NODE_FLAGS } from '../support/processes.ts';

const repo = path.resolve(import.meta.dirname, '..', '..');
const made: string[] = [];
const tmp = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cc-${name}-`));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

// Loaded with --import before the bin: at exit, says on stderr whether the type stripper was loaded.
const PROBE =
  'data:text/javascript,import fs from "node:fs"; process.on("exit", () => fs.writeSync(2, ' +
  '"\\namaro loaded: " + process.moduleLoadList.some((m) => m.includes("internal/deps/amaro")) + "\\n"));';

/** Runs node; `cache` is NODE_COMPILE_CACHE, or null for none (the project's own cache, bin/runtime.js). */
function run(args: string[], cache: string | null, cwd = repo) {
  const { NODE_COMPILE_CACHE: _, ...env } = process.env;
  if (cache) env.NODE_COMPILE_CACHE = cache;
  const r = spawnSync(process.execPath, args, { cwd, env: { ...PART_ENV, ...env }, encoding: 'utf8', timeout: 50_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Warms `cache` for `root` (the project or a copy), returning the script's result. */
const warm = (cache: string | null, root = repo) => run([path.join(root, 'scripts', 'warm-compile-cache.js')], cache, root);

/** `caseconsultant draft` of one fixture (no Redis, no database): cli.ts's static graph plus the
 * knowledge base, mail parsing and drafting modules it imports dynamically, as a draft worker does. */
function draft(cache: string | null) {
  const r = run([...PART_NODE_FLAGS, '--import', PROBE, 'bin/caseconsultant.js', 'draft', '--json', 'fixtures/emails/addon-64484-without-primary.eml'], cache);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.split('\n')[0]).kind, 'question');
  const m = /amaro loaded: (true|false)/.exec(r.stderr);
  assert.ok(m, `no probe line in stderr: ${r.stderr}`);
  return m[1] === 'true';
}

const runtimeFiles = () =>
  ['src', 'workers'].flatMap((d) =>
    fs.readdirSync(path.join(repo, d), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
  );

describe('compile cache warm step', () => {
  it('fills the cache so that a process never loads the type stripper; an empty cache does load it', () => {
    const cache = tmp('compile-cache');
    const r = warm(cache);
    assert.equal(r.status, 0, r.stderr);
    // One line: how many modules, where (the version subdirectory of the cache it was told to use).
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, r.stdout);
    const m = /^compile cache: (\d+) modules warmed in \d+ ms, (.+)$/.exec(lines[0]);
    assert.ok(m, lines[0]);
    assert.equal(Number(m[1]), runtimeFiles().length);
    assert.equal(path.dirname(m[2]), cache);

    assert.equal(draft(cache), false, 'a process started on the warmed cache loaded the type stripper');
    assert.equal(draft(tmp('compile-cache-empty')), true, 'a process on an empty cache did not load the type stripper: the probe checks nothing');
  });

  it('fills the project cache, the one the parts use without NODE_COMPILE_CACHE', () => {
    // Its directory is named after the V8 flags set before it is enabled (bin/runtime.js), which
    // NODE_COMPILE_CACHE, enabled by Node before any flag is set, does not show. Warming the real
    // cache is what `npm ci` does too.
    const r = warm(null);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /node_modules\/\.cache\/caseconsultant\/node-compile-cache\//);
    assert.equal(draft(null), false, 'a process started on the warmed project cache loaded the type stripper');
  });

  it('runs no module and fails on one that does not compile', () => {
    // A copy of the scripts on a tree of its own: modules whose top level would leave a mark.
    const root = tmp('warm-tree');
    for (const f of ['bin/runtime.js', 'scripts/warm-compile-cache.js']) {
      fs.mkdirSync(path.join(root, path.dirname(f)), { recursive: true });
      fs.copyFileSync(path.join(repo, f), path.join(root, f));
    }
    fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
    fs.mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
    fs.mkdirSync(path.join(root, 'workers'));
    const mark = path.join(root, 'ran');
    fs.writeFileSync(
      path.join(root, 'src', 'a.ts'),
      `import fs from 'node:fs';\nconst n: number = 1;\nfs.writeFileSync(${JSON.stringify(mark)}, String(n));\n`,
    );
    fs.writeFileSync(path.join(root, 'src', 'deep', 'b.ts'), 'export const b: string = "b";\nthrow new Error("b ran");\n');
    fs.writeFileSync(path.join(root, 'src', 'types.d.ts'), 'declare const x: number;\n');
    fs.writeFileSync(path.join(root, 'workers', 'c.ts'), 'import { b } from "../src/deep/b.ts";\nprocess.exit(b.length);\n');
    const cache = path.join(root, 'cache');

    const ok = warm(cache, root);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^compile cache: 3 modules warmed in/);
    assert.equal(fs.existsSync(mark), false, 'the warm step ran a module');

    fs.writeFileSync(path.join(root, 'workers', 'broken.ts'), 'export const x: number = ;\n');
    const broken = warm(cache, root);
    assert.notEqual(broken.status, 0);
    assert.match(broken.stderr, /ERR_INVALID_TYPESCRIPT_SYNTAX/);
    assert.match(broken.stderr, /broken\.ts/);
  });
});
