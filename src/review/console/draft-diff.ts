// The reviewer's text against the engine's draft, word by word, computed on the server (diff package).
import { diffLines, diffWords, type ChangeObject } from 'diff';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface DraftDiff {
  parts: DiffPart[];
  added: number;
  removed: number;
  /** The texts differ too much to show word by word (the diff gave up at its edit limit). */
  tooLarge: boolean;
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

/**
 * Null when the texts are the same. Word by word while most words stay; a text mostly rewritten reads
 * better line by line (word by word interleaves two unrelated texts). maxEditLength bounds the work
 * on two long, unrelated texts.
 */
export function draftDiff(engine: string, current: string): DraftDiff | null {
  if (engine === current) return null;
  let changes: ChangeObject<string>[] | undefined = diffWords(engine, current, { maxEditLength: 5000 });
  if (changes) {
    const changed = changes.filter((c) => c.added || c.removed).reduce((n, c) => n + words(c.value), 0);
    const same = changes.filter((c) => !c.added && !c.removed).reduce((n, c) => n + words(c.value), 0);
    if (changed > same) changes = diffLines(engine, current, { maxEditLength: 5000 });
  }
  if (!changes) return { parts: [], added: words(current), removed: words(engine), tooLarge: true };
  let added = 0;
  let removed = 0;
  const parts = changes.map((c): DiffPart => {
    if (c.added) added += words(c.value);
    if (c.removed) removed += words(c.value);
    return { kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value };
  });
  return { parts, added, removed, tooLarge: false };
}
