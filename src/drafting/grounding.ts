// The "nothing invented" check: every code-shaped token in a draft must be a code of the question or
// a code that a cited fact names (edit partners, add-on primaries, billable children, descriptions).
import type { DraftKb, DraftResult } from './draft.ts';

const CODE_SHAPED = /(?<![0-9A-Za-z./@$_-])(?:[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})|[A-Z]\d{4}|\d{4}[0-9FTUM])(?![0-9A-Za-z_])/g;

export function codeShapedTokens(text: string): string[] {
  return [...new Set(text.match(CODE_SHAPED) ?? [])];
}

export function ungroundedCodes(
  result: Pick<DraftResult, 'codes' | 'edits' | 'dateOfService'> &
    Partial<Pick<DraftResult, 'relatedCodes' | 'guidance'>> & { draft: DraftResult['draft'] | null },
  kb: Pick<DraftKb, 'lookup'>,
): string[] {
  if (!result.draft) return [];
  const allowed = new Set<string>();
  const described: string[] = [];
  for (const c of result.codes) {
    allowed.add(c.code);
    if (c.description) described.push(c.description);
    const info = kb.lookup(c.code, result.dateOfService ? { dos: result.dateOfService } : {});
    for (const child of info.billableChildren) allowed.add(child);
  }
  for (const e of result.edits.ptp) allowed.add(e.column1).add(e.column2);
  for (const a of result.edits.addOn) {
    allowed.add(a.addOnCode);
    for (const p of a.primaryCodes) allowed.add(p);
  }
  for (const d of described) for (const t of codeShapedTokens(d)) allowed.add(t);
  // Codes the answer names beyond the question count only when the KB knows them.
  for (const c of result.relatedCodes ?? []) if (kb.lookup(c).known) allowed.add(c);
  // A quoted guidance paragraph names codes of its own: they are the source's words.
  for (const g of result.guidance ?? []) for (const t of codeShapedTokens(g.text)) allowed.add(t);
  return codeShapedTokens(result.draft.text).filter((t) => !allowed.has(t));
}
