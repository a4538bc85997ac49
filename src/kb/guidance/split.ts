// Splits the plain pdfplumber text of the ICD-10-CM Official Guidelines and of the Medicare Benefit
// Policy Manual chapter 15 into quotable paragraphs with their section numbers and pages. Pure.

export interface Segment {
  /** I.C.4.a for the guidelines, 40.24 for the manual. */
  section: string;
  title: string;
  /** Printed page label(s), '' when the text has none. */
  page: string;
  text: string;
}

/** Lines joined as prose: a line ending in a hyphen joins the next without a space ("ICD-" + "10-CM"). */
function joinLines(lines: string[]): string {
  let out = '';
  for (const l of lines) {
    const t = l.trim();
    if (!t) continue;
    out = out === '' ? t : out.endsWith('-') ? out + t : `${out} ${t}`;
  }
  return out;
}

/** Long runs of text become several paragraphs, cut after a line that ends a sentence. */
function chunk(lines: { text: string; page: number }[], max = 1200): { lines: string[]; pages: number[] }[] {
  const out: { lines: string[]; pages: number[] }[] = [];
  let cur: { lines: string[]; pages: number[] } = { lines: [], pages: [] };
  let size = 0;
  for (const l of lines) {
    cur.lines.push(l.text);
    cur.pages.push(l.page);
    size += l.text.length + 1;
    // Tables (code lists, transmittal history) have no sentence ends: cut them at twice the size.
    if ((size >= max && /[.:;]$/.test(l.text.trim())) || size >= 2 * max) {
      out.push(cur);
      cur = { lines: [], pages: [] };
      size = 0;
    }
  }
  if (cur.lines.some((t) => t.trim())) out.push(cur);
  return out;
}

const pageLabel = (pages: number[], prefix = '') => {
  const ps = pages.filter((p) => p > 0);
  if (ps.length === 0) return '';
  const a = ps[0];
  const b = ps[ps.length - 1];
  return a === b ? `${prefix}${a}` : `${prefix}${a}–${prefix}${b}`;
};

// Heading levels of the guidelines: Section I., A., 1., a., 1), (a). A heading counts only when it
// continues its level's sequence (A after nothing or the letter before), so a wrapped line that
// happens to start with "2. " inside a paragraph is not taken for one.
const LEVELS: { re: RegExp; first: string; next: (v: string) => string }[] = [
  // "Section I. Conventions", not a cross-reference line "Section I.C.19.g.3.a. Transplant ...".
  { re: /^Section (I{1,3}|IV)\.\s+([A-Z].*)$/, first: 'I', next: (v) => ({ I: 'II', II: 'III', III: 'IV' })[v] ?? '' },
  { re: /^([A-Z])\.\s+(.+)$/, first: 'A', next: (v) => String.fromCharCode(v.charCodeAt(0) + 1) },
  { re: /^(\d{1,2})\.\s+(.+)$/, first: '1', next: (v) => String(Number(v) + 1) },
  { re: /^([a-z])\.\s+(.+)$/, first: 'a', next: (v) => String.fromCharCode(v.charCodeAt(0) + 1) },
  { re: /^(\d{1,2})\)\s+(.+)$/, first: '1', next: (v) => String(Number(v) + 1) },
  { re: /^\(([a-z])\)\s+(.+)$/, first: 'a', next: (v) => String.fromCharCode(v.charCodeAt(0) + 1) },
];

export function splitIcdGuidelines(text: string): Segment[] {
  const lines = text.split('\n');
  // The table of contents: from its first dotted-leader line to the body's "Section I." heading.
  const tocStart = lines.findIndex((l) => /\.{5,}/.test(l));
  let bodyStart = -1;
  for (let i = tocStart + 1; i < lines.length && bodyStart < 0; i++) {
    if (/^Section I\. Conventions/.test(lines[i]) && !/\.{5,}/.test(lines[i]) && !/\d\s*$/.test(lines[i])) bodyStart = i;
  }
  const segments: Segment[] = [];
  let page = 1;
  let cur: { section: string; title: string; lines: { text: string; page: number }[] } = { section: 'Introduction', title: 'Introduction', lines: [] };
  const path: string[] = [];
  const last: (string | null)[] = LEVELS.map(() => null);
  const flush = () => {
    for (const c of chunk(cur.lines)) {
      segments.push({ section: cur.section, title: cur.title, page: pageLabel(c.pages), text: joinLines(c.lines) });
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    // "Page N of 121" is the footer of page N: what follows is on page N + 1.
    const pm = /^Page (\d+) of \d+$/.exec(line);
    if (pm) {
      page = Number(pm[1]) + 1;
      continue;
    }
    if (i >= tocStart && i < bodyStart) continue;
    if (line === 'ICD-10-CM Official Guidelines for Coding and Reporting' && i > 0) continue;
    if (/^FY 20\d\d$/.test(line)) continue;
    let heading = false;
    for (let L = 0; L < LEVELS.length && !heading; L++) {
      const m = LEVELS[L].re.exec(line);
      if (!m) continue;
      // A level counts only below an open parent level (a "1." needs a letter above it, ...).
      if (L > 0 && path.length < L) continue;
      const v = m[1];
      const prev = last[L];
      if (v !== LEVELS[L].first && (prev === null || LEVELS[L].next(prev) !== v)) continue;
      flush();
      last[L] = v;
      for (let k = L + 1; k < LEVELS.length; k++) last[k] = null;
      path.length = L;
      path.push(v);
      cur = { section: path.join('.'), title: m[2].trim(), lines: [] };
      heading = true;
    }
    if (!heading) cur.lines.push({ text: line, page });
  }
  flush();
  return segments;
}

/** Chapter 15's sections: "40.24 - Title" followed (within two lines) by a "(Rev. ...)" line. */
export function splitBenefitPolicyCh15(text: string): Segment[] {
  const lines = text.split('\n');
  const segments: Segment[] = [];
  let cur: { section: string; title: string; lines: { text: string; page: number }[] } | null = null;
  const flush = () => {
    if (!cur) return;
    for (const c of chunk(cur.lines)) segments.push({ section: cur.section, title: cur.title, page: `§${cur.section}`, text: joinLines(c.lines) });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const m = /^(\d{1,3}(?:\.\d+)*) - (.+)$/.exec(line);
    const revAt = m ? [1, 2, 3].find((d) => /^\(Rev\./.test(lines[i + d]?.trim() ?? '')) : undefined;
    if (m && revAt !== undefined) {
      flush();
      const titleLines = [m[2], ...lines.slice(i + 1, i + revAt).map((l) => l.trim())];
      cur = { section: m[1], title: joinLines(titleLines), lines: [] };
      i += revAt;
      continue;
    }
    if (!cur) continue; // the table of contents and transmittal list before the first section
    if (/^\(Rev\./.test(line)) continue;
    cur.lines.push({ text: line, page: 0 });
  }
  flush();
  return segments;
}
