// CMS MUE CSV (e.g. MCR_MUE_PractitionerServices_Eff_04-01-2026.csv): copyright lines, then
// HCPCS/CPT Code, Practitioner Services MUE Values, MUE Adjudication Indicator, MUE Rationale.
import type { MueRowInput } from '../tables/mue.ts';
import { col, findHeader, malformed, needCol, type Progress } from './text.ts';

const CODE = /^[A-Z0-9]{5}$/;

export function parseMue(lines: string[], file: string, progress?: Progress): MueRowInput[] {
  const h = findHeader(lines, file, (n) => n.some((x) => x.includes('hcpcs') || x.includes('cptcode')) && n.some((x) => x.includes('muevalue')), 'MUE');
  const code = needCol(
    h,
    file,
    'HCPCS/CPT Code',
    (n) => n.includes('hcpcs'),
    (n) => n.includes('cptcode'),
  );
  const value = needCol(h, file, 'MUE Values', (n) => n.includes('muevalue'));
  const mai = needCol(h, file, 'MUE Adjudication Indicator', (n) => n.includes('adjudication'));
  const rat = col(h.names, (n) => n.includes('rationale'));
  const rows: MueRowInput[] = [];
  const seen = new Set<string>();
  for (let i = h.index + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const n = i + 1;
    const cells = h.split(lines[i]);
    const c = (cells[code] ?? '').trim().toUpperCase();
    if (!CODE.test(c)) throw malformed(file, n, `code ${JSON.stringify(c)} is not a 5-character HCPCS/CPT code`);
    if (seen.has(c)) throw malformed(file, n, `code ${c} appears twice`);
    seen.add(c);
    const v = (cells[value] ?? '').trim();
    if (!/^\d+$/.test(v)) throw malformed(file, n, `MUE value ${JSON.stringify(v)} is not a whole number`);
    // CMS writes the indicator with its meaning: "3 Date of Service Edit: Clinical".
    const m = /^([123])\s*(.*)$/.exec((cells[mai] ?? '').trim());
    if (!m) throw malformed(file, n, `MUE adjudication indicator ${JSON.stringify(cells[mai] ?? '')} does not start with 1, 2 or 3`);
    rows.push({ code: c, value: Number(v), mai: m[1], maiDescription: m[2], rationale: rat >= 0 ? (cells[rat] ?? '').trim() : '' });
    if (progress && (i & 0xfff) === 0) progress(i, lines.length);
  }
  if (rows.length === 0) throw malformed(file, lines.length, 'no MUE rows after the header');
  return rows;
}
