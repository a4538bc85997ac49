// Reads the draft templates once from templates/draft and templates/partials (the only IO of drafting).
import { readdirSync, readFileSync } from 'node:fs';
import { createRenderer, type Renderer } from './compose.ts';

const ROOT = new URL('../../templates/', import.meta.url);
let cached: Renderer | null = null;

export function loadDraftRenderer(): Renderer {
  if (cached) return cached;
  const partialsDir = new URL('partials/', ROOT);
  const partials: Record<string, string> = {};
  for (const f of readdirSync(partialsDir)) {
    if (f.startsWith('draft-') && f.endsWith('.hbs')) partials[f.slice(0, -4)] = readFileSync(new URL(f, partialsDir), 'utf8');
  }
  cached = createRenderer({ reply: readFileSync(new URL('draft/reply.hbs', ROOT), 'utf8'), partials });
  return cached;
}
