// CMS PPRRVU file (e.g. PPRRVU2026_Jan_nonQPP.csv): title and notice lines, then a header row with
// HCPCS, MOD, DESCRIPTION, STATUS CODE, ..., PCTC IND, GLOB DAYS, PRE OP, ..., DIAGNOSTIC IMAGING FAMILY
// INDICATOR. Columns are found by name, so a release that adds one (2026: PRIC IND) still reads.
// DESCRIPTION holds CPT short descriptors (AMA-licensed) and is never read.
import type { PfsRowInput } from '../tables/pfs.ts';
import { findHeader, malformed, needCol, type Progress } from './text.ts';

const CODE = /^[A-Z0-9]{5}$/;

export function parsePfs(lines: string[], file: string, progress?: Progress): PfsRowInput[] {
  const h = findHeader(lines, file, (n) => n.includes('hcpcs') && n.includes('mod') && n.some((x) => x.startsWith('globdays')), 'PPRRVU');
  const at = h.index + 1;
  const need = (what: string, test: (n: string) => boolean) => needCol(h, file, what, test);
  const c = {
    code: need('HCPCS', (n) => n === 'hcpcs'),
    mod: need('MOD', (n) => n === 'mod'),
    status: need('STATUS CODE', (n) => n.startsWith('statuscode')),
    pctc: need('PCTC IND', (n) => n.startsWith('pctcind')),
    glob: need('GLOB DAYS', (n) => n.startsWith('globdays')),
    pre: need('PRE OP', (n) => n === 'preop'),
    intra: need('INTRA OP', (n) => n === 'intraop'),
    post: need('POST OP', (n) => n === 'postop'),
    mult: need('MULT PROC', (n) => n.startsWith('multproc')),
    bilat: need('BILAT SURG', (n) => n.startsWith('bilatsurg')),
    asst: need('ASST SURG', (n) => n.startsWith('asstsurg')),
    co: need('CO- SURG', (n) => n.startsWith('cosurg')),
    team: need('TEAM SURG', (n) => n.startsWith('teamsurg')),
    endo: need('ENDO BASE', (n) => n.startsWith('endobase')),
    sup: need('PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES', (n) => n.startsWith('physiciansupervision')),
    img: need('DIAGNOSTIC IMAGING FAMILY INDICATOR', (n) => n.startsWith('diagnosticimagingfamily')),
  };
  const rows: PfsRowInput[] = [];
  const seen = new Set<string>();
  for (let i = at; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const n = i + 1;
    const cells = h.split(lines[i]).map((x) => x.trim());
    const code = (cells[c.code] ?? '').toUpperCase();
    if (!CODE.test(code)) throw malformed(file, n, `code ${JSON.stringify(code)} is not a 5-character HCPCS/CPT code`);
    const modifier = (cells[c.mod] ?? '').toUpperCase();
    const key = `${code} ${modifier}`;
    if (seen.has(key)) throw malformed(file, n, `${code}${modifier ? `-${modifier}` : ''} appears twice`);
    seen.add(key);
    const share = (v: string, what: string) => {
      const x = v === '' ? 0 : Number(v);
      if (!(x >= 0 && x <= 1)) throw malformed(file, n, `${what} ${JSON.stringify(v)} is not a share between 0 and 1`);
      return x;
    };
    const fixed = (v: string, width: number, what: string) => {
      if (v.length !== width) throw malformed(file, n, `${what} ${JSON.stringify(v)} is not ${width} character(s)`);
      return v;
    };
    rows.push({
      code,
      modifier,
      status: fixed(cells[c.status] ?? '', 1, 'status code'),
      globalDays: fixed(cells[c.glob] ?? '', 3, 'global days'),
      preOp: share(cells[c.pre] ?? '', 'pre-op'),
      intraOp: share(cells[c.intra] ?? '', 'intra-op'),
      postOp: share(cells[c.post] ?? '', 'post-op'),
      multipleProcedure: fixed(cells[c.mult] ?? '', 1, 'multiple procedure indicator'),
      bilateral: fixed(cells[c.bilat] ?? '', 1, 'bilateral indicator'),
      assistant: fixed(cells[c.asst] ?? '', 1, 'assistant indicator'),
      coSurgeon: fixed(cells[c.co] ?? '', 1, 'co-surgeon indicator'),
      teamSurgery: fixed(cells[c.team] ?? '', 1, 'team surgery indicator'),
      pcTc: fixed(cells[c.pctc] ?? '', 1, 'PC/TC indicator'),
      endoscopicBase: cells[c.endo] ?? '',
      supervision: fixed(cells[c.sup] ?? '', 2, 'supervision indicator'),
      imagingFamily: fixed(cells[c.img] ?? '', 2, 'imaging family indicator'),
    });
    if (progress && (i & 0xfff) === 0) progress(i, lines.length);
  }
  if (rows.length === 0) throw malformed(file, lines.length, 'no PPRRVU rows after the header');
  return rows;
}
