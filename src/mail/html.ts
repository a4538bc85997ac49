// HTML -> readable text for HTML-only mail. Links keep their text only: URLs are identifiers (PHI
// rule) and add nothing to a coding question.
import { convert } from 'html-to-text';

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

export function htmlToPlainText(html: string, extraSkip: string[] = []): string {
  const options = extraSkip.length
    ? { ...OPTIONS, selectors: [...OPTIONS.selectors, ...extraSkip.map((selector) => ({ selector, format: 'skip' }))] }
    : OPTIONS;
  try {
    return convert(html, options).trim();
  } catch {
    // a converter failure must not lose the message: fall back to tag stripping
    return html
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/[ \t]+/g, ' ')
      .trim();
  }
}
