// Where the shipped tables live: <repo>/data/codesets.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_CODESET_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'codesets');
