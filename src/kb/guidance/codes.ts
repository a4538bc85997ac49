// Code-shaped tokens in guidance text: CPT/HCPCS (20610, 0213T, J1885) and ICD-10-CM (E11.65, Z79.4,
// E11.-, O24.4-), single or as ranges (64490-64495, E08-E13, A00.0 through T88.9). Pure and linear:
// one global regex pass; a `known` predicate keeps only real codes (page numbers and Federal
// Register citations look like codes too).

export type GuidanceCodeSystem = 'CPT/HCPCS' | 'ICD-10-CM';

export interface FoundCodes {
  /** As printed (ICD-10-CM dotted, wildcards without their "-"). */
  codes: string[];
  ranges: [string, string][];
}

const TOKEN = /\b(?:\d{4}[0-9FTUM]|[A-V]\d{4}|[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b/g;
const JOIN = /^(?:\s?[-–]\s?| through | to )$/;

export function systemOf(token: string): GuidanceCodeSystem {
  return /^(?:\d{4}[0-9FTUM]|[A-V]\d{4})$/.test(token) ? 'CPT/HCPCS' : 'ICD-10-CM';
}

export function extractCodes(text: string, known: (code: string, system: GuidanceCodeSystem) => boolean): FoundCodes {
  const tokens: { code: string; at: number; end: number; system: GuidanceCodeSystem }[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const code = m[0];
    const system = systemOf(code);
    // "Rev. 13774", "74 FR 61901": numbers that are not codes.
    if (/(?:Rev\. |FR )$/.test(text.slice(Math.max(0, m.index - 5), m.index)) || !known(code, system)) continue;
    tokens.push({ code, at: m.index, end: m.index + code.length, system });
  }
  const codes: string[] = [];
  const ranges: [string, string][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const a = tokens[i];
    const b = tokens[i + 1];
    if (b && b.system === a.system && JOIN.test(text.slice(a.end, b.at))) {
      ranges.push([a.code, b.code]);
      i++;
    } else if (!seen.has(a.code)) {
      seen.add(a.code);
      codes.push(a.code);
    }
  }
  return { codes, ranges };
}
