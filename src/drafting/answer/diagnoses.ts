// Diagnosis codes: billable or header (with the billable choices), valid in the code set in force at the
// date of service, Excludes1 conflicts among them, and where sequencing is decided.
import type { ExtractedCode } from '../extract.ts';
import { sequencingParagraph } from './guidance.ts';
import { type AnswerInput, type Part, dosOpts, part, sourceName } from './types.ts';

const SEQUENCING = /\b(?:sequenc\w*|first[-\s]?listed|goes\s+first|which\s+(?:one\s+)?(?:goes\s+)?first|primary\s+dx|principal)\b/i;
const MAX_CHILDREN = 12;
// "coded together", "can both be", "I10 with I12.9": asks whether two diagnoses go on one claim.
const TOGETHER = /\btogether\b|\bcan\s+(?:both|they)\b|\bboth\s+be\b|\bsame\s+claim\b|\b[A-Za-z]\d\d(?:\.\w{1,4})?\s{1,3}(?:with|w\/|\+|&)\s{1,3}[A-Za-z]\d\d/i;

/** ICD-10-CM fiscal year in force on a date: FY N runs from October 1 of N-1. */
const procQuestionOf = (input: AnswerInput) => input.facts.codes.some((c) => c.system !== 'ICD-10-CM');

export function fiscalYear(dos: string): number {
  const y = Number(dos.slice(0, 4));
  return Number(dos.slice(5, 7)) >= 10 ? y + 1 : y;
}

/** The loaded ICD-10-CM table when it does not cover the date of service (a newer fiscal year applies). */
function staleCodeSet(input: AnswerInput): { version: string; to: string } | null {
  if (!input.dos) return null;
  const s = input.kb.status().filter((t) => t.kind === 'icd10cm' || t.kind.startsWith('icd10cm'));
  if (!s.length || s.some((t) => (!t.effectiveFrom || t.effectiveFrom <= input.dos!) && (!t.effectiveTo || input.dos! <= t.effectiveTo))) return null;
  const last = s.reduce((a, b) => ((a.effectiveTo ?? '') > (b.effectiveTo ?? '') ? a : b));
  return { version: `${last.table} ${last.version}`, to: last.effectiveTo ?? '?' };
}

function codePart(c: ExtractedCode, input: AnswerInput): Part {
  const info = c.info;
  const stale = staleCodeSet(input);
  if (stale) {
    return part(
      'diagnosis',
      'unknown',
      `Your date of service falls in ICD-10-CM FY${fiscalYear(input.dos!)}, and the code set checked here (${stale.version}) ends on ${stale.to}: ${c.code} must be checked in the FY${fiscalYear(input.dos!)} code set.`,
      {
        basis: [`icd:${c.code}`],
        facts: [{ text: `${c.code}: ${info.known ? (info.billable ? 'billable' : 'header') : 'not found'} in ${stale.version}`, source: sourceName(info) }],
        limit: `The FY${fiscalYear(input.dos!)} ICD-10-CM code set is not loaded here.`,
        notes: [`ICD-10-CM FY${fiscalYear(input.dos!)} is not loaded: check ${c.code} in the FY${fiscalYear(input.dos!)} tabular and addenda.`],
      },
    );
  }
  const when = input.dos ? ` on your date of service (ICD-10-CM FY${fiscalYear(input.dos)})` : '';
  const src = sourceName(info);
  const basis = [`icd:${c.code}`];
  if (!info.known)
    return part(
      'diagnosis',
      'unknown',
      `${c.code} is not found in the ICD-10-CM code set${when}: check the code; it may be mistyped, deleted or not yet in force.`,
      { basis, facts: [{ text: `${c.code}: not found`, source: src }] },
    );
  if (!info.activeOnDos)
    return part(
      'diagnosis',
      'no',
      `No: ${c.code} is not valid${when || ' today'}${info.terminationDate ? ` (deleted ${info.terminationDate})` : ''}; it cannot be reported for that date of service.`,
      { basis, facts: [{ text: `${c.code}: not valid on the date${info.terminationDate ? `, end ${info.terminationDate}` : ''}`, source: src }] },
    );
  if (info.billable)
    return part('diagnosis', 'yes', `Yes: ${c.code} (${info.description}) is a billable ICD-10-CM code${when}.`, {
      basis,
      facts: [{ text: `${c.code}: billable`, source: src }],
    });
  const kids = info.billableChildren.slice(0, MAX_CHILDREN);
  const more = info.billableChildrenTotal > kids.length ? ` (first ${kids.length} of ${info.billableChildrenTotal})` : '';
  const seventh = info.seventhCharacters?.length ? ` It also needs a 7th character (${info.seventhCharacters.join(', ')}).` : '';
  return part(
    'diagnosis',
    'no',
    `No: ${c.code} (${info.description}) is a header code, not billable${when}. Report one of the billable codes below it${more}: ${kids.join(', ')}.${seventh}`,
    {
      basis,
      facts: [{ text: `${c.code}: header, ${info.billableChildrenTotal} billable codes below it`, source: src }],
    },
  );
}

