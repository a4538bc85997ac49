// Reading an operator's file into lines, and the delimited-text helpers the CMS formats share.
import fs from 'node:fs/promises';
import zlib from 'node:zlib';
import { AppError, ErrorCodes } from '../../errors.ts';

/** CMS text files are often Windows-1252; fall back to latin1 when the bytes are not UTF-8. */
export async function readLines(file: string): Promise<string[]> {
  let buf = await fs.readFile(file);
  if (file.endsWith('.gz')) buf = zlib.gunzipSync(buf);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    text = new TextDecoder('windows-1252').decode(buf);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split(/\r?\n/);
}

export function malformed(file: string, line: number, why: string): AppError {
  return new AppError(ErrorCodes.KB_FILE_MALFORMED, `${file}: line ${line}: ${why}`);
}

/** One CSV record (RFC 4180 quoting; CMS fields never span lines). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export type Splitter = (line: string) => string[];

export function splitterFor(headerLine: string): Splitter {
  return headerLine.includes('\t') ? (l) => l.split('\t') : splitCsv;
}

/** Header names compared without case, spaces or punctuation: "HCPCS/CPT Code" → "hcpcscptcode". */
export const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface FoundHeader {
  /** 0-based index of the header line. */
  index: number;
  names: string[];
  split: Splitter;
}

/** CMS files open with copyright lines; the header is the first line whose names pass `isHeader`. */
export function findHeader(lines: string[], file: string, isHeader: (names: string[]) => boolean, what: string, maxScan = 60): FoundHeader {
  for (let i = 0; i < Math.min(lines.length, maxScan); i++) {
    if (lines[i].trim() === '') continue;
    const split = splitterFor(lines[i]);
    const names = split(lines[i]).map(squash);
    if (isHeader(names)) return { index: i, names, split };
  }
  throw malformed(file, 1, `no ${what} header row in the first ${maxScan} lines`);
}

/** Index of the first header name that passes one of the tests, tried in order; -1 when none. */
export function col(names: string[], ...tests: ((n: string) => boolean)[]): number {
  for (const t of tests) {
    const i = names.findIndex(t);
    if (i >= 0) return i;
  }
  return -1;
}

/** The header's column named `what` (found by the first test that matches), or a malformed-file error naming the header line (1-based). */
export function needCol(h: FoundHeader, file: string, what: string, ...tests: ((n: string) => boolean)[]): number {
  const i = col(h.names, ...tests);
  if (i < 0) throw malformed(file, h.index + 1, `no "${what}" column in the header`);
  return i;
}

export type Progress = (done: number, total: number) => void;
