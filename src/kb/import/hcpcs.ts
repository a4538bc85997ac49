// CMS HCPCS Level II alpha-numeric file (ANWEB), as a tab/CSV export of the xlsx with CMS's
// column names (HCPC, SEQNUM, RECID, LONG DESCRIPTION, SHORT DESCRIPTION, ..., ADD DT,
// ACT EFF DT, TERM DT, ACTION CD) or the snake_case names of shared/data/hcpcs-2025-10.tsv.
import type { HcpcsRowInput } from '../tables/hcpcs.ts';
import { parseCmsDate } from '../dates.ts';
import { col, findHeader, malformed, needCol, type Progress } from './text.ts';

const PROCEDURE = /^[A-Z]\d{4}$/;
const MODIFIER = /^[A-Z0-9]{2}$/;

export function parseHcpcs(lines: string[], file: string, progress?: Progress): HcpcsRowInput[] {
  const h = findHeader(lines, file, (n) => n.some((x) => x === 'hcpc' || x === 'hcpcs' || x === 'code') && n.includes('longdescription'), 'HCPCS');
  const names = h.names;
  const code = needCol(h, file, 'HCPC', (n) => n === 'hcpc' || n === 'hcpcs' || n === 'code');
  const long = needCol(h, file, 'LONG DESCRIPTION', (n) => n === 'longdescription');
  const short = col(names, (n) => n === 'shortdescription');
  const recid = col(names, (n) => n === 'recid');
  const add = needCol(h, file, 'ADD DT', (n) => n === 'adddt' || n === 'adddate');
  const actEff = col(names, (n) => n === 'acteffdt');
  const term = needCol(h, file, 'TERM DT', (n) => n === 'termdt' || n === 'terminationdate');
  const action = col(names, (n) => n === 'actioncd');
  const rows: HcpcsRowInput[] = [];
  const date = (cells: string[], i: number, n: number, what: string): number | null => {
    const t = i < 0 ? '' : (cells[i] ?? '').trim();
    if (t === '') return null;
    const d = parseCmsDate(t);
    if (d === null) throw malformed(file, n, `${what} ${JSON.stringify(t)} is not a YYYYMMDD date`);
    return d;
  };
  for (let i = h.index + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const n = i + 1;
    const cells = h.split(lines[i]);
    const c = (cells[code] ?? '').trim().toUpperCase();
    const rec = recid >= 0 ? (cells[recid] ?? '').trim() : '';
    // RECID 4 and 8 continue the previous code's long description (fixed-width heritage).
    if (rec === '4' || rec === '8') {
      const prev = rows[rows.length - 1];
      if (!prev || prev.code !== c) throw malformed(file, n, `continuation row for ${c} does not follow its code`);
      prev.longDescription = `${prev.longDescription} ${(cells[long] ?? '').trim()}`.trim();
      continue;
    }
    if (!PROCEDURE.test(c) && !MODIFIER.test(c))
      throw malformed(file, n, `code ${JSON.stringify(c)} is neither a HCPCS code (A1234) nor a modifier (2 characters)`);
    rows.push({
      code: c,
      longDescription: (cells[long] ?? '').trim(),
      shortDescription: short >= 0 ? (cells[short] ?? '').trim() : '',
      addDate: date(cells, add, n, 'ADD DT'),
      actionEffectiveDate: date(cells, actEff, n, 'ACT EFF DT'),
      terminationDate: date(cells, term, n, 'TERM DT'),
      actionCode: action >= 0 ? (cells[action] ?? '').trim() : '',
    });
    if (progress && (i & 0xfff) === 0) progress(i, lines.length);
  }
  if (rows.length === 0) throw malformed(file, lines.length, 'no HCPCS rows after the header');
  return rows;
}
