// CMS/NCHS ICD-10-CM order file (icd10cm_order_YYYY.txt), fixed width: order number 1-5,
// code 7-13, billable flag 15, short description 17-76, long description 78 to the end.
import type { IcdRowInput } from '../tables/icd.ts';
import { malformed, type Progress } from './text.ts';

const CODE = /^[A-Z]\d[A-Z0-9][A-Z0-9]{0,4}$/;

export function parseIcdOrder(lines: string[], file: string, progress?: Progress): IcdRowInput[] {
  const rows: IcdRowInput[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const n = i + 1;
    if (line.length < 78) throw malformed(file, n, `line is ${line.length} characters; the order file's long description starts at column 78`);
    if (!/^\d{5} $/.test(line.slice(0, 6))) throw malformed(file, n, 'columns 1-5 must hold the order number, followed by a space');
    const code = line.slice(6, 13).trim();
    if (!CODE.test(code)) throw malformed(file, n, `code ${JSON.stringify(code)} (columns 7-13) is not an ICD-10-CM code`);
    const flag = line[14];
    if (flag !== '0' && flag !== '1') throw malformed(file, n, `billable flag (column 15) is ${JSON.stringify(flag)}, not 0 or 1`);
    const description = line.slice(77).trim();
    if (description === '') throw malformed(file, n, 'empty long description');
    rows.push({ code, billable: flag === '1', description });
    if (progress && (i & 0xfff) === 0) progress(i, lines.length);
  }
  if (rows.length === 0) throw malformed(file, 1, 'no ICD-10-CM rows');
  return rows;
}
