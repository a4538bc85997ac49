// Classifying a token as a code. Pure: the only outside knowledge is an optional `knows` callback
// that the knowledge base passes in to settle tokens that fit two systems (E1165: HCPCS or ICD?).
import type { CodeSystem } from './types.ts';

export interface NormalizedCode {
  code: string;
  system: CodeSystem;
}

export type CptCategory = 'I' | 'II' | 'III' | 'PLA' | 'MAAA';

// CMS edit tables also carry 0001A-style vaccine administration codes (Category I) and
// 0002M administrative MAAA codes, so those suffixes count as CPT too.
const CPT = /^\d{4}[0-9FTUMA]$/;
const HCPCS = /^[A-Z]\d{4}$/;
const ICD_UNDOTTED = /^[A-Z]\d[A-Z0-9][A-Z0-9]{0,4}$/;
const ICD_DOTTED = /^([A-Z]\d[A-Z0-9])\.([A-Z0-9]{1,4})$/;

export function cptCategory(code: string): CptCategory | null {
  if (!CPT.test(code)) return null;
  switch (code[4]) {
    case 'F':
      return 'II';
    case 'T':
      return 'III';
    case 'U':
      return 'PLA';
    case 'M':
      return 'MAAA';
    default:
      return 'I';
  }
}

/** ICD-10-CM display form: dot after the category (3rd character) when longer than 3. */
export function dotIcd(undotted: string): string {
  return undotted.length > 3 ? `${undotted.slice(0, 3)}.${undotted.slice(3)}` : undotted;
}

export function undotIcd(code: string): string {
  return code.replace('.', '');
}

/** Every reading a token admits, most likely first when no table settles it. */
export function codeCandidates(raw: string): NormalizedCode[] {
  const s = raw.trim().toUpperCase();
  if (CPT.test(s)) return [{ code: s, system: 'CPT' }];
  const dotted = ICD_DOTTED.exec(s);
  if (dotted) return [{ code: s, system: 'ICD-10-CM' }];
  const out: NormalizedCode[] = [];
  if (HCPCS.test(s)) out.push({ code: s, system: 'HCPCS' });
  if (ICD_UNDOTTED.test(s)) out.push({ code: dotIcd(s), system: 'ICD-10-CM' });
  return out;
}

/**
 * Normalizes and classifies one token. Ambiguous tokens (letter + 4 digits) go to whichever
 * system `knows` confirms, HCPCS when both or neither do (the HCPCS pattern is the stricter one).
 */
export function normalizeCode(raw: string, knows?: (code: string, system: CodeSystem) => boolean): NormalizedCode | null {
  const c = codeCandidates(raw);
  if (c.length === 0) return null;
  if (c.length === 1 || !knows) return c[0];
  if (knows(c[0].code, c[0].system)) return c[0];
  if (knows(c[1].code, c[1].system)) return c[1];
  return c[0];
}

/** Two-character HCPCS Level II modifiers and two-digit CPT modifiers. */
export function normalizeModifier(raw: string): { modifier: string; codeSet: 'HCPCS Level II' | 'CPT Level I' } | null {
  const s = raw.trim().toUpperCase().replace(/^-/, '');
  if (/^\d{2}$/.test(s)) return { modifier: s, codeSet: 'CPT Level I' };
  if (/^[A-Z][A-Z0-9]$|^\d[A-Z]$/.test(s)) return { modifier: s, codeSet: 'HCPCS Level II' };
  return null;
}
