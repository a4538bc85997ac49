// ICD-10-CM Excludes1/Excludes2 note lines (FY2027 tabular), indexed by where they sit: a code, a
// category, a block ("Block A15-A19") or a chapter ("Chapter 1"). A code's notes are its own and
// its ancestors'; a note covers another code when one of its references holds it.
import type { ExcludesNote } from '../types.ts';
import { encodeTable, column, type DecodedTable, type TableHeader } from '../container.ts';

export interface ExcludesRowInput {
  /** Dotted code, "Block X00-X99" or "Chapter N", as the tabular writes it. */
  at: string;
  type: 'excludes1' | 'excludes2';
  text: string;
  /** Code-shaped references, as printed (A05.-, G20-G25, F10.182). */
  referenced: string[];
}

export interface ChapterRange {
  chapter: number;
  from: string;
  to: string;
}

export function encodeExcludes(header: Omit<TableHeader, 'rows'>, rows: ExcludesRowInput[], chapters: ChapterRange[]): Buffer {
  return encodeTable(
    { ...header, rows: rows.length, meta: { ...header.meta, chapters } },
    {
      at: rows.map((r) => r.at),
      type: Uint8Array.from(rows, (r) => (r.type === 'excludes1' ? 1 : 2)),
      text: rows.map((r) => r.text),
      refs: rows.map((r) => r.referenced.join('; ')),
    },
  );
}

/** An undotted span: a code b is inside when b's first lo.length characters are >= lo and its first hi.length are <= hi. */
export interface RefSpan {
  lo: string;
  hi: string;
}

const undot = (s: string) => s.replace(/[.-]/g, '');

/**
 * "A05.-" and "A18.32" hold their code and everything below it; "G20-G25", "I70.2--I70.7-" and
 * "Z95.811-Z97" hold a range. The range dash is the one followed by a letter or digit.
 */
export function parseReference(ref: string): RefSpan | null {
  const t = ref.trim().toUpperCase();
  let split = -1;
  for (let i = 1; i < t.length - 1; i++) {
    if (t[i] === '-' && /[A-Z0-9]/.test(t[i + 1])) {
      split = i;
      break;
    }
  }
  const lo = undot(split < 0 ? t : t.slice(0, split));
  const hi = split < 0 ? lo : undot(t.slice(split + 1));
  if (!/^[A-Z][0-9][0-9A-Z]{1,5}$/.test(lo) || !/^[A-Z][0-9][0-9A-Z]{1,5}$/.test(hi)) return null;
  return { lo, hi };
}

export function spanHolds(s: RefSpan, undotted: string): boolean {
  return prefixCompare(undotted, s.lo) >= 0 && prefixCompare(undotted, s.hi) <= 0;
}

/** Compares the code's first bound.length characters with the bound, as strings, without slicing (it runs per note and code). */
function prefixCompare(code: string, bound: string): number {
  for (let i = 0; i < bound.length; i++) {
    if (i >= code.length) return -1;
    const d = code.charCodeAt(i) - bound.charCodeAt(i);
    if (d !== 0) return d;
  }
  return 0;
}

/** A note line; its references are parsed the first time a question asks about it. */
class Note {
  private parsed: RefSpan[] | null = null;
  readonly fact: ExcludesNote;
  constructor(fact: ExcludesNote) {
    this.fact = fact;
  }
  get spans(): RefSpan[] {
    return (this.parsed ??= this.fact.referenced.map(parseReference).filter((s): s is RefSpan => s !== null));
  }
}

export class ExcludesTable {
  readonly header: TableHeader;
  readonly source: string;
  private readonly byAt = new Map<string, Note[]>();
  /** Block notes with the block's category span, e.g. A15..A19. */
  private readonly blocks: { span: RefSpan; notes: Note[] }[] = [];
  private readonly chapters: (ChapterRange & { notes: Note[] })[];
  /** Block and chapter notes of a category, found once. */
  private readonly byCategory = new Map<string, Note[]>();

  constructor(t: DecodedTable) {
    this.header = t.header;
    this.source = `${t.header.table} ${t.header.version}`;
    const at = column<string[]>(t, 'at', 'str');
    const type = column(t, 'type', Uint8Array);
    const text = column<string[]>(t, 'text', 'str');
    const refs = column<string[]>(t, 'refs', 'str');
    const chapters = ((t.header.meta as { chapters?: ChapterRange[] } | undefined)?.chapters ?? []).map((c) => ({ ...c, notes: [] as Note[] }));
    this.chapters = chapters;
    const blockIndex = new Map<string, Note[]>();
    for (let i = 0; i < at.length; i++) {
      const referenced = refs[i] ? refs[i].split('; ') : [];
      const note = new Note(
        Object.freeze({ code: at[i], type: type[i] === 1 ? 'excludes1' : 'excludes2', text: text[i], referenced, source: this.source }) as ExcludesNote,
      );
      const a = at[i];
      if (a.startsWith('Chapter ')) {
        chapters.find((c) => c.chapter === Number(a.slice(8)))?.notes.push(note);
      } else if (a.startsWith('Block ')) {
        let list = blockIndex.get(a);
        if (!list) {
          list = [];
          blockIndex.set(a, list);
          const span = parseReference(a.slice(6));
          if (span) this.blocks.push({ span, notes: list });
        }
        list.push(note);
      } else {
        const key = undot(a);
        const list = this.byAt.get(key);
        if (list) list.push(note);
        else this.byAt.set(key, [note]);
      }
    }
  }

  /** Notes that apply to the (undotted) code: its own, its ancestors' up to the category, its block's and its chapter's. */
  notesFor(undotted: string): Note[] {
    const out: Note[] = [];
    for (let n = undotted.length; n >= 3; n--) {
      const list = this.byAt.get(undotted.slice(0, n));
      if (list) out.push(...list);
    }
    const cat = undotted.slice(0, 3);
    let wide = this.byCategory.get(cat);
    if (!wide) {
      wide = [];
      for (const b of this.blocks) if (spanHolds(b.span, cat)) wide.push(...b.notes);
      for (const c of this.chapters) if (cat >= c.from && cat <= c.to) wide.push(...c.notes);
      // At most one entry per category (about 1,900): the block scan runs once per category.
      this.byCategory.set(cat, wide);
    }
    for (const n of wide) out.push(n);
    return out;
  }
}
