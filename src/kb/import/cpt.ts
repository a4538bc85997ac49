// The operator's licensed AMA CPT file: tab-delimited code and long descriptor (LONGULT.txt and kin).
import type { CptRowInput } from '../tables/cpt.ts';
import { malformed, type Progress } from './text.ts';

const CODE = /^\d{4}[0-9FTUMA]$/;

export function parseCpt(lines: string[], file: string, progress?: Progress): CptRowInput[] {
  const rows: CptRowInput[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const n = i + 1;
    const tab = line.indexOf('\t');
    const code = (tab < 0 ? line : line.slice(0, tab)).trim().toUpperCase();
    // Some editions open with a column-name row; only the first line may be one.
    if (rows.length === 0 && i === 0 && !CODE.test(code)) continue;
    if (tab < 0) throw malformed(file, n, 'expected "code<TAB>descriptor"');
    if (!CODE.test(code)) throw malformed(file, n, `code ${JSON.stringify(code)} is not a CPT code`);
    const descriptor = line.slice(tab + 1).trim();
    if (descriptor === '') throw malformed(file, n, `empty descriptor for ${code}`);
    if (seen.has(code)) throw malformed(file, n, `code ${code} appears twice`);
    seen.add(code);
    rows.push({ code, descriptor });
    if (progress && (i & 0xfff) === 0) progress(i, lines.length);
  }
  if (rows.length === 0) throw malformed(file, lines.length, 'no CPT rows');
  return rows;
}
