// Rendering: a private Handlebars instance with the draft templates compiled once. Pure over the
// template sources; templates.ts reads them from disk.
import Handlebars from 'handlebars';
import type { buildView } from './view.ts';

export interface DraftTemplates {
  reply: string;
  partials: Record<string, string>;
}

export type DraftView = ReturnType<typeof buildView>;
export type Renderer = (view: DraftView) => string;

export function createRenderer(t: DraftTemplates): Renderer {
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''));
  for (const [name, src] of Object.entries(t.partials)) hb.registerPartial(name, src);
  // Plain-text drafts: HTML escaping would corrupt descriptions such as "<= 5 mg".
  const reply = hb.compile(t.reply, { noEscape: true, strict: false, preventIndent: false });
  return (view) => tidy(reply(view));
}

function tidy(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

export function replySubject(maskedSubject: string): string {
  const s = maskedSubject.trim() || 'Your coding question';
  return /^re:/i.test(s) ? s : `Re: ${s}`;
}
