// Jest runs the tests as native ES modules (node --experimental-vm-modules, see scripts/jest.sh);
// @swc/jest only strips the types, so `npm run typecheck` (tsc --noEmit) stays the type check.
// Two projects: `unit` runs its files in parallel; `integration` runs with one worker
// (scripts/jest.sh adds --maxWorkers=1) because its files start servers and processes of their own.

const swc = (syntax) => ['@swc/jest', { jsc: { parser: { syntax }, target: 'es2022' }, sourceMaps: 'inline' }];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc('typescript'),
    // sanitize-html (CommonJS) require()s htmlparser2 and its helpers, which ship only as ES
    // modules; Node itself loads them (require of ES modules), but jest's require() needs them
    // compiled to CommonJS before Node 24.9, and `engines` allows 22.19 (@swc/jest picks CommonJS
    // output for a require()d file by itself).
    '^.+\\.js$': swc('ecmascript'),
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/sanitize-html/node_modules/).*/node_modules/'],
};

/** @type {import('jest').Config} */
export default {
  // Each test file gets a fresh worker process, as under node:test: integration files rely on
  // process-level isolation (env, signal handlers, connections, module state). 0 is jest-worker's
  // "restart after every file"; setting it also keeps jest from running files in its own process
  // (in band). A handle a file leaks dies with its worker, so jest neither hangs nor reports it:
  // `--detectOpenHandles` (which runs in band) is the way to look for one.
  workerIdleMemoryLimit: 0,
  // After the last file the worker is still restarting when jest asks it to quit, and a fresh worker
  // takes over 0.5 s (the default) to start under load; it ran no test, so waiting longer hides no leak.
  workerGracefulExitTimeout: 10_000,
  // Unit tests; the integration project raises it in its setup file.
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-integration.ts'],
    },
  ],
};
