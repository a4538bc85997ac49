// The reviewer writes the reply in a small Markdown subset (headings `#`, lists `-` and `1.`,
// paragraphs, **bold**, *italic*, links). It becomes sanitized HTML for the email's HTML part, with
// inline styles (mail clients drop <style> blocks), and readable plain text for the text part.
// Raw HTML typed into the text is shown as text, never passed on as markup.
import { convert } from 'html-to-text';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// breaks: a line break the reviewer typed stays a line break (they write email, not Markdown).
const marked = new Marked({ gfm: true, breaks: true, async: false });
marked.use({
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ text }) => escapeHtml(text),
  },
});

const STYLE: Record<string, string> = {
  h1: 'font-size:20px;line-height:1.3;margin:20px 0 8px;color:#14243d',
  h2: 'font-size:17px;line-height:1.3;margin:20px 0 6px;color:#14243d',
  h3: 'font-size:15px;line-height:1.3;margin:16px 0 4px;color:#14243d',
  h4: 'font-size:14px;margin:12px 0 4px',
  p: 'margin:0 0 12px',
  ul: 'margin:0 0 12px;padding-left:22px',
  ol: 'margin:0 0 12px;padding-left:22px',
  li: 'margin:0 0 4px',
  blockquote: 'margin:0 0 12px;padding:4px 12px;border-left:3px solid #c9d1de;color:#444',
  code: 'font-family:Consolas,Menlo,monospace;font-size:13px',
  table: 'border-collapse:collapse;margin:0 0 12px',
  th: 'border:1px solid #d7dbe3;padding:4px 8px;text-align:left',
  td: 'border:1px solid #d7dbe3;padding:4px 8px',
};

const styled =
  (tag: string): sanitizeHtml.Transformer =>
  (tagName, attribs) => ({ tagName, attribs: { ...attribs, style: STYLE[tag] } });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'p',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'code',
    'pre',
    'blockquote',
    'br',
    'hr',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'del',
  ],
  allowedAttributes: { a: ['href'], ol: ['start'], '*': ['style'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  disallowedTagsMode: 'escape',
  // Headings in a reply stay modest: a reviewer's `#` is a section title, not a banner.
  transformTags: Object.fromEntries(Object.keys(STYLE).map((t) => [t, styled(t)])),
};

/** Sanitized HTML of the reviewer's Markdown, styled inline for mail clients. */
export function markdownToHtml(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown) as string, SANITIZE).trim();
}

const heading = (underline: string) => ({ options: { leadingLineBreaks: 2, trailingLineBreaks: 1 }, format: `underline${underline === '=' ? 1 : 2}` });

/** Plain text of the same: headings underlined, list items with `-` or their number. */
export function htmlToPlain(html: string): string {
  return convert(html, {
    wordwrap: 76,
    formatters: {
      // A heading in plain text: its line, then a rule as long as it (=== for h1, --- below).
      underline1: (elem, walk, builder, options) => underlined(elem, walk, builder, options, '='),
      underline2: (elem, walk, builder, options) => underlined(elem, walk, builder, options, '-'),
    },
    selectors: [
      { selector: 'h1', ...heading('=') },
      { selector: 'h2', ...heading('-') },
      { selector: 'h3', ...heading('-') },
      { selector: 'h4', ...heading('-') },
      { selector: 'ul', options: { itemPrefix: ' - ' } },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  })
    .replace(/^\n+/, '')
    .trimEnd();
}

type Formatter = NonNullable<Parameters<typeof convert>[1]>['formatters'] extends Record<string, infer F> | undefined ? F : never;
function underlined(
  elem: Parameters<Formatter>[0],
  walk: Parameters<Formatter>[1],
  builder: Parameters<Formatter>[2],
  options: Parameters<Formatter>[3],
  rule: string,
): void {
  builder.openBlock({ leadingLineBreaks: options.leadingLineBreaks ?? 2 });
  walk(elem.children, builder);
  builder.closeBlock({
    trailingLineBreaks: options.trailingLineBreaks ?? 1,
    blockTransform: (text: string) => `${text}\n${rule.repeat(Math.min(76, Math.max(...text.split('\n').map((l) => l.length))))}`,
  });
}

export function markdownToPlain(markdown: string): string {
  return htmlToPlain(markdownToHtml(markdown));
}
