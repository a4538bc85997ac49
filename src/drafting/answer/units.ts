// Units: the MUE with what its adjudication indicator means, drug dosage units (amount given / billing
// unit of the HCPCS code, with JW/JZ for discarded drug) and the units the question asks for.
import type { MueFact } from '../../kb/types.ts';
import { unitsParagraph } from './guidance.ts';
import { type AnswerInput, type Part, part } from './types.ts';

const MAI_TEXT: Record<string, string> = {
  '1': 'a claim-line edit: units above it on one line are denied; further units on another line need an anatomic modifier or 59/X modifier the documentation supports',
  '2': 'an absolute per-day limit set by policy: units above it on the same date of service are denied and not paid on appeal',
  '3': 'a per-day limit set on clinical grounds: units above it on the same date of service are denied, and can be paid on appeal with documentation',
};

export function maiText(mai: string): string {
  return MAI_TEXT[mai] ?? 'see the CMS MUE file';
}

const MAX_CODES = 20;
// The lookbehind starts a match only where a number starts: without it a long digit run is retried from
// every position (quadratic; a 32 KB run of digits blocked drafting for 1.5 s).
const DOSE = /(?<![\d.])(\d+(?:\.\d+)?)\s?(mg|mcg|ml|cc|gm|g|units?|u)\b/gi;
const UNITS_ASKED = /(?:\bx\s?(\d{1,3})\b|\b(\d{1,3})\s?(?:units?|uos|x)\b)/i;

/** The billing unit of a drug code, as the KB reads it from the HCPCS descriptor (null when it states none). */
function dosageUnit(input: AnswerInput, code: string): { amount: number; unit: string; phrase: string; source: string } | null {
  const kbUnit = input.kb.dosageUnit?.(code);
  return kbUnit ? { ...kbUnit, phrase: /^per\b/i.test(kbUnit.phrase) ? kbUnit.phrase : `per ${kbUnit.amount} ${kbUnit.unit}` } : null;
}

const unitOf = (u: string) => u.toLowerCase().replace(/s$/, '').replace(/^u$/, 'unit').replace(/^cc$/, 'ml').replace(/^gm$/, 'g');
/** Factor that turns an amount in `from` into `to` (g into mg is 1000), or null when they do not convert. */
function factor(from: string, to: string): number | null {
  const [a, b] = [unitOf(from), unitOf(to)];
  if (a === b) return 1;
  const mass: Record<string, number> = { g: 1e6, mg: 1e3, mcg: 1 };
  return a in mass && b in mass ? mass[a] / mass[b] : null;
}

function mueSentence(code: string, m: MueFact): string {
  return `MUE ${m.value} for ${code} (MAI ${m.mai}: ${maiText(m.mai)})`;
}

/** "J3301 x4", "96372 x 5", "36415 *3": the units written right after a code (its modifiers between). */
function unitsWritten(question: string, code: string): number | null {
  const m = new RegExp(String.raw`\b${code}(?:-[0-9A-Za-z]{2}){0,4}\s{0,3}(?:x|\*)\s?(\d{1,3})\b`, 'i').exec(question);
  return m ? Number(m[1]) : null;
}

