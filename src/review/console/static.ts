// /static: the console's stylesheet and script, served as files (the CSP allows no inline script).
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_DIR } from './views.ts';

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };

export function registerStatic(app: FastifyInstance): void {
  const dir = path.join(CONSOLE_DIR, 'static');
  // A fixed list read at start-up: no path from the request ever reaches the file system.
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const type = TYPES[path.extname(f)];
    if (type) files.set(f, { body: fs.readFileSync(path.join(dir, f)), type });
  }
  app.get('/static/:file', async (req, reply) => {
    const f = files.get((req.params as { file: string }).file);
    if (!f) return reply.code(404).type('text/plain').send('not found');
    return reply.type(f.type).header('cache-control', 'public, max-age=300').send(f.body);
  });
}
