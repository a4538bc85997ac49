// Text-context rules that tell a code from the numbers that look like one (ZIPs, phones, money,
// identifiers). Kept apart from extract.ts so each rule can be tested on its own.

/**
 * Spans [start, end) of phone numbers, money, e-mail addresses and URLs: no code lives inside them.
 * Sorted and merged, so inSpans can binary-search them. Every pattern starts only where its run
 * starts (lookbehinds instead of \b inside runs of digits and commas, or of address characters):
 * otherwise "a.a.a." or "1,1,1," is rescanned from every position and 200 KB takes minutes.
 */
export function blockedSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const patterns = [
    // NANP phones, with optional country code and extension.
    /(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b(?:\s{0,8}(?:x|ext\.?)\s{0,8}\d{1,6})?/gi,
    // International phones written with a leading +.
    // Groups need a separator: "+64634" is an add-on code written with its plus sign, not a phone.
    /\+\d{1,3}(?:[\s.-]\(?\d{1,5}\)?){2,5}/g,
    // Money: $19,083.00, $12001, USD 12001, 12001 dollars.
    /\$\s?\d[\d,]*(?:\.\d+)?/g,
    /\b(?:usd|eur)\s?\d[\d,]*(?:\.\d+)?/gi,
    /(?<![\d,.])\d[\d,]*(?:\.\d+)?\s?(?:dollars|usd)\b/gi,
    /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g,
    /\b(?:https?:\/\/|www\.)\S+/gi,
    // Times such as 10:30 or 14:05:00.
    /\b\d{1,2}:\d{2}(?::\d{2})?\b/g,
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) spans.push([m.index!, m.index! + m[0].length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** True when [start, end) overlaps a span of `spans` (sorted and merged, as blockedSpans returns). */
export function inSpans(spans: Array<[number, number]>, start: number, end: number): boolean {
  // the last span starting before `end`, by binary search: one token costs log(spans), not spans
  let lo = 0;
  let hi = spans.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid][0] < end) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && spans[found][1] > start;
}

// Words after which a number is an identifier, never a code. "case", "order" and "check" are left
// out on purpose: "in this case 99214 was billed" is common in coding questions.
const ID_PREFIX =
  /(?:\b(?:invoice|inv|account|acct|claim|phone|ph|fax|tel|telephone|cell|mobile|mrn|member|subscriber|policy|group|ref|reference|ticket|suite|ste|box|zip|zipcode|postal|npi|tin|ein|ptan|id|icn|dcn|batch|control|ext|extension|routing|usd)\b\.?\s*(?:nos?\.?|nbr|numbers?|num|ids?|code)?\s*[:#.]?\s*|#\s*|\$\s*)$/i;

export function hasIdentifierPrefix(before: string): boolean {
  return ID_PREFIX.test(before);
}

// Two-letter state codes that are also ordinary upper-case words or titles only count after "City,".
const AMBIGUOUS_STATES = new Set(['IN', 'OR', 'ME', 'OK', 'HI', 'ID', 'MD', 'DE', 'CO', 'LA', 'PA', 'MA', 'AS', 'GU', 'MO', 'AL']);
const STATES =
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY GU VI AS MP'.split(
    ' ',
  );
const STATE_NAMES =
  /\b(?:alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming),?\s+$/i;

/** True when the 5-digit number that follows `before` is a ZIP code (after a state). */
export function isZipContext(before: string, after: string): boolean {
  if (/^-\d{4}\b/.test(after)) return true;
  if (STATE_NAMES.test(before)) return true;
  const m = /(?:(,)\s*|\b)([A-Z]{2})\.?,?\s+$/.exec(before);
  if (!m || !STATES.includes(m[2])) return false;
  if (!AMBIGUOUS_STATES.has(m[2])) return true;
  return m[1] === ',';
}

/** Words that say the number next to them is a procedure code even when the KB does not know it. */
const CODE_WORDS = /\b(?:cpt|hcpcs|code|codes|coded|coding|procedure|cat(?:egory)?\s*(?:ii|iii|i)|pla)\b[^.?!\n]{0,40}$/i;
export function saysProcedureCode(before: string): boolean {
  return CODE_WORDS.test(before);
}

const DX_WORDS = /\b(?:icd-?10(?:-?cm)?|dx|diagnos[ie]s|diag|code|codes)\b[^.?!\n]{0,40}$/i;
export function saysDiagnosisCode(before: string): boolean {
  return DX_WORDS.test(before);
}

/** Words that make an adjacent 3-character token something other than a diagnosis (vitamin B12). */
export function isNonCodeWord(before: string): boolean {
  return /\b(?:vitamin|vit|hb|hgb|type|model|version|v|room|rm|bed|gate|flight|apt|unit|level|grade|stage)\s*$/i.test(before);
}