export function unitParts(input: AnswerInput, mueSource: string): Part[] {
  const parts: Part[] = [];
  const asked = input.intents.includes('units');
  // Each code scans the question once for "CODE xN": a bounded number keeps a hostile list linear.
  const procs = input.facts.codes.filter((c) => c.system !== 'ICD-10-CM' && c.known).slice(0, MAX_CODES);
  const doses = [...input.question.matchAll(DOSE)].map((m) => ({ amount: Number(m[1]), unit: m[2].toLowerCase() }));
  for (const c of procs) {
    const m = input.facts.mue.find((x) => x.code === c.code) ?? null;
    const du = c.system === 'HCPCS' && /^[JQ]\d{4}$/.test(c.code) ? dosageUnit(input, c.code) : null;
    const found = du ? doses.find((d) => factor(d.unit, du.unit) !== null) : undefined;
    const dose =
      found && du ? { amount: found.amount * factor(found.unit, du.unit)!, unit: unitOf(du.unit), said: `${found.amount} ${found.unit}` } : undefined;
    const count = unitsWritten(input.question, c.code);
    // In a list of codes, only the codes with a dose or a unit count written beside them are unit questions.
    const wasteAsked = !!du && input.families.includes('discarded drug');
    const named =
      asked &&
      new RegExp(String.raw`\b(?:mues?|units?|how\s+many)\b[^.?!\n]{0,25}\b${c.code}\b|\b${c.code}\b[^.?!\n]{0,12}\b(?:mues?|units?)\b`, 'i').test(
        input.question,
      );
    if (!dose && count === null && !wasteAsked && !named && (!asked || (procs.length > 1 && !du))) continue;
    const facts = m ? [{ text: `${c.code}: MUE ${m.value}, MAI ${m.mai} (${m.maiDescription}); rationale: ${m.rationale}`, source: m.source }] : [];
    const basis = m ? [`mue:${c.code}`] : [];
    const sentences: string[] = [];
    let over = false;
    if (du && dose) {
      const units = Math.ceil(dose.amount / du.amount - 1e-9);
      const said = unitOf(dose.said.split(' ')[1]) === dose.unit ? `${dose.amount} ${dose.unit}` : `${dose.said} (${dose.amount} ${dose.unit})`;
      sentences.push(
        `${c.code} is billed ${du.phrase}: ${said} is ${units} units${units * du.amount !== dose.amount ? ` (rounded up from ${(dose.amount / du.amount).toFixed(2)})` : ''}.`,
      );
      sentences.push(`From a single-dose vial, report any discarded amount on its own line with modifier JW; when nothing is discarded, add JZ.`);
      facts.push({ text: `${c.code} billing unit: ${du.phrase}`, source: du.source });
      basis.push(`dosage:${c.code}`);
      over = !!m && units > m.value;
      if (m && units > m.value) sentences.push(`That is above the ${mueSentence(c.code, m)}.`);
      else if (m) sentences.push(`It is within the ${mueSentence(c.code, m)}.`);
    } else if (du && input.families.includes('discarded drug')) {
      sentences.push(
        `${c.code} is billed ${du.phrase}. From a single-dose vial, report the discarded amount on its own line with modifier JW (in units of ${du.phrase.replace(/^per\s+/, '')}); when nothing is discarded, add JZ to the administered line.`,
      );
      facts.push({ text: `${c.code} billing unit: ${du.phrase}`, source: du.source });
      basis.push(`dosage:${c.code}`);
    } else if (count !== null && m) {
      over = count > m.value;
      sentences.push(
        count > m.value
          ? `No for ${count} units of ${c.code}: that is above the ${mueSentence(c.code, m)}.`
          : `${count} units of ${c.code} is within the ${mueSentence(c.code, m)}.`,
      );
    } else if (du && asked) {
      sentences.push(`${c.code} is billed ${du.phrase}: divide the amount given by that and round up.`);
      facts.push({ text: `${c.code} billing unit: ${du.phrase}`, source: du.source });
      basis.push(`dosage:${c.code}`);
      if (m) sentences.push(`${mueSentence(c.code, m)}.`);
    } else if (m) {
      const want = UNITS_ASKED.exec(input.question);
      const n = want ? Number(want[1] ?? want[2]) : null;
      over = n !== null && procs.length === 1 && n > m.value;
      if (over) sentences.push(`No for ${n} units: ${mueSentence(c.code, m)}.`);
      else sentences.push(`${mueSentence(c.code, m)}.`);
    } else {
      sentences.push(`${c.code} has no MUE in ${mueSource}: the table sets no per-day unit limit for it.`);
      basis.push(`mue-none:${c.code}`);
    }
    const q = m && asked ? unitsParagraph(input.kb, c.code) : null;
    if (q) basis.push(`guidance:${q.id}`);
    parts.push(part('units', over ? 'no' : null, sentences.join(' '), { facts, basis, guidance: q ? [q] : [] }));
  }
  return parts;
}
