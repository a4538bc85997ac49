// CMS NCCI PTP quarterly files (practitioner ccipra / outpatient hospital ccioph, f1-f4), as the
// tab-delimited .txt CMS ships or a CSV/tab export of the xlsx: copyright lines, then
// Column 1 | Column 2 | * = In existence prior to 1996 | Effective Date | Deletion Date | Modifier | PTP Edit Rationale.
import type { PtpBuilder } from '../tables/ptp.ts';
import { parseCmsDate } from '../dates.ts';
import { col, findHeader, malformed, needCol, type Progress } from './text.ts';

const CODE = /^[A-Z0-9]{5}$/;

export function parsePtpInto(builder: PtpBuilder, lines: string[], file: string, progress?: Progress): { maxEffective: number } {
  const h = findHeader(lines, file, (n) => n.some((x) => x.startsWith('column1')) && n.some((x) => x.startsWith('column2')), 'PTP');
  const c1 = needCol(h, file, 'Column 1', (n) => n.startsWith('column1'));
  const c2 = needCol(h, file, 'Column 2', (n) => n.startsWith('column2'));
  const eff = col(
    h.names,
    (n) => n.startsWith('effective'),
    (n) => n.includes('effective'),
  );
  const del = needCol(
    h,
    file,
    'Deletion Date',
    (n) => n.startsWith('deletion'),
    (n) => n.includes('deletion'),
  );
  const mod = needCol(h, file, 'Modifier', (n) => n.startsWith('modifier'));
  const rat = col(h.names, (n) => n.includes('rationale'));
  let maxEffective = 0;
  for (let i = h.index + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const n = i + 1;
    const cells = h.split(line);
    const a = (cells[c1] ?? '').trim().toUpperCase();
    const b = (cells[c2] ?? '').trim().toUpperCase();
    if (!CODE.test(a)) throw malformed(file, n, `column 1 code ${JSON.stringify(a)} is not a 5-character HCPCS/CPT code`);
    if (!CODE.test(b)) throw malformed(file, n, `column 2 code ${JSON.stringify(b)} is not a 5-character HCPCS/CPT code`);
    let effective: number | null = null;
    if (eff >= 0) {
      effective = parseCmsDate(cells[eff] ?? '');
      if (effective === null) throw malformed(file, n, `effective date ${JSON.stringify(cells[eff] ?? '')} is not YYYYMMDD`);
      if (effective > maxEffective) maxEffective = effective;
    }
    const delText = (cells[del] ?? '').trim();
    let deletion: number | null = null;
    if (delText !== '' && delText !== '*') {
      deletion = parseCmsDate(delText);
      if (deletion === null) throw malformed(file, n, `deletion date ${JSON.stringify(delText)} is not YYYYMMDD or *`);
    }
    const m = (cells[mod] ?? '').trim();
    if (m !== '0' && m !== '1' && m !== '9') throw malformed(file, n, `modifier indicator ${JSON.stringify(m)} is not 0, 1 or 9`);
    builder.add({ column1: a, column2: b, deletion, effective, modifierIndicator: m, rationale: rat >= 0 ? (cells[rat] ?? '').trim() : '' });
    if (progress && (i & 0xffff) === 0) progress(i, lines.length);
  }
  progress?.(lines.length, lines.length);
  return { maxEffective };
}
