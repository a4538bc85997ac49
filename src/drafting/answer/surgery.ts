// Surgery payment indicators from the Medicare fee schedule: bilateral (50), multiple (51), assistant
// (80/81/82/AS), co-surgeons (62) and the global period (24/25/57/58/78/79), in CMS's own words.
import { describeAssistant, describeBilateral, describeCoSurgeon, describeGlobalDays, describeMultipleProcedure } from '../../kb/pfsMeanings.ts';
import type { FeeScheduleFact } from '../../kb/types.ts';
import { type AnswerInput, type Part, type Verdict, isEm, part } from './types.ts';

const BILATERAL =
  /\bbilat\w*|\bboth\s+(?:sides|knees|ears|eyes|hips|shoulders|feet|hands|wrists|legs|arms)\b|(?:modifier|mod|-)\s?50\b|\b50\s+modifier\b|\bRT\s*(?:\/|and|&)\s*LT\b/i;
const ASSISTANT = /\bassist\w*|\bAS\b|\bmodifiers?\s+8[012]\b|-8[012]\b|\b8[012]\s+modifier\b|\bwith\s+(?:modifier\s+)?8[012]\b/;
const COSURGEON = /\bco-?surg\w*|\btwo\s+surgeons\b|\bmodifier\s+62\b|-62\b|\bw(?:ith|\/)\s*62\b/i;
const GLOBAL = /\bglobal\b|\bpost-?op\w*|\bpostoperative\b|\bweeks?\s+ago\b|\bwks?\s+ago\b|\bdays\s+ago\b|\bmodifier\s+(?:24|58|78|79)\b/i;
const MULTIPLE = /\bmultiple\s+procedures?\b|\bmodifier\s+51\b|-51\b/i;

const BILATERAL_VERDICT: Record<string, Verdict> = { '0': 'no', '1': 'yes', '2': 'no', '3': 'no', '9': 'unknown' };
const ASSISTANT_VERDICT: Record<string, Verdict> = { '0': 'depends', '1': 'no', '2': 'yes', '9': 'unknown' };
const COSURGEON_VERDICT: Record<string, Verdict> = { '0': 'no', '1': 'depends', '2': 'yes', '9': 'unknown' };

const lower = (s: string | null) => (s ? s.charAt(0).toLowerCase() + s.slice(1) : 'see the CMS record layout');

function globalAdvice(f: FeeScheduleFact, ems: string[]): string {
  if (!ems.length || !['010', '090'].includes(f.globalDays)) return '';
  const em = ems.join(', ');
  return ` For ${em} in that period: modifier 24 on ${em} for an unrelated E/M during the postoperative period; 57 for the visit at which the decision for a major (090) surgery is made, the day before or the day of it; 25 for a significant, separate E/M on the day of a minor procedure. A related staged procedure takes 58, a return to the operating room 78, an unrelated procedure 79.`;
}

export function surgeryParts(input: AnswerInput): Part[] {
  const kb = input.kb;
  const fs = kb.feeSchedule ? (code: string) => kb.feeSchedule!(code) : null;
  const q = input.question;
  const fam = new Set(input.families);
  const want = {
    bilateral: BILATERAL.test(q) || fam.has('bilateral'),
    assistant: ASSISTANT.test(q) || fam.has('assistant at surgery'),
    cosurgeon: COSURGEON.test(q),
    global: GLOBAL.test(q),
    multiple: MULTIPLE.test(q),
  };
  if (!Object.values(want).some(Boolean)) return [];
  const procs = input.facts.codes.filter((c) => c.system !== 'ICD-10-CM' && c.known && !isEm(c.code));
  const ems = input.facts.codes.filter((c) => isEm(c.code)).map((c) => c.code);
  if (!fs) {
    return procs.length
      ? [
          part('surgery', 'unknown', `The Medicare fee schedule indicators that decide this are not loaded here.`, {
            notes: [
              'The fee schedule (PFS) indicators are not in the loaded KB: answer bilateral/assistant/co-surgeon/global questions from the PFS relative value file.',
            ],
          }),
        ]
      : [];
  }
  const parts: Part[] = [];
  for (const c of procs) {
    const f = fs(c.code);
    if (!f) continue;
    const facts = [
      {
        text: `${c.code}: global ${f.globalDays}, multiple procedure ${f.multipleProcedure}, bilateral ${f.bilateral}, assistant ${f.assistant}, co-surgeons ${f.coSurgeon}`,
        source: f.source,
      },
    ];
    const basis = [`pfs:${c.code}`];
    if (want.bilateral)
      parts.push(
        part(
          'surgery',
          BILATERAL_VERDICT[f.bilateral] ?? 'unknown',
          `${c.code} has bilateral surgery indicator ${f.bilateral}: ${lower(describeBilateral(f.bilateral))}.`,
          { facts, basis },
        ),
      );
    if (want.assistant)
      parts.push(
        part(
          'surgery',
          ASSISTANT_VERDICT[f.assistant] ?? 'unknown',
          `${c.code} has assistant-at-surgery indicator ${f.assistant} (modifiers 80, 82, or AS for a PA, NP or CNS): ${lower(describeAssistant(f.assistant))}.`,
          { facts, basis },
        ),
      );
    if (want.cosurgeon)
      parts.push(
        part(
          'surgery',
          COSURGEON_VERDICT[f.coSurgeon] ?? 'unknown',
          `${c.code} has co-surgeon indicator ${f.coSurgeon}: ${lower(describeCoSurgeon(f.coSurgeon))}. Each co-surgeon reports the code with modifier 62.`,
          { facts, basis },
        ),
      );
    if (want.global)
      parts.push(
        part(
          'surgery',
          globalAdvice(f, ems) ? 'depends' : null,
          `${c.code} has a global period of ${f.globalDays}: ${lower(describeGlobalDays(f.globalDays))}.${globalAdvice(f, ems)}`,
          { facts, basis },
        ),
      );
    if (want.multiple)
      parts.push(
        part('surgery', null, `${c.code} has multiple procedure indicator ${f.multipleProcedure}: ${lower(describeMultipleProcedure(f.multipleProcedure))}.`, {
          facts,
          basis,
        }),
      );
  }
  return parts;
}
