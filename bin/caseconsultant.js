#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so no build step sits between a clone and a run.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli.ts');