const BOTH_SIDES = /\bboth\b|\bbilat\w*/i;
const MAX_SIBLINGS = 60;

const words = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .replace(/\b(?:right|left|unilateral|bilateral)\b/g, ' ')
      .match(/[a-z]+/g) ?? [],
  );

/**
 * A right and a left code of one category when the patient has both sides: the category's bilateral
 * code, when it has one (Official Guidelines I.B.13: a bilateral code is assigned for a bilateral condition).
 */
function bilateralPart(dx: ExtractedCode[], input: AnswerInput): Part | null {
  if (!BOTH_SIDES.test(input.question)) return null;
  const right = dx.find((c) => /\bright\b/i.test(c.description ?? ''));
  const left = dx.find((c) => c !== right && /\bleft\b/i.test(c.description ?? '') && c.code.slice(0, 3) === right?.code.slice(0, 3));
  if (!right || !left) return null;
  const header = input.kb.lookup(right.code.slice(0, 3), dosOpts(input.dos));
  const want = words(right.description ?? '');
  let best: { code: string; description: string; score: number } | null = null;
  for (const child of header.billableChildren.slice(0, MAX_SIBLINGS)) {
    const info = input.kb.lookup(child, dosOpts(input.dos));
    if (!info.description || !/\bbilateral\b/i.test(info.description)) continue;
    let score = 0;
    for (const w of words(info.description)) if (want.has(w)) score++;
    if (!best || score > best.score) best = { code: info.code, description: info.description, score };
  }
  if (!best) return null;
  return part(
    'diagnosis',
    'no',
    `No: for a condition on both sides, report the bilateral code ${best.code} (${best.description}) instead of ${right.code} and ${left.code}, per the ICD-10-CM Official Guidelines on laterality.`,
    {
      basis: [`icd:${best.code}`, `icd:${right.code}`, `icd:${left.code}`],
      related: [best.code],
      facts: [{ text: `${best.code}: billable, ${best.description}`, source: sourceName(right.info) }],
      notes: [`Bilateral answer ${best.code}: confirm the documentation describes the same condition on both sides.`],
    },
  );
}

