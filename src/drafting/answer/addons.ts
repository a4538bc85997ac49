// Add-on codes: their required primaries, and whether one is in the question. A range written in the
// question (64490-64495) is read as the codes inside it, so "which are add-ons" gets an answer.
import type { AddOnFact } from '../../kb/types.ts';
import { type AnswerInput, type Part, dosOpts, part } from './types.ts';

const MAX_RANGE = 40;
const MAX_LISTED = 10;

function rangeCodes(from: string, to: string): string[] {
  if (!/^\d{5}$/.test(from) || !/^\d{5}$/.test(to)) return [];
  const a = Number(from),
    b = Number(to);
  if (b <= a || b - a > MAX_RANGE) return [];
  return Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
}

function primaries(a: AddOnFact): string[] {
  return a.primaryCodes.filter((p) => p !== 'CCCCC');
}

export function addOnParts(input: AnswerInput, addOnSource: string): Part[] {
  const parts: Part[] = [];
  const asked = new Set(input.facts.codes.map((c) => c.code));
  const rangeEnds = new Set(input.ranges.flat());
  for (const [from, to] of input.ranges) for (const c of rangeCodes(from, to)) asked.add(c);
  for (const a of input.facts.addOn) {
    // A range's ends are not asked one by one: the range part below says which codes in it are add-ons.
    if (rangeEnds.has(a.addOnCode)) continue;
    // "97598 w/o 97597": a primary named only to say it is absent is not in the question.
    const inQ = primaries(a).filter((p) => asked.has(p) && !new RegExp(String.raw`(?:w\/o|without|no)\s+${p}\b`, 'i').test(input.question));
    const fact = {
      text: `${a.addOnCode}: add-on code, CMS edit type ${a.type}; primary codes: ${primaries(a).slice(0, MAX_LISTED).join(', ')}${primaries(a).length > MAX_LISTED ? ` and ${primaries(a).length - MAX_LISTED} more` : ''}`,
      source: a.source,
    };
    const basis = [`addon:${a.addOnCode}`];
    if (a.type === '2' || a.contractorDefinedPrimaries) {
      parts.push(
        part(
          'add_on',
          'depends',
          `${a.addOnCode} is an add-on code whose primary codes CMS leaves to each Medicare contractor: report it with the primary your contractor lists.`,
          { facts: [fact], basis, notes: [`${a.addOnCode}: type 2 add-on, check the contractor's list of primaries.`] },
        ),
      );
    } else if (inQ.length) {
      parts.push(
        part(
          'add_on',
          'yes',
          `Yes: ${a.addOnCode} is an add-on code and its primary ${inQ.join(', ')} is in your question, so it is reported with it on the same claim (no modifier needed for the add-on itself).`,
          { facts: [fact], basis },
        ),
      );
    } else {
      const list = primaries(a).slice(0, MAX_LISTED);
      parts.push(
        part(
          'add_on',
          a.type === '3' ? 'depends' : 'no',
          `No: ${a.addOnCode} is an add-on code and is not paid alone: report it only with its primary code (${list.join(', ')}${primaries(a).length > MAX_LISTED ? ', ...' : ''}) by the same practitioner on the same date${a.type === '3' ? '; CMS lists some primaries and the contractor may allow others' : ''}.`,
          { facts: [fact], basis },
        ),
      );
    }
  }
  if (input.intents.includes('add_on') || /\badd[\s-]?ons?\b/i.test(input.question)) {
    for (const [from, to] of input.ranges) {
      const codes = rangeCodes(from, to);
      if (!codes.length) continue;
      const addOns = codes.filter((c) => input.kb.lookup(c, dosOpts(input.dos)).known && input.kb.addOn(c, dosOpts(input.dos)));
      const text = addOns.length
        ? `In ${from}-${to}, the add-on codes are ${addOns.join(', ')}; the others are primary codes.`
        : `No code in ${from}-${to} is in the CMS add-on code list.`;
      parts.push(
        part('add_on', null, text, {
          facts: [{ text: `Add-on codes in ${from}-${to}: ${addOns.join(', ') || 'none'}`, source: addOnSource }],
          basis: addOns.map((c) => `addon:${c}`),
          related: addOns,
        }),
      );
    }
  }
  return parts;
}
