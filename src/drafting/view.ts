// The view the reply template renders: the direct answer first, a stale-table note near the top, what
// public sources cannot settle, the deciding facts grouped under their table (each source once), the
// guidance quoted, and the CPT licence sentence at most once. The date of service is a patient's date:
// the text says "your date of service", never the date itself. Reviewer notes are not in it: they go to
// the console only.
import type { AnswerResult } from './answer/index.ts';
import type { DraftFacts } from './facts.ts';

export type { TableSources } from './answer/index.ts';

export interface ViewInput {
  answer: AnswerResult;
  facts: DraftFacts;
  dos: string | null;
  today: string;
}

export function buildView(input: ViewInput) {
  const { answer, facts } = input;
  const groups = new Map<string, string[]>();
  for (const f of answer.facts) groups.set(f.source, [...(groups.get(f.source) ?? []), f.text]);
  const sources = [...groups.keys()];
  for (const g of answer.guidance) if (!sources.includes(g.source)) sources.push(g.source);
  // The stale-table note follows the first paragraph of the answer, however long the rest is.
  const split = answer.answer.text.indexOf('\n\n');
  return {
    lead: split < 0 ? answer.answer.text : answer.answer.text.slice(0, split),
    rest: split < 0 ? '' : answer.answer.text.slice(split + 2),
    stale: answer.stale.length
      ? `the CMS tables checked for this answer are older than ${input.dos ? 'your date of service' : 'today'}: ${answer.stale.join('; ')}. A later release may differ.`
      : null,
    limits: answer.limits,
    factGroups: [...groups.entries()].map(([source, lines]) => ({ source, lines })),
    guidance: answer.guidance,
    asOf: input.dos ? 'your date of service' : `${input.today} (no date of service was given)`,
    cpt: facts.codes.some((c) => c.system === 'CPT' && c.known && !c.description),
    sources,
  };
}
