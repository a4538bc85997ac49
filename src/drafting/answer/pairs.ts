// Pairs of procedure codes: may they be reported together, and if a modifier is needed, which code takes
// it and which family. Guidance that one code includes the other's work outranks the PTP table.
import type { PtpEdit } from '../../kb/types.ts';
import { bundlingParagraph, IMAGING_GUIDANCE, quoteOf, WITH_GUIDANCE } from './guidance.ts';
import { type AnswerInput, type Part, isEm, part } from './types.ts';

const ANATOMIC = /^(?:RT|LT|E[1-4]|F[A1-9]|T[A1-9]|LC|LD|LM|RC|RI)$/;
const DISTINCT = /^(?:59|X[EPSU])$/;
const DECISION = /\bdecision\b|\bdecid/i;
const PREVENTIVE = /^993(?:8[1-7]|9[1-7])$/;
const OFFICE_EM = /^992(?:0[2-5]|1[1-5])$/;
const INCLUDES = /code definition|more extensive|CPT Manual or CMS manual coding instruction/i;

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Pairs the question asks about: every two procedure codes, less range ends and drugs with no edit. */
export function askedPairs(input: AnswerInput): Array<[string, string]> {
  const procs = input.facts.codes
    .filter((c) => c.system !== 'ICD-10-CM' && c.known)
    .map((c) => c.code)
    .slice(0, 8);
  const ranges = new Set(input.ranges.map(([a, b]) => pairKey(a, b)));
  const out: Array<[string, string]> = [];
  for (let i = 0; i < procs.length; i++)
    for (let j = i + 1; j < procs.length; j++) {
      const [a, b] = [procs[i], procs[j]];
      if (ranges.has(pairKey(a, b))) continue;
      // E/M levels of one family listed together (99203, 99204 and 99205) are alternatives, not a pair.
      if (procs.length > 2 && isEm(a) && isEm(b) && a.slice(0, 4) === b.slice(0, 4)) continue;
      out.push([a, b]);
    }
  return out;
}

function modifierAdvice(e: PtpEdit, input: AnswerInput): { verdict: 'yes' | 'depends'; text: string; notes: string[] } {
  const { column1: c1, column2: c2 } = e;
  const mods = new Map(input.facts.codes.map((c) => [c.code, c.modifiers]));
  const on2 = mods.get(c2) ?? [];
  const on1 = mods.get(c1) ?? [];
  const notes: string[] = [];
  let text: string;
  let ok: boolean;
  if (isEm(c2)) {
    const decision = DECISION.test(input.question);
    const mod = decision ? '57' : '25';
    ok = on2.includes('25') || on2.includes('57');
    text = `${c2} is the column 2 code: report it with modifier ${mod} on ${c2}${decision ? ' (the visit where the decision for surgery was made)' : ''}, only when the E/M is significant and separately identifiable from ${c1}. An E/M takes ${decision ? '57 or 25' : '25'}, not 59.`;
    if (on2.some((m) => DISTINCT.test(m)))
      notes.push(`The question puts ${on2.filter((m) => DISTINCT.test(m)).join('/')} on the E/M ${c2}: an E/M takes 25 (or 57), not 59 or an X modifier.`);
  } else {
    ok = on2.some((m) => ANATOMIC.test(m) || DISTINCT.test(m));
    text = `${c2} is the column 2 code and takes the modifier: an anatomic modifier on ${c2} (RT/LT, fingers F1-F9, toes T1-T9, eyelids E1-E4, coronary LC/LD/RC) when the two were done on different sites; otherwise XS (separate structure), XE (separate encounter), XP (separate practitioner) or XU, the specific choices for Medicare, and 59 only when none of them fits. Only when the documentation shows a distinct service.`;
  }
  if (on1.some((m) => DISTINCT.test(m) || m === '25') && !on2.length)
    notes.push(`The question puts ${on1.join('/')} on ${c1}, the column 1 code: the PTP modifier belongs on ${c2}.`);
  if (/mutually exclusive/i.test(e.rationale))
    text += ` The edit's rationale is "mutually exclusive procedures": both are reported only when they were truly separate.`;
  else if (/more extensive|code definition/i.test(e.rationale) && !isEm(c2))
    text += ` On the same site, ${c1} includes ${c2} (edit rationale: ${e.rationale.toLowerCase()}).`;
  const lead = ok
    ? `Yes, ${c1} and ${c2} can be reported together with the modifier as you have it (modifier indicator 1): `
    : `Only with a modifier: ${c1} and ${c2} have an NCCI PTP edit with modifier indicator 1. `;
  return { verdict: ok ? 'yes' : 'depends', text: lead + text, notes };
}

