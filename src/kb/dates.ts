// Date forms used by the code sets. PTP rows hold days since 1970 in a Uint16 (fits until 2149) so
// millions of them stay small; other tables keep YYYYMMDD integers, which compare like dates.

const MS_PER_DAY = 86_400_000;

/** 'YYYY-MM-DD' → YYYYMMDD integer; null when the text is not a real calendar date. */
export function isoToYmd(iso: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const ymd = Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
  return isValidYmd(ymd) ? ymd : null;
}

export function isValidYmd(ymd: number): boolean {
  if (!Number.isInteger(ymd)) return false;
  const y = Math.floor(ymd / 10000);
  const mo = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  if (y < 1900 || y > 2148 || mo < 1 || mo > 12 || d < 1) return false;
  // Arithmetic, not a Date: this runs on every lookup with a date of service.
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function ymdToIso(ymd: number): string {
  const s = String(ymd);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

export function ymdToDays(ymd: number): number {
  return Date.UTC(Math.floor(ymd / 10000), (Math.floor(ymd / 100) % 100) - 1, ymd % 100) / MS_PER_DAY;
}

export function daysToYmd(days: number): number {
  const d = new Date(days * MS_PER_DAY);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** CMS add-on files write dates as Julian YYYYDDD. */
export function julianToYmd(julian: string): number | null {
  if (!/^\d{7}$/.test(julian)) return null;
  const y = Number(julian.slice(0, 4));
  const doy = Number(julian.slice(4));
  const daysInYear = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365;
  if (doy < 1 || doy > daysInYear) return null;
  return daysToYmd(Date.UTC(y, 0, 1) / MS_PER_DAY + doy - 1);
}

/** Parses the date spellings found in CMS files: YYYYMMDD, YYYY-MM-DD, MM/DD/YYYY, Julian YYYYDDD. */
export function parseCmsDate(text: string): number | null {
  const t = text.trim();
  if (/^\d{8}$/.test(t)) return isValidYmd(Number(t)) ? Number(t) : null;
  if (/^\d{7}$/.test(t)) return julianToYmd(t);
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(t);
  if (iso) return isoToYmd(`${iso[1]}-${iso[2]}-${iso[3]}`);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (us) {
    const ymd = Number(us[3]) * 10000 + Number(us[1]) * 100 + Number(us[2]);
    return isValidYmd(ymd) ? ymd : null;
  }
  return null;
}

export function todayYmd(now: Date = new Date()): number {
  return now.getFullYear() * 10000 + (now.getMonth() + 1) * 100 + now.getDate();
}
