// Codes that are deleted, terminated or unknown, said plainly; public HCPCS meanings; coverage and
// questions with no code, where the answer lies outside the public tables.
import { type AnswerInput, type Part, part, sourceName } from './types.ts';

const COVERAGE = /\bcover(?:ed|age|s)?\b|\blcds?\b|\bncds?\b|\bmedical\s+necessity\b|\bprior\s+auth|\bpre-?auth|\bfrequency\s+limit|\bpolicy\b/i;

// Fee schedule statuses that decide a Medicare answer whatever the edits say (the rest, A, C, E, X..., do not).
const MEDICARE_STATUS: Record<string, string> = {
  I: 'not valid for Medicare: Medicare uses another code for reporting and payment',
  B: 'bundled: Medicare makes no separate payment for it',
  N: 'not covered by Medicare',
};

export function statusParts(input: AnswerInput): Part[] {
  const parts: Part[] = [];
  const procs = input.facts.codes.filter((c) => c.system !== 'ICD-10-CM');
  const kb = input.kb;
  for (const c of procs.slice(0, 8)) {
    const f = c.known && kb.feeSchedule ? kb.feeSchedule(c.code) : null;
    const meaning = f ? MEDICARE_STATUS[f.status] : undefined;
    if (!f || !meaning) continue;
    parts.push(
      part('status', 'depends', `For Medicare, ${c.code} has fee schedule status ${f.status}: ${meaning}. Other payers may pay it under their own rules.`, {
        basis: [`pfs:${c.code}`],
        facts: [{ text: `${c.code}: PFS status ${f.status}`, source: f.source }],
        notes: [`${c.code} has PFS status ${f.status} (${meaning}): say which payer the answer is for.`],
      }),
    );
  }
  for (const c of procs) {
    const info = c.info;
    if (!info.known) {
      parts.push(
        part(
          'status',
          'unknown',
          `${c.code} is not found in the ${c.system} code sets or the CMS tables loaded here: it may be mistyped, deleted, or not a real code. Please check the number.`,
          {
            basis: [`unknown:${c.code}`],
            notes: [`${c.code} is not in the loaded code sets: confirm the number with the sender.`],
          },
        ),
      );
    } else if (!info.activeOnDos) {
      parts.push(
        part(
          'status',
          'no',
          `No: ${c.code} was terminated${info.terminationDate ? ` on ${info.terminationDate}` : ''} and is not valid for ${input.dos ? 'your date of service' : 'services today'}.`,
          {
            basis: [`code:${c.code}`],
            facts: [{ text: `${c.code}: terminated ${info.terminationDate ?? ''}`.trim(), source: sourceName(info) }],
          },
        ),
      );
    } else if (input.intents.includes('meaning')) {
      if (c.description)
        parts.push(
          part('status', null, `${c.code} (${c.system === 'CPT' ? 'CPT, licensed file' : c.system}): ${c.description}.`, {
            basis: [`code:${c.code}`],
            facts: [{ text: `${c.code}: ${c.description}`, source: sourceName(info) }],
          }),
        );
      else
        parts.push(
          part('status', null, `${c.code} is a CPT code listed in the CMS tables; its descriptor is AMA-licensed and is not reproduced here.`, {
            basis: [`code:${c.code}`],
            limit: `The CPT descriptor of ${c.code} is in the AMA's CPT book.`,
            notes: [`Meaning of ${c.code}: give it from the licensed CPT book in your own words.`],
          }),
        );
    }
  }
  // "payable" or "deny" also ask about edits the tables answer; only coverage words ask the payer's policy.
  if (input.intents.includes('coverage') && COVERAGE.test(input.question)) {
    parts.push(
      part(
        'coverage',
        'unknown',
        `Whether a payer covers or pays for this is set by the payer's policy (for Medicare, the national or local coverage determination and its billing article), not by the code sets or NCCI tables.`,
        {
          limit: "Coverage is decided by the payer's policy.",
          notes: ['Coverage question: answer from the NCD/LCD or the payer policy and name it.'],
        },
      ),
    );
  }
  if (input.facts.codes.length === 0) {
    const mods = [...input.facts.modifiers.map((m) => m.modifier), ...(input.families.includes('X{EPSU}') ? ['XE/XS/XP/XU'] : [])];
    const modText = mods.length
      ? ` Modifier${mods.length > 1 ? 's' : ''} ${mods.join(' and ')}: per the NCCI Policy Manual (Chapter I), 25 goes on a significant, separately identifiable E/M, and 59 or XE/XS/XP/XU goes on the column 2 procedure of a PTP edit with modifier indicator 1; which one fits depends on the codes and the documentation.`
      : '';
    parts.push(
      part(
        'none',
        'unknown',
        `Your question names no CPT, HCPCS or ICD-10-CM code.${modText} If you send the codes and the date of service, we can check them against the CMS tables.`,
        {
          notes: ['No code in the question: answer it directly or ask for the codes.'],
        },
      ),
    );
  }
  return parts;
}
