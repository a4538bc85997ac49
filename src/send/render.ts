// Renders outgoing emails from templates/email/<name>.text.hbs and .html.hbs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates');
const hb = Handlebars.create();
const cache = new Map<string, Handlebars.TemplateDelegate>();
let partialsLoaded = false;

function loadPartials(): void {
  if (partialsLoaded) return;
  const dir = path.join(root, 'partials');
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (f.endsWith('.hbs')) hb.registerPartial(f.replace(/\.hbs$/, ''), fs.readFileSync(path.join(dir, f), 'utf8'));
  }
  // Paragraphs from plain text, escaped: reviewer text never becomes markup.
  hb.registerHelper('paragraphs', (text: string) => {
    const html = String(text ?? '')
      .split(/\n{2,}/)
      .map((p) => `<p>${Handlebars.escapeExpression(p).replace(/\n/g, '<br>')}</p>`)
      .join('\n');
    return new Handlebars.SafeString(html);
  });
  partialsLoaded = true;
}

function template(file: string, noEscape: boolean): Handlebars.TemplateDelegate {
  const key = `${file}:${noEscape}`;
  let t = cache.get(key);
  if (!t) {
    loadPartials();
    t = hb.compile(fs.readFileSync(path.join(root, file), 'utf8'), { noEscape });
    cache.set(key, t);
  }
  return t;
}

export interface RenderedEmail {
  text: string;
  html: string;
}

export function renderEmail(name: string, data: Record<string, unknown>): RenderedEmail {
  return {
    text: template(`email/${name}.text.hbs`, true)(data),
    html: template(`email/${name}.html.hbs`, false)(data),
  };
}