function editPart(e: PtpEdit, input: AnswerInput): Part {
  const { column1: c1, column2: c2 } = e;
  const fact = {
    text: `${c1} (column 1) / ${c2} (column 2): modifier indicator ${e.modifierIndicator}, rationale "${e.rationale}"${e.deletionDate ? `, deleted ${e.deletionDate}` : ''}`,
    source: e.source,
  };
  const basis = [`ptp:${c1}/${c2}`];
  if (e.modifierIndicator === '0') {
    return part(
      'pair',
      'no',
      `No: ${c1} and ${c2} have an NCCI PTP edit with modifier indicator 0. ${c2} (column 2) is not paid with ${c1} on the same date, and no modifier bypasses the edit.`,
      { facts: [fact], basis },
    );
  }
  if (e.modifierIndicator === '9') {
    return part('pair', 'yes', `Yes: the PTP edit between ${c1} and ${c2} has modifier indicator 9 (not applicable), so it does not restrict reporting both.`, {
      facts: [fact],
      basis,
    });
  }
  // Guidance is searched only where it can change the answer: imaging guidance in column 2.
  const paragraph = IMAGING_GUIDANCE.has(c2) ? bundlingParagraph(input.kb, c1, c2) : null;
  if (IMAGING_GUIDANCE.has(c2) && (paragraph || INCLUDES.test(e.rationale))) {
    return part(
      'pair',
      'no',
      `No: ${c1} includes the imaging guidance, so ${c2} is not reported for guiding it (PTP edit rationale: ${e.rationale.toLowerCase()}${paragraph ? `; NCCI Policy Manual ${paragraph.id}` : ''}). A modifier on ${c2} is for guidance of a different, separately reported procedure only.`,
      {
        facts: [fact],
        basis: paragraph ? [...basis, `guidance:${paragraph.id}`] : basis,
        guidance: paragraph ? [paragraph] : [],
      },
    );
  }
  const advice = modifierAdvice(e, input);
  return part('pair', advice.verdict, advice.text, { facts: [fact], basis, notes: advice.notes, guidance: paragraph ? [paragraph] : [] });
}

function siblingPart(proc: string, guide: string, input: AnswerInput): Part | null {
  const s = WITH_GUIDANCE[proc];
  if (!s?.guidance.includes(guide) || !input.kb.lookup(s.code).known) return null;
  const quotes = s.paragraphs.map((id) => quoteOf(input.kb, id)).filter((q) => q !== null);
  return part(
    'guidance',
    'no',
    `No: for this procedure done with ultrasound guidance, report ${s.code} alone, the single code of the family that includes the ultrasound guidance; ${proc} with ${guide} is not the right coding (NCCI Policy Manual ${s.paragraphs.join(' and ')}).`,
    {
      basis: s.paragraphs.map((id) => `guidance:${id}`),
      guidance: quotes,
      related: [s.code],
      notes: [
        `${proc} + ${guide} answered as ${s.code} (the code that includes ultrasound guidance): confirm the guidance was for this injection and is documented with a permanent image.`,
      ],
    },
  );
}

/** Several indicator-1 edits whose column 2 is the same E/M read as one sentence: one modifier covers them. */
function mergeEmParts(parts: Part[], input: AnswerInput): Part[] {
  const byEm = new Map<string, Part[]>();
  const rest: Part[] = [];
  for (const p of parts) {
    const m = p.topic === 'pair' && p.basis.length === 1 ? /^ptp:(\w+)\/(\w+)$/.exec(p.basis[0]) : null;
    if (m && isEm(m[2]) && p.verdict !== 'no' && !/modifier indicator 0/.test(p.text)) byEm.set(m[2], [...(byEm.get(m[2]) ?? []), p]);
    else rest.push(p);
  }
  const out = [...rest];
  for (const [em, group] of byEm) {
    if (group.length === 1) {
      out.push(group[0]);
      continue;
    }
    const others = group.map((p) => p.basis[0].split(/[:/]/)[1]);
    const ok = group.every((p) => p.verdict === 'yes');
    const mod = DECISION.test(input.question) ? '57' : '25';
    const text = `${ok ? 'Yes' : 'Only with a modifier'}: ${em} is the column 2 code of NCCI PTP edits with ${others.join(' and ')} (modifier indicator 1). ${ok ? `Modifier ${mod} on ${em}, as you have it, covers them` : `Report modifier ${mod} on ${em}`}, only when the E/M is significant and separately identifiable from those procedures. An E/M takes ${mod === '57' ? '57 or 25' : '25'}, not 59.`;
    out.push(
      part('pair', ok ? 'yes' : 'depends', text, {
        facts: group.flatMap((p) => p.facts),
        basis: group.flatMap((p) => p.basis),
        notes: [...new Set(group.flatMap((p) => p.notes))],
        guidance: group.flatMap((p) => p.guidance),
      }),
    );
  }
  return out;
}

