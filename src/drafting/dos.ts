// Date of service from the question: "DOS 02/10/2026", "date of service 2026-02-10", "Feb 10, 2026".
// A date next to a DOS phrase wins; otherwise a lone date that is not a birth, invoice or sent date.

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const M = String.raw`(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?`;
const DATE = new RegExp(
  [
    String.raw`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`, // ISO
    String.raw`\b(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4}|\d{2})\b`, // US m/d/y
    String.raw`\b${M}\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`, // Feb 10, 2026
    String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+${M},?\s+(\d{4})\b`, // 10 Feb 2026
  ].join('|'),
  'gi',
);

const DOS_WORDS =
  /\b(?:dos|d\.o\.s\.?|date\s+of\s+service|service\s+date|date\s+of\s+encounter|encounter\s+date|seen\s+on|performed\s+on|visit\s+(?:on|date)|procedure\s+date|surgery\s+date)\b[\s:=\-–(]*(?:was|is|of|on)?[\s:]*$/i;
const NOT_DOS =
  /\b(?:dob|d\.o\.b\.?|born|birth(?:\s*date|day)?|invoice|inv|sent|received|paid|denied\s+on|due|dated|expires?|effective|deleted?)\b[^.\n]{0,15}$/i;

const HEADER_LINE = /^\s*(?:date|sent|received)\s*:/i;

function valid(y: number, mo: number, d: number): string | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1990 || y > 2100) return null;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCMonth() !== mo - 1) return null;
  return dt.toISOString().slice(0, 10);
}

function toIso(m: RegExpMatchArray): string | null {
  if (m[1]) return valid(+m[1], +m[2], +m[3]);
  if (m[4]) {
    const y = m[6].length === 2 ? 2000 + +m[6] : +m[6];
    return valid(y, +m[4], +m[5]);
  }
  if (m[7]) return valid(+m[9], MONTHS[m[7].toLowerCase().slice(0, 3)], +m[8]);
  if (m[10]) return valid(+m[12], MONTHS[m[11].toLowerCase().slice(0, 3)], +m[10]);
  return null;
}

export function parseDateOfService(text: string): string | null {
  const loose: string[] = [];
  for (const m of text.matchAll(DATE)) {
    const iso = toIso(m);
    if (!iso) continue;
    const before = text.slice(Math.max(0, m.index! - 40), m.index!);
    if (DOS_WORDS.test(before)) return iso;
    // Header lines of forwarded or quoted mail carry when it was sent, not when the service was.
    // (the line start is looked for in the 80 characters before: a whole-text lastIndexOf per date
    // was quadratic on a body without line breaks)
    const window = text.slice(Math.max(0, m.index! - 80), m.index!);
    if (HEADER_LINE.test(window.slice(window.lastIndexOf('\n') + 1))) continue;
    if (!NOT_DOS.test(before)) loose.push(iso);
  }
  const distinct = [...new Set(loose)];
  return distinct.length === 1 ? distinct[0] : null;
}

/** Accepts only a real calendar date written YYYY-MM-DD (for --dos and API input). */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return !!m && valid(+m[1], +m[2], +m[3]) === s;
}