export function diagnosisParts(input: AnswerInput): Part[] {
  const dx = input.facts.codes.filter((c) => c.system === 'ICD-10-CM');
  if (!dx.length) return [];
  const parts: Part[] = [];
  const procQuestion = input.facts.codes.some((c) => c.system !== 'ICD-10-CM');
  const conflicts =
    dx.length > 1 && input.kb.excludesAmong
      ? input.kb.excludesAmong(
          dx.map((c) => c.code),
          dosOpts(input.dos),
        )
      : [];
  const ex1 = conflicts.filter((x) => x.type === 'excludes1');
  if (dx.length > 1 && !input.kb.excludesAmong && !procQuestion && TOGETHER.test(input.question)) {
    parts.push(
      part(
        'diagnosis',
        'unknown',
        `Whether ${dx.map((c) => c.code).join(' and ')} may be coded together depends on the Excludes notes of the ICD-10-CM tabular, which are not loaded here.`,
        {
          limit: 'The Excludes1/Excludes2 notes of the tabular decide whether these codes go together.',
          notes: ['Excludes notes are not in the loaded KB: check the tabular at each code and its category.'],
        },
      ),
    );
  }
  const seen = new Set<string>();
  const once = (x: { code: string; other: string; type: string }) => {
    const k = [x.code, x.other].sort().join('|') + x.type;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
  const inConflict = new Set(ex1.flatMap((x) => [x.code, x.other]));
  const bilateral = procQuestionOf(input) ? null : bilateralPart(dx, input);
  if (bilateral) {
    parts.push(bilateral);
    for (const c of dx) inConflict.add(c.code);
  }
  for (const x of ex1.filter(once)) {
    parts.push(
      part(
        'diagnosis',
        'no',
        `No: ${x.code} and ${x.other} fall under an Excludes1 note at ${x.noteAt} ("${x.noteText}"): the two are not coded together, except where the Official Guidelines allow it for unrelated conditions.`,
        {
          basis: [`excludes:${x.noteAt}`],
          facts: [{ text: `Excludes1 at ${x.noteAt}: ${x.noteText}`, source: x.source }],
        },
      ),
    );
  }
  for (const x of conflicts.filter((y) => y.type === 'excludes2').filter(once)) {
    parts.push(
      part(
        'diagnosis',
        'yes',
        `${x.code} and ${x.other} fall under an Excludes2 note at ${x.noteAt} ("${x.noteText}"): both may be coded when the patient has both conditions.`,
        {
          basis: [`excludes:${x.noteAt}`],
          facts: [{ text: `Excludes2 at ${x.noteAt}: ${x.noteText}`, source: x.source }],
        },
      ),
    );
  }
  // On a procedure question "together" is about the procedures; the diagnoses are context.
  const asksTogether = !procQuestion && dx.length > 1 && TOGETHER.test(input.question) && !SEQUENCING.test(input.question);
  if (asksTogether && input.kb.excludesAmong && !ex1.length) {
    const codes = dx.map((c) => c.code).join(' and ');
    const q = sequencingParagraph(
      input.kb,
      dx.map((c) => c.code),
    );
    parts.push(
      part(
        'diagnosis',
        'depends',
        `No Excludes1 note in the ICD-10-CM tabular keeps ${codes} apart. Whether both are reported depends on the Official Guidelines (a combination code may already include one of the conditions${q ? `; see ${q.section}, quoted below` : ''}) and on the documentation.`,
        {
          basis: [...dx.map((c) => `icd:${c.code}`), ...(q ? [`guidance:${q.id}`] : [])],
          guidance: q ? [q] : [],
          limit: 'Whether one of these codes already includes the other condition is set by the Official Guidelines and the tabular instructions at each code.',
          notes: [
            `${codes}: no Excludes1 between them; check combination-code guidelines (e.g. hypertension with heart or kidney disease, diabetes with complications) before saying both.`,
          ],
        },
      ),
    );
    for (const c of dx) inConflict.add(c.code);
  }
  // A list of diagnoses on a procedure question is context: only a problem with one is worth saying.
  for (const c of dx) {
    const p = codePart(c, input);
    if ((procQuestion || inConflict.has(c.code)) && p.verdict === 'yes') {
      if (inConflict.has(c.code)) parts.at(-1)?.facts.push(...p.facts);
      continue;
    }
    parts.push(p);
  }
  if (dx.length > 1 && SEQUENCING.test(input.question)) {
    const q = sequencingParagraph(
      input.kb,
      dx.map((c) => c.code),
    );
    parts.push(
      part(
        'diagnosis',
        'depends',
        `Sequencing of ${dx.map((c) => c.code).join(' and ')} follows the ICD-10-CM Official Guidelines and the tabular's "code first" and "use additional code" notes at these codes${q ? ` (see ${q.section}, quoted below)` : ''}; which condition is the reason for the encounter decides the first-listed code.`,
        {
          basis: q ? [`guidance:${q.id}`] : [],
          guidance: q ? [q] : [],
          limit: 'Which condition was the main reason for the visit comes from the documentation.',
          notes: ['Sequencing: read the tabular notes at each code and the documentation; confirm the first-listed diagnosis.'],
        },
      ),
    );
  }
  return parts;
}