/** "No edit" for one code with each of several others reads as one sentence. */
function mergeNoEditParts(parts: Part[]): Part[] {
  const plain = parts.filter((p) => p.verdict === 'yes' && p.basis.length === 1 && p.basis[0].startsWith('ptp-none:'));
  if (plain.length < 2) return parts;
  const pairs = plain.map((p) => p.basis[0].slice('ptp-none:'.length).split('/'));
  const common = pairs[0].find((c) => pairs.every((x) => x.includes(c)));
  if (!common) return parts;
  const others = pairs.map((x) => x.find((c) => c !== common)!);
  const merged = part(
    'pair',
    'yes',
    `Yes: there is no NCCI PTP edit between ${common} and any of ${others.join(', ')}, so Medicare's edits let ${common} be reported with each of them on the same date without a modifier. Other payers may apply their own edits.`,
    {
      facts: plain.flatMap((p) => p.facts),
      basis: plain.flatMap((p) => p.basis),
    },
  );
  const rest = parts.filter((p) => !plain.includes(p));
  return [merged, ...rest];
}

export function pairParts(input: AnswerInput, ptpSource: string, includeNoEdit: boolean): Part[] {
  return mergeNoEditParts(mergeEmParts(pairPartsEach(input, ptpSource, includeNoEdit), input));
}

function pairPartsEach(input: AnswerInput, ptpSource: string, includeNoEdit: boolean): Part[] {
  const parts: Part[] = [];
  const addOns = new Set(input.facts.addOn.map((a) => a.addOnCode));
  const active = new Map<string, PtpEdit[]>();
  for (const e of input.facts.ptp) if (e.active) active.set(pairKey(e.column1, e.column2), [...(active.get(pairKey(e.column1, e.column2)) ?? []), e]);
  for (const [a, b] of askedPairs(input)) {
    const sibling = siblingPart(a, b, input) ?? siblingPart(b, a, input);
    if (sibling) {
      for (const e of active.get(pairKey(a, b)) ?? [])
        sibling.facts.push({
          text: `${e.column1} (column 1) / ${e.column2} (column 2): modifier indicator ${e.modifierIndicator}, rationale "${e.rationale}"`,
          source: e.source,
        });
      parts.push(sibling);
      continue;
    }
    const edits = active.get(pairKey(a, b));
    if (edits) {
      for (const e of edits) parts.push(editPart(e, input));
      continue;
    }
    if (!includeNoEdit) continue;
    if ([a, b].some((c) => /^[JQ]\d{4}$/.test(c))) continue;
    // An add-on with no edit is answered by its add-on part (primary in the question or not).
    if ([a, b].some((c) => addOns.has(c))) continue;
    const paragraph = bundlingParagraph(input.kb, a, b);
    if (paragraph) {
      parts.push(
        part(
          'guidance',
          'no',
          `No: there is no PTP edit between ${a} and ${b}, but the NCCI Policy Manual (${paragraph.id}) says one is not reported separately with the other.`,
          {
            basis: [`guidance:${paragraph.id}`],
            guidance: [paragraph],
            facts: [{ text: `${a} / ${b}: no PTP edit in either order`, source: ptpSource }],
          },
        ),
      );
      continue;
    }
    const imaging = [a, b].find((c) => IMAGING_GUIDANCE.has(c));
    const fact = { text: `${a} / ${b}: no PTP edit in either order`, source: ptpSource };
    if (imaging) {
      const other = imaging === a ? b : a;
      parts.push(
        part(
          'pair',
          'depends',
          `There is no NCCI PTP edit between ${a} and ${b}. Whether ${imaging} is included in ${other} is set by the CPT code guidelines (their parenthetical notes), which the public CMS tables do not carry.`,
          {
            facts: [fact],
            basis: [`ptp-none:${a}/${b}`],
            limit: `Whether the imaging is included in ${other} is a CPT guideline question: check the CPT book's notes for ${other}.`,
            notes: [
              `${a}/${b}: no PTP edit, but imaging with a procedure is often included by CPT guidelines: check the CPT parentheticals for ${other} and write the answer from them.`,
            ],
          },
        ),
      );
      continue;
    }
    const preventive = [a, b].find((c) => PREVENTIVE.test(c));
    const problem = [a, b].find((c) => OFFICE_EM.test(c));
    if (preventive && problem) {
      parts.push(
        part(
          'pair',
          'yes',
          `Yes: there is no NCCI PTP edit between ${a} and ${b}. A problem-oriented visit on the day of a preventive visit is reported with modifier 25 on ${problem} when it is significant and separately documented (CPT's rule for this pairing); the preventive visit ${preventive} carries no modifier.`,
          {
            facts: [fact],
            basis: [`ptp-none:${a}/${b}`],
            limit: `Modifier 25 on ${problem} with a preventive visit comes from the CPT guidelines.`,
            notes: [
              `${preventive} with ${problem}: no PTP edit; modifier 25 on the problem visit is a CPT guideline, and payers differ on preventive coverage.`,
            ],
          },
        ),
      );
      continue;
    }
    parts.push(
      part(
        'pair',
        'yes',
        `Yes: there is no NCCI PTP edit between ${a} and ${b}, so Medicare's edits let both be reported on the same date without a modifier for this pair. Other payers may apply their own edits.`,
        { facts: [fact], basis: [`ptp-none:${a}/${b}`] },
      ),
    );
  }
  return parts;
}
