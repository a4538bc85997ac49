// Server-rendered pages from templates/console/*.hbs. Handlebars escapes every {{value}}; the
// templates use no triple braces except {{{body}}} in the layout, which is our own rendered page.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { statusLabel } from './labels.ts';

export const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../templates/console');

const hb = Handlebars.create();
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('time', (d: unknown) => {
  if (!d) return '';
  const date = new Date(d as string);
  return Number.isNaN(date.getTime()) ? '' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
});
hb.registerHelper('statusLabel', (s: unknown) => statusLabel(String(s ?? '')));
hb.registerHelper('join', (a: unknown, sep: unknown) => (Array.isArray(a) ? a.join(typeof sep === 'string' ? sep : ', ') : ''));

const cache = new Map<string, Handlebars.TemplateDelegate>();
let partialsLoaded = false;

function template(name: string): Handlebars.TemplateDelegate {
  if (!partialsLoaded) {
    const dir = path.join(CONSOLE_DIR, 'partials');
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (f.endsWith('.hbs')) hb.registerPartial(f.replace(/\.hbs$/, ''), fs.readFileSync(path.join(dir, f), 'utf8'));
    }
    partialsLoaded = true;
  }
  let t = cache.get(name);
  if (!t) {
    t = hb.compile(fs.readFileSync(path.join(CONSOLE_DIR, `${name}.hbs`), 'utf8'), { strict: false });
    // Templates are read once per process; edits show after a restart.
    cache.set(name, t);
  }
  return t;
}

export interface LayoutData {
  title: string;
  user: { id: number; name: string; role: string; isLead: boolean; isAdmin: boolean } | null;
  csrf: string;
  idleMinutes: number;
  nav?: string;
}

export function renderPage(name: string, layout: LayoutData, data: Record<string, unknown>): string {
  const body = template(name)({ ...data, csrf: layout.csrf, me: layout.user });
  return template('layout')({ ...layout, body });
}
