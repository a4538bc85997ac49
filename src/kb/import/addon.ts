// CMS add-on code edit file (AOC_V2026Q2-MCR), as a CSV/tab export of the xlsx: add-on code,
// primary code, AOC edit type, add-on and primary code deletion dates, edit effective and
// deletion dates (Julian YYYYDDD in CMS's file; YYYYMMDD accepted), special instruction notes.
import type { AddOnRowInput } from '../tables/addon.ts';
import { parseCmsDate } from '../dates.ts';
import { col, findHeader, malformed, needCol, type Progress } from './text.ts';

const CODE = /^[A-Z0-9]{5}$/;

export function parseAddOn(lines: string[], file: string, progress?: Progress): AddOnRowInput[] {
  const isAddOn = (n: string) => n.startsWith('addon') || (n.startsWith('aoc') && !n.includes('type') && !n.includes('del') && !n.includes('eff'));
  const h = findHeader(lines, file, (n) => n.some(isAddOn) && n.some((x) => x.startsWith('primary')), 'add-on code');
  const names = h.names;
  const addOn = needCol(h, file, 'Add-on Code', (n) => n === 'addoncode' || n === 'aoc' || n === 'aoccode', isAddOn);
  const primary = needCol(
    h,
    file,
    'Primary Code',
    (n) => n === 'primarycode',
    (n) => n.startsWith('primary') && !n.includes('del'),
  );
  const type = needCol(h, file, 'AOC Edit Type', (n) => n.includes('type'));
  const isDel = (n: string) => n.includes('del');
  const addOnDel = col(
    names,
    (n) => isAddOn(n.replace(/del.*/, '')) && isDel(n) && !n.includes('edit'),
    (n) => n.startsWith('addon') && isDel(n),
  );
  const primaryDel = col(names, (n) => n.startsWith('primary') && isDel(n));
  const eff = needCol(
    h,
    file,
    'AOC Edit Effective Date',
    (n) => n.includes('edit') && n.includes('eff'),
    (n) => n.includes('eff'),
  );
  const editDel = needCol(h, file, 'AOC Edit Deletion Date', (n) => n.includes('edit') && isDel(n));
  const notes = col(names, (n) => n.includes('note') || n.includes('instruction'));
  const date = (cells: string[], i: number, n: number, what: string): number | null => {
    if (i < 0) return null;
    const t = (cells[i] ?? '').trim();
    if (t === '' || t === '*') return null;
    const d = parseCmsDate(t);
    if (d === null) throw malformed(file, n, `${what} ${JSON.stringify(t)} is not a Julian YYYYDDD or YYYYMMDD date`);
    return d;
  };
  const rows: AddOnRowInput[] = [];
  for (let i = h.index + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const n = i + 1;
    const cells = h.split(lines[i]);
    const a = (cells[addOn] ?? '').trim().toUpperCase();
    const p = (cells[primary] ?? '').trim().toUpperCase();
    if (!CODE.test(a)) throw malformed(file, n, `add-on code ${JSON.stringify(a)} is not a 5-character HCPCS/CPT code`);
    if (!CODE.test(p)) throw malformed(file, n, `primary code ${JSON.stringify(p)} is not a 5-character code or CCCCC`);
    const t = (cells[type] ?? '').trim();
    if (!/^[123]$/.test(t)) throw malformed(file, n, `AOC edit type ${JSON.stringify(t)} is not 1, 2 or 3`);
    rows.push({
      addOnCode: a,
      primaryCode: p,
      type: t,
      effective: date(cells, eff, n, 'edit effective date'),
      deletion: date(cells, editDel, n, 'edit deletion date'),
      addOnDeletion: date(cells, addOnDel, n, 'add-on code deletion date'),
      primaryDeletion: date(cells, primaryDel, n, 'primary code deletion date'),
      notes: notes >= 0 ? (cells[notes] ?? '').trim() : '',
    });
    if (progress && (i & 0xfff) === 0) progress(i, lines.length);
  }
  if (rows.length === 0) throw malformed(file, lines.length, 'no add-on rows after the header');
  return rows;
}
