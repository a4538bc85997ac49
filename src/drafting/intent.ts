// What the coder is asking, as a set of intents. Keyword rules over the question plus the shape of
// the codes found; several intents may hold at once, 'other' only when none does.
import type { ExtractedCode } from './extract.ts';

export const INTENTS = ['pair', 'modifier', 'units', 'add_on', 'diagnosis', 'meaning', 'coverage', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

const RULES: Array<[Exclude<Intent, 'other'>, RegExp]> = [
  [
    'pair',
    /\b(?:bundl\w*|ncci|ptp|cci|column\s*[12]|col\s*[12]|together|separately|mutually\s+exclusive|unbundl\w*|inclusive|included\s+in|component\s+of|paired?|both\s+codes|along\s+with|edits?\s+(?:between|with))\b/i,
  ],
  ['modifier', /\b(?:modifiers?|mod|append(?:ed|ing)?)\b/i],
  [
    'units',
    /\b(?:mues?|how\s+many|units?\s+(?:of|for|allowed|per)|\d+\s*units?|units?(?=\s*\?)|x\s?\d{1,3}|max(?:imum)?\s+(?:units|number|allowed)|per\s+(?:day|date\s+of\s+service)|quantity|qty)\b/i,
  ],
  ['add_on', /\b(?:add[\s-]?on|primary\s+(?:code|procedure|service)|stand[\s-]?alone|by\s+itself|on\s+its\s+own)\b/i],
  [
    'diagnosis',
    /\b(?:billable|icd-?10(?:-?cm)?|diagnos[ie]s|dx|specific(?:ity)?|header\s+code|valid\s+(?:code|dx|diagnosis)|7th\s+character|seventh\s+character|placeholder|truncated)\b/i,
  ],
  [
    'meaning',
    /\b(?:what\s+(?:is|are)\s+(?:(?:cpt|hcpcs|code|codes)\s+)*[A-Za-z]?\d\w*|what\s+does\s+(?:(?:cpt|hcpcs|code)\s+)*[A-Za-z]?\d\S*\s+(?:mean|describe|represent)|stand\s+for|descriptors?|descriptions?|meaning\s+of|what\s+\S+\s+is\s+used\s+for|definition)\b/i,
  ],
  [
    'coverage',
    /\b(?:cover(?:ed|age|s)?|reimburs\w*|lcds?|ncds?|medical\s+necessity|prior\s+auth\w*|pre-?auth\w*|denied|denials?|deny|payable|pay\s+for|frequency\s+limit|policy|allowed\s+amount|fee\s+schedule)\b/i,
  ],
];

// Two known procedure codes joined in one sentence ("20610 with 99213", "74177 and 71046 on the same
// date") ask about the pair, unless the question is about an add-on and its primary.
const CODE_LIKE = String.raw`(?:[A-Za-z]\d{4}|\d{4}[0-9A-Za-z])`;
const JOINED = new RegExp(
  String.raw`${CODE_LIKE}[^.?!\n]{0,40}?(?:\b(?:with|and|plus|or|also)\b|&|\+|\/)[^.?!\n]{0,40}?${CODE_LIKE}|\bsame\s+(?:day|date|session|encounter|visit|specimen)\b`,
  'i',
);

export function detectIntents(text: string, codes: ExtractedCode[], modifiers: string[]): Intent[] {
  const out = new Set<Intent>();
  for (const [intent, re] of RULES) if (re.test(text)) out.add(intent);
  const procedures = codes.filter((c) => c.system !== 'ICD-10-CM' && c.known);
  if (modifiers.length > 0) out.add('modifier');
  // A modifier question over several procedure codes is about bypassing the edits between them.
  if (procedures.length >= 2 && !out.has('add_on') && (JOINED.test(text) || out.has('modifier'))) out.add('pair');
  if (codes.some((c) => c.system === 'ICD-10-CM') && procedures.length === 0) out.add('diagnosis');
  if (out.size === 0) out.add('other');
  return INTENTS.filter((i) => out.has(i));
}
