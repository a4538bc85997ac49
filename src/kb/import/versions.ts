// A table's version and effective window, from --version or from the names CMS gives its files
// (ccipra_v313r0_f1.txt, MCR_MUE_PractitionerServices_Eff_04-01-2026.csv, AOC_V2026Q2-MCR,
// HCPC2026_JAN_ANWEB, icd10cm_order_2026.txt).
import { todayYmd, ymdToIso, isValidYmd, ymdToDays, daysToYmd } from '../dates.ts';
import type { ImportKind } from './import-kinds.ts';

export interface Window {
  version: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** True when nothing named the version and it fell back to the import date. */
  guessed: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export function lastDayOfQuarter(ymd: number): string {
  const y = Math.floor(ymd / 10000);
  const m = Math.floor(ymd / 100) % 100;
  const next = Math.ceil(m / 3) * 3 + 1;
  const firstOfNext = next > 12 ? (y + 1) * 10000 + 101 : y * 10000 + next * 100 + 1;
  return ymdToIso(daysToYmd(ymdToDays(firstOfNext) - 1));
}

function fromVersionText(kind: ImportKind, v: string): Omit<Window, 'version' | 'guessed'> | null {
  let m = /(\d{4})-(\d{2})-(\d{2})/.exec(v);
  if (m && isValidYmd(Number(m[1] + m[2] + m[3]))) {
    const ymd = Number(m[1] + m[2] + m[3]);
    return { effectiveFrom: ymdToIso(ymd), effectiveTo: kind === 'icd10cm' || kind === 'cpt' ? null : lastDayOfQuarter(ymd) };
  }
  m = /(\d{4})\s*Q([1-4])/i.exec(v);
  if (m) {
    const ymd = Number(m[1]) * 10000 + ((Number(m[2]) - 1) * 3 + 1) * 100 + 1;
    return { effectiveFrom: ymdToIso(ymd), effectiveTo: lastDayOfQuarter(ymd) };
  }
  m = /FY\s*(\d{4})/i.exec(v);
  if (m) return { effectiveFrom: `${Number(m[1]) - 1}-10-01`, effectiveTo: `${m[1]}-09-30` };
  m = /^(\d{4})-(\d{2})$/.exec(v);
  if (m) {
    const ymd = Number(`${m[1]}${m[2]}01`);
    if (isValidYmd(ymd)) return { effectiveFrom: ymdToIso(ymd), effectiveTo: lastDayOfQuarter(ymd) };
  }
  return null;
}

function versionFromNames(kind: ImportKind, names: string[]): string | null {
  const name = names[0] ?? '';
  let m: RegExpExecArray | null;
  if ((m = /Eff[_-](\d{2})[-_](\d{2})[-_](\d{4})/i.exec(name))) return `${m[3]}-${m[1]}-${m[2]}`;
  if ((m = /_V(\d{4}Q[1-4])/i.exec(name))) return m[1].toUpperCase();
  if ((m = /(?:HCPC|PPRRVU)(\d{4})_([A-Z]{3})/i.exec(name))) {
    const mo = MONTHS.indexOf(m[2].toUpperCase());
    if (mo >= 0) return `${m[1]}-${String(mo + 1).padStart(2, '0')}`;
  }
  if (kind === 'icd10cm' && (m = /(\d{4})/.exec(name))) return `FY${m[1]}`;
  if ((m = /_(v\d{3}r\d)/i.exec(name))) return m[1].toLowerCase();
  return null;
}

export function guessWindow(kind: ImportKind, names: string[], explicit?: string): Window {
  const version = explicit?.trim() || versionFromNames(kind, names);
  if (!version) {
    return { version: `imported ${ymdToIso(todayYmd())}`, effectiveFrom: null, effectiveTo: null, guessed: true };
  }
  const w = fromVersionText(kind, version);
  return { version, effectiveFrom: w?.effectiveFrom ?? null, effectiveTo: w?.effectiveTo ?? null, guessed: false };
}
