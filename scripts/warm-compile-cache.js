#!/usr/bin/env node
// `node scripts/warm-compile-cache.js` (npm's `prepare`, so every `npm ci` runs it; also `npm run
// warm`): puts every runtime module (src/**/*.ts, workers/**/*.ts) into the compile cache the parts
// read (bin/runtime.js), type-stripped and compiled, so that no part ever starts on a cold cache: the
// first .ts file a process finds uncached loads Node's type stripper, a WebAssembly module that then
// stays resident for the process's life (+15-25 MB; README, Memory per process).
//
// It must not run the modules: src/cli.ts parses argv at the top level and others open things. So it
// imports one entry module that statically imports every file and also a name that does not exist.
// Node's loader fetches and translates the whole graph first (reads each file, strips its types,
// compiles it: each step makes its cache entry) and only then instantiates it; instantiation fails
// on the missing name, and nothing is evaluated. Any other failure (a syntax error, a missing file or
// package) is a real one and fails the script. Plain JS, so that it needs no type stripping itself.
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setUpRuntime } from '../bin/runtime.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNTIME_DIRS = ['src', 'workers'];
// The name the entry imports but nothing exports: the expected failure, told apart from real ones.
const STOP = 'compileCacheWarmStop';

if (!process.features.typescript) {
  // This node cannot run the project at all (bin/caseconsultant.js refuses it with the reason); an
  // install with it should not fail for that.
  console.log(`compile cache: not warmed, Node ${process.version} has no type stripping`);
  process.exit(0);
}
const t0 = performance.now();
const dir = setUpRuntime();
if (!dir) {
  console.log('compile cache: off (NODE_DISABLE_COMPILE_CACHE), nothing to warm');
  process.exit(0);
}

const files = RUNTIME_DIRS.flatMap((d) =>
  fs
    .readdirSync(path.join(root, d), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(root, d, f)),
).sort();

// A data: module may import absolute file: URLs and other data: modules; nothing is written to disk.
const entry = [...files.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};`), `import { ${STOP} } from 'data:text/javascript,export{}';`].join('\n');
let evaluated = false;
try {
  await import(`data:text/javascript,${encodeURIComponent(entry)}`);
  evaluated = true;
} catch (err) {
  if (!(err instanceof SyntaxError && err.message.includes(`does not provide an export named '${STOP}'`))) throw err;
}
// Cannot happen while the entry imports a missing name; if Node ever linked it anyway, the modules ran.
if (evaluated) throw new Error('compile cache warm: the module graph was evaluated instead of stopping at link');

// Node writes the cache at exit anyway; written here, the time printed includes the writing.
module.flushCompileCache?.();
console.log(`compile cache: ${files.length} modules warmed in ${Math.round(performance.now() - t0)} ms, ${dir}`);
