// HTML -> readable text for HTML-only mail. Links keep their text only: URLs are identifiers (PHI
// rule) and add nothing to a coding question.
import { convert } from 'html-to-text';
import { ANALYSED_TEXT_MAX } from './bound.ts';
import { nestingDepth, stripHtml } from './html-strip.ts';

const OPTIONS = {
  wordwrap: false as const,
  preserveNewlines: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    { selector: 'blockquote', options: { trimEmptyLines: true } },
  ],
  // pathological nesting (mailparser htmllargecallstack) must not blow the stack
  limits: { maxDepth: 200, maxChildNodes: 5000, ellipsis: '...' },
};

// what OPTIONS skips, for the stripper (script, style and head it skips itself)
const STRIP_SKIP = ['img'];

/**
 * HTML larger than this, or nested deeper than CONVERT_MAX_DEPTH, is read by the linear stripper, not
 * html-to-text: htmlparser2 is quadratic in nesting depth and html-to-text costs ~90 ms per 64 KB.
 */
export const HTML_CONVERT_MAX = 48 * 1024;
const CONVERT_MAX_DEPTH = 100;
/** HTML beyond this is not read at all: 128 KB of markup usually holds the 32 KB of text analysis reads. */
export const HTML_READ_MAX = 128 * 1024;

export function htmlToPlainText(html: string, extraSkip: string[] = []): string {
  if (html.length <= HTML_CONVERT_MAX && nestingDepth(html, CONVERT_MAX_DEPTH) <= CONVERT_MAX_DEPTH) {
    const options = extraSkip.length
      ? { ...OPTIONS, selectors: [...OPTIONS.selectors, ...extraSkip.map((selector) => ({ selector, format: 'skip' }))] }
      : OPTIONS;
    try {
      return convert(html, options).trim();
    } catch {
      // a converter failure must not lose the message: the stripper reads it
    }
  }
  return stripHtml(html.slice(0, HTML_READ_MAX), [...STRIP_SKIP, ...extraSkip], 2 * ANALYSED_TEXT_MAX);
}
