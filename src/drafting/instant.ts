// Instant facts for the acknowledgement (a plan setting, off by default): the table facts the draft
// rests on, with their sources, marked preliminary. Never the direct answer or the reviewer notes: the
// answer waits for a certified coder, only what the public tables say is sent at once.
import type { DraftResult } from './draft.ts';

export interface InstantFacts {
  groups: Array<{ source: string; lines: string[] }>;
}

const MAX_LINES = 12;

/** The facts of a draft grouped under their table, or null when it states none. */
export function instantFacts(result: Pick<DraftResult, 'facts'>): InstantFacts | null {
  const groups = new Map<string, string[]>();
  let n = 0;
  for (const f of result.facts) {
    if (n++ >= MAX_LINES) break;
    groups.set(f.source, [...(groups.get(f.source) ?? []), f.text]);
  }
  return groups.size ? { groups: [...groups.entries()].map(([source, lines]) => ({ source, lines })) } : null;
}
