// What a CaseConsultant process sets up before it loads its first TypeScript file. bin/caseconsultant.js
// runs it first thing, and scripts/warm-compile-cache.js runs the same, because Node files its compile
// cache under a directory named after the V8 flags in force when the cache is enabled
// (`<dir>/v24.21.0-x64-<V8 cache tag>-<uid>`), and --heap-growing-percent is one of them: a warm step
// that did not set it would fill a directory no part ever reads.
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

/**
 * The project's own compile cache, under node_modules/.cache (found from this file's location, so it
 * is the same whatever the working directory): persistent, unlike the OS temp dir that the
 * system cleans (tmpfiles, reboots), and emptied by every `npm ci`, which deletes node_modules and
 * warms the new cache (`prepare`), so entries for old code never pile up. It is git-ignored with
 * node_modules, and the conventional place for tools' caches. Keys are absolute file paths (Node's
 * "portable" relative keys would survive moving the tree, but the type-stripped code they hold names
 * the path it was made at, so stack traces after a move would point at the old place).
 */
export const PROJECT_COMPILE_CACHE = fileURLToPath(new URL('../node_modules/.cache/caseconsultant/node-compile-cache', import.meta.url));

/**
 * Sets the V8 flags and turns on the compile cache. Returns the directory the cache is read from and
 * written to (with its version subdirectory), or undefined when it is off (NODE_DISABLE_COMPILE_CACHE,
 * or a Node without it).
 */
export function setUpRuntime() {
  // V8 grows the old generation by 1.5-4x its live size before the next full collection, and the
  // processes kept what it grew resident: at 1.2x the poller and the workers peaked 20-60 MB lower in
  // the pipeline bench (README, Memory per process). NODE_OPTIONS refuses this flag, so it is set here,
  // before anything is loaded; V8 reads it at every heap-limit computation.
  v8.setFlagsFromString('--heap-growing-percent=20');
  // V8 optimises hot functions on a background thread by default, and the memory those compilations
  // took from malloc stayed resident: a draft worker grew 15 MB over its first ~800 drafts with it and
  // 4 MB without (the same drafts, CPU per draft within 1%, bench:draft). Optimising on the main thread
  // instead pauses it for each compilation (a few ms, while the process warms up); no part here needs
  // its event loop free to that degree. Read when V8 first optimises, so it can be set here.
  v8.setFlagsFromString('--no-concurrent-recompilation');

  // Compiled code, and the type-stripped source of each .ts file, is cached on disk, so a start whose
  // files are all cached neither compiles them nor loads Node's type stripper (a WebAssembly module,
  // +15-25 MB resident for the process's life; README, Memory per process). With NODE_COMPILE_CACHE
  // set, Node has already turned the cache on in that directory at start-up, and this only reports it.
  if (!module.enableCompileCache) return undefined;
  const { FAILED } = module.constants.compileCacheStatus;
  const result = module.enableCompileCache(process.env.NODE_COMPILE_CACHE ? undefined : PROJECT_COMPILE_CACHE);
  // node_modules not writable for this user (and the directory not made at install): Node's default,
  // the OS temp dir, rather than no cache at all.
  if (result.status === FAILED) module.enableCompileCache();
  return module.getCompileCacheDir();
}
