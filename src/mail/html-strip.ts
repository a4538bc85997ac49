// A linear HTML-to-text fallback for HTML that html-to-text must not see: too large, or nested too
// deep. htmlparser2 (under html-to-text) is quadratic in nesting depth (100k nested <div>s: 27 s)
// and html-to-text takes ~90 ms per 64 KB, so hostile or huge HTML is read here instead: one pass,
// every search moves forward, no DOM and no recursion. Plainer output (no table layout), same words.

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
// elements browsers close for you: not counted as nesting
const AUTO_CLOSED = new Set(['p', 'li', 'td', 'th', 'tr', 'option', 'dt', 'dd', 'thead', 'tbody']);
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'tr',
  'li',
  'ul',
  'ol',
  'table',
  'blockquote',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'pre',
  'section',
  'article',
  'header',
  'footer',
  'dt',
  'dd',
]);
const CELL = new Set(['td', 'th']);
const RAW_TEXT = new Set(['script', 'style', 'head', 'title', 'template']);
/** Attributes longer than this are not matched against skip selectors (keeps the matching linear). */
const MAX_TAG = 2000;

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attrs: string;
  /** Index just past the tag's '>'. */
  end: number;
}

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
}

function readTag(html: string, lt: number): Tag | null {
  const gt = html.indexOf('>', lt + 1);
  if (gt < 0) return null;
  let i = lt + 1;
  const closing = html.charCodeAt(i) === 0x2f;
  if (closing) i++;
  let j = i;
  while (j < gt && isNameChar(html.charCodeAt(j))) j++;
  return { name: html.slice(i, j).toLowerCase(), closing, selfClosing: html.charCodeAt(gt - 1) === 0x2f, attrs: html.slice(j, gt), end: gt + 1 };
}

/** Greatest element nesting depth of `html`, counting stops once it exceeds `limit`. Linear. */
export function nestingDepth(html: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let i = html.indexOf('<');
  while (i >= 0 && i < html.length) {
    if (html.startsWith('<!--', i)) {
      const close = html.indexOf('-->', i + 4);
      if (close < 0) break;
      i = html.indexOf('<', close + 3);
      continue;
    }
    const tag = readTag(html, i);
    if (!tag) break;
    if (tag.name && !VOID.has(tag.name) && !AUTO_CLOSED.has(tag.name) && !tag.selfClosing) {
      depth = tag.closing ? Math.max(0, depth - 1) : depth + 1;
      if (depth > max) max = depth;
      if (max > limit) return max;
    }
    i = html.indexOf('<', tag.end);
  }
  return max;
}

interface Selector {
  tag: string | null;
  className: string | null;
  attr: [RegExp, string] | null;
}

const CLASS_ATTR = attrPattern('class');

function attrPattern(name: string): RegExp {
  return new RegExp(`(?:^|\\s)${name}\\s{0,4}=\\s{0,4}(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i');
}

// The subset html.ts uses: ".class", "tag", 'tag[attr="value"]'.
function parseSelector(s: string): Selector {
  const m = /^([a-z0-9]*)(?:\.([\w-]+))?(?:\[([\w-]+)="([^"]*)"\])?$/i.exec(s.trim());
  if (!m) return { tag: s.toLowerCase(), className: null, attr: null };
  return { tag: m[1] ? m[1].toLowerCase() : null, className: m[2] ?? null, attr: m[3] ? [attrPattern(m[3]), m[4]] : null };
}

function attrValue(attrs: string, re: RegExp): string | null {
  const m = re.exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3]) : null;
}

function matches(tag: Tag, sel: Selector): boolean {
  if (sel.tag && sel.tag !== tag.name) return false;
  if (tag.attrs.length > MAX_TAG || (tag.attrs.length < 3 && (sel.className || sel.attr))) return false;
  if (sel.className && !(attrValue(tag.attrs, CLASS_ATTR) ?? '').split(/\s+/).includes(sel.className)) return false;
  if (sel.attr && attrValue(tag.attrs, sel.attr[0]) !== sel.attr[1]) return false;
  return true;
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ndash: '–', mdash: '—', hellip: '…' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/**
 * Text of `html`, skipping script/style/head and elements matching `skip` selectors. Linear; stops
 * reading once it has about `maxText` characters.
 */
export function stripHtml(html: string, skip: string[] = [], maxText = Infinity): string {
  const selectors = skip.map(parseSelector);
  const out: string[] = [];
  const lower = html.toLowerCase();
  let i = 0;
  // while skipping an element: its name and how many of that name are open
  let skipName: string | null = null;
  let skipOpen = 0;
  let length = 0;
  // consecutive line breaks pushed: 100k nested blocks make two, not 100k
  let breaks = 0;
  const pushBreak = (s: string) => {
    if (breaks >= 2) return;
    out.push(s);
    if (s === '\n') breaks++;
  };
  while (i < html.length && length < maxText) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? html.length : lt;
    if (!skipName && textEnd > i) {
      const text = decodeEntities(html.slice(i, textEnd).replace(/[ \t\r\n\f]+/g, ' '));
      out.push(text);
      length += text.length;
      if (text.trim()) breaks = 0;
    }
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag) {
      if (!skipName) out.push(html.slice(lt).replace(/[ \t\r\n\f]+/g, ' '));
      break;
    }
    i = tag.end;
    if (!tag.name) continue;
    if (skipName) {
      if (tag.name === skipName && !VOID.has(tag.name) && !tag.selfClosing) skipOpen += tag.closing ? -1 : 1;
      if (skipOpen <= 0) skipName = null;
      continue;
    }
    if (tag.closing) {
      if (BLOCK.has(tag.name)) pushBreak('\n');
      continue;
    }
    if (RAW_TEXT.has(tag.name) && !tag.selfClosing) {
      const close = lower.indexOf(`</${tag.name}`, i);
      i = close < 0 ? html.length : html.indexOf('>', close) + 1 || html.length;
      continue;
    }
    if (!VOID.has(tag.name) && !tag.selfClosing && selectors.some((s) => matches(tag, s))) {
      skipName = tag.name;
      skipOpen = 1;
      continue;
    }
    if (BLOCK.has(tag.name)) pushBreak('\n');
    else if (CELL.has(tag.name)) pushBreak('\t');
  }
  return out
    .join('')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
