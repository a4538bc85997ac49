// Removes AMA CPT descriptor text that the NCCI Policy Manual quotes, keeping CMS's own words:
// "CPT code 58263 (Vaginal hysterectomy, ...)" becomes "CPT code 58263"; a quoted CPT modifier or
// code definition becomes CPT_OMITTED. Linear: one pass for codes, one regex per quote form.

export const CPT_OMITTED = '[CPT descriptor omitted: AMA licence]';

/** A CPT/HCPCS code, optionally a range "22532-22534", at a word boundary. */
const CODE_OR_RANGE = /\b(?:\d{4}[0-9FTUM]|[A-V]\d{4})(?:\s?[-–]\s?(?:\d{4}[0-9FTUM]|[A-V]\d{4}))?\b/g;

/** Index just past the ")" that closes the "(" at `open`, or -1 when it never closes. */
function closeOf(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Drops every parenthesised group that directly follows a code or range (a descriptor in the flagged rows). */
export function dropDescriptorsAfterCodes(text: string): { text: string; dropped: string[] } {
  const out: string[] = [];
  const dropped: string[] = [];
  let from = 0;
  CODE_OR_RANGE.lastIndex = 0;
  for (let m = CODE_OR_RANGE.exec(text); m; m = CODE_OR_RANGE.exec(text)) {
    let at = m.index + m[0].length;
    while (text[at] === ' ') at++;
    if (text[at] !== '(') continue;
    // A quotation CMS left unbalanced ("(Refilling ... systemic (e.g., intravenous, intra-arterial)")
    // ends at its first ")"; with none at all the text stays as it is.
    let end = closeOf(text, at);
    if (end < 0) end = text.indexOf(')', at) + 1;
    if (end <= 0) continue;
    out.push(text.slice(from, m.index + m[0].length));
    dropped.push(text.slice(at, end));
    from = end;
    CODE_OR_RANGE.lastIndex = end;
  }
  out.push(text.slice(from));
  return { text: out.join(''), dropped };
}

/** The CPT quotations of a flagged NCCI paragraph removed; the rest as CMS wrote it. */
export function stripCptText(text: string): string {
  let t = dropDescriptorsAfterCodes(text).text;
  // "defines modifier 59 as follows: Modifier 59: Distinct Procedural Service: ..." runs to the paragraph's end.
  t = t.replace(/(defines modifier \d{2} as follows:).*$/, `$1 ${CPT_OMITTED}`);
  t = t.replace(/(defines modifier \d{2} as)(?: an?)? “[^”]*”/g, `$1 ${CPT_OMITTED}`);
  t = t.replace(/(CPT code \w{5} describes) “[^”]*”/g, `$1 ${CPT_OMITTED}`);
  // A quoted CPT instruction or descriptor ("which states: “Do not report ...”"); one-word quotes stay.
  t = t.replace(/(states:?) “[^”]{20,}”/g, `$1 ${CPT_OMITTED}`);
  return t;
}
