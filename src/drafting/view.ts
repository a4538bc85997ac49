// The view a draft template renders: the short-answer items, the facts per code and per pair, the
// sources and the reviewer's checklist. Pure: everything comes from the facts and the intents.
import type { PtpEdit } from '../kb/types.ts';
import type { DraftFacts } from './facts.ts';
import type { Intent } from './intent.ts';

export interface TableSources {
  ptp: string;
  mue: string;
  addOn: string;
}

export interface ViewInput {
  intents: Intent[];
  facts: DraftFacts;
  dos: string | null;
  sources: TableSources;
}

const INDICATOR_TEXT: Record<PtpEdit['modifierIndicator'], string> = {
  '0': 'no modifier allowed: the column 2 code is not paid with the column 1 code on the same date, even with a modifier',
  '1': 'a PTP-associated modifier on the column 2 code may bypass the edit, only when the documentation supports a separate and distinct service',
  '9': 'not applicable: the edit does not apply, no modifier is needed',
};

const ADDON_TYPE_TEXT: Record<string, string> = {
  '1': 'CMS lists its primary codes; it is paid only with one of them',
  '2': 'CMS lists no primary codes; each contractor defines its primaries',
  '3': 'CMS lists some primary codes; a contractor may allow others',
};

const MAX_LISTED = 25;
const MAX_PAIRS_CODES = 8;

type AnswerItem = Record<string, unknown> & { kind: string };

export function indicatorText(mi: PtpEdit['modifierIndicator']): string {
  return INDICATOR_TEXT[mi];
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function buildView(input: ViewInput) {
  const { intents, facts, dos, sources } = input;
  const want = new Set(intents);
  const answer: AnswerItem[] = [];
  const procedures = facts.codes.filter((c) => c.system !== 'ICD-10-CM');
  const knownProcedures = procedures.filter((c) => c.known).slice(0, MAX_PAIRS_CODES);
  const activePtp = facts.ptp.filter((e) => e.active);
  const modsByCode = new Map(facts.codes.map((c) => [c.code, c.modifiers]));
  const assoc = new Set(facts.modifiers.filter((m) => m.ptpAssociated).map((m) => m.modifier));
  for (const m of facts.ptpModifiers) assoc.add(m);

  for (const e of activePtp) {
    const onColumn2 = (modsByCode.get(e.column2) ?? []).filter((m) => assoc.has(m));
    answer.push({
      kind: 'ptp',
      column1: e.column1,
      column2: e.column2,
      modifierIndicator: e.modifierIndicator,
      indicatorText: INDICATOR_TEXT[e.modifierIndicator],
      bypassedBy: e.modifierIndicator === '1' ? onColumn2 : [],
    });
  }
  const withEdit = new Set(activePtp.map((e) => pairKey(e.column1, e.column2)));
  const noEditPairs: Array<{ a: string; b: string }> = [];
  for (let i = 0; i < knownProcedures.length; i++)
    for (let j = i + 1; j < knownProcedures.length; j++) {
      const a = knownProcedures[i].code;
      const b = knownProcedures[j].code;
      if (!withEdit.has(pairKey(a, b))) noEditPairs.push({ a, b });
    }
  if (want.has('pair') || activePtp.length === 0) {
    for (const p of noEditPairs) answer.push({ kind: 'no_ptp', ...p, source: sources.ptp });
  }

  if (want.has('modifier')) {
    for (const e of activePtp.filter((x) => x.modifierIndicator === '0')) {
      const mods = [...(modsByCode.get(e.column2) ?? []), ...(modsByCode.get(e.column1) ?? [])];
      if (mods.length) answer.push({ kind: 'modifier_zero', code: e.column2, mods, other: e.column1 });
    }
    for (const m of facts.modifiers) answer.push({ kind: 'modifier_info', modifier: m.modifier, ptpAssociated: m.ptpAssociated });
  }

  const mueByCode = new Map(facts.mue.map((m) => [m.code, m]));
  if (want.has('units')) {
    for (const c of procedures.filter((x) => x.known)) {
      const m = mueByCode.get(c.code);
      if (m) answer.push({ kind: 'mue', code: c.code, value: m.value, unit: m.mai === '1' ? 'claim line' : 'date of service', mai: m.mai, maiDescription: m.maiDescription });
      else answer.push({ kind: 'no_mue', code: c.code, source: sources.mue });
    }
  }

  const addOnByCode = new Map(facts.addOn.map((a) => [a.addOnCode, a]));
  for (const a of facts.addOn) {
    answer.push({ kind: 'addon', code: a.addOnCode, type: a.type, typeText: ADDON_TYPE_TEXT[a.type] ?? 'see the CMS add-on file', primaryInQuestion: a.primaryInQuestion });
  }
  if (want.has('add_on')) {
    for (const c of procedures.filter((x) => x.known && !addOnByCode.has(x.code))) answer.push({ kind: 'not_addon', code: c.code, source: sources.addOn });
  }

  for (const c of facts.codes) {
    if (!c.known) {
      answer.push({ kind: 'unknown', code: c.code, system: c.system });
      continue;
    }
    if (c.system === 'ICD-10-CM') {
      if (!c.info.activeOnDos) answer.push({ kind: 'dx_inactive', code: c.code, terminationDate: c.info.terminationDate });
      else if (c.billable) answer.push({ kind: 'dx_billable', code: c.code, description: c.description });
      else answer.push({ kind: 'dx_header', code: c.code, childrenTotal: c.info.billableChildrenTotal });
    } else if (want.has('meaning')) {
      if (c.system === 'HCPCS' && c.description) answer.push({ kind: 'meaning_public', code: c.code, system: c.system, description: c.description });
      else if (c.system === 'CPT' && c.description) answer.push({ kind: 'meaning_public', code: c.code, system: 'CPT, licensed file', description: c.description });
      else answer.push({ kind: 'meaning_cpt', code: c.code, note: null });
    }
  }
  if (want.has('coverage')) answer.push({ kind: 'coverage' });
  if (facts.codes.length === 0) answer.push({ kind: 'no_codes' });

  const codes = facts.codes.map((c) => {
    const a = addOnByCode.get(c.code);
    const children = c.info.billableChildren.slice(0, MAX_LISTED);
    return {
      code: c.code,
      system: c.system,
      known: c.known,
      // CPT descriptors are shown only when an operator loaded a licensed file (the KB then fills them).
      description: c.description,
      descriptionNote: c.info.descriptionNote,
      isDiagnosis: c.system === 'ICD-10-CM',
      billable: c.billable,
      children,
      childrenTotal: c.info.billableChildrenTotal,
      childrenMore: c.info.billableChildrenTotal > children.length,
      inactive: !c.info.activeOnDos,
      terminationDate: c.info.terminationDate,
      mue: mueByCode.get(c.code) ?? null,
      mueUnit: mueByCode.get(c.code)?.mai === '1' ? 'claim line' : 'date of service',
      addOn: a ? { ...a, primaryShown: a.primaryCodes.filter((p) => p !== 'CCCCC').slice(0, MAX_LISTED), primaryMore: a.primaryCodes.length > MAX_LISTED } : null,
      addOnTypeText: a ? ADDON_TYPE_TEXT[a.type] ?? '' : '',
      modifiers: c.modifiers,
      sources: c.info.sources.map((s) => `${s.table} ${s.version}`),
    };
  });

  const pairs = [
    ...facts.ptp.map((edit) => ({ edit, indicatorText: INDICATOR_TEXT[edit.modifierIndicator] })),
    ...noEditPairs.map((p) => ({ ...p, edit: null, source: sources.ptp })),
  ];

  const sourceSet = new Set<string>();
  for (const c of codes) for (const s of c.sources) sourceSet.add(s);
  for (const e of facts.ptp) sourceSet.add(e.source);
  if (noEditPairs.length) sourceSet.add(sources.ptp);
  for (const m of facts.mue) sourceSet.add(m.source);
  if (answer.some((x) => x.kind === 'no_mue')) sourceSet.add(sources.mue);
  for (const a of facts.addOn) sourceSet.add(a.source);
  if (answer.some((x) => x.kind === 'not_addon')) sourceSet.add(sources.addOn);
  for (const m of facts.modifiers) if (m.source) sourceSet.add(m.source);
  if (facts.ptpModifierSource) sourceSet.add(facts.ptpModifierSource);

  return {
    answer,
    codes,
    pairs,
    dosGiven: dos !== null,
    ptpSetting: 'practitioner',
    ptpModifiers: facts.ptpModifiers,
    ptpModifierSource: facts.ptpModifierSource,
    modifiers: facts.modifiers.map((m) => ({ ...m, description: m.codeSet === 'HCPCS Level II' ? m.description : null })),
    sources: [...sourceSet],
    checks: reviewerChecks(input, pairs.length > 0),
  };
}

function reviewerChecks(input: ViewInput, hasPairs: boolean): string[] {
  const { intents, facts, dos } = input;
  const checks: string[] = [];
  if (dos === null) checks.push('No date of service was given: the facts are as of today. Confirm the date of service if it matters.');
  if (hasPairs) {
    checks.push(`The PTP table loaded is ${input.sources.ptp}; confirm against the current quarter's NCCI files for the date of service.`);
    checks.push('These are the practitioner edits; an outpatient hospital claim follows the outpatient hospital table.');
  }
  if (facts.ptp.some((e) => e.active && e.modifierIndicator === '1'))
    checks.push('Before a PTP-associated modifier: the documentation must show a separate site, session, encounter or structure, and the payer must accept the modifier chosen.');
  if (facts.modifiers.length || intents.includes('modifier'))
    checks.push('Modifier choice depends on the documentation; the tables say which modifiers can bypass an edit, not which one fits this encounter.');
  if (facts.mue.length) checks.push('MUE values are Medicare limits; check the units against the documentation and the payer.');
  if (facts.codes.some((c) => c.system === 'CPT' && c.known && !c.description))
    checks.push('CPT descriptors are not shown (AMA licence): confirm each CPT code against the licensed CPT book or file.');
  if (facts.codes.some((c) => c.system === 'ICD-10-CM'))
    checks.push('Diagnosis coding: confirm the documented condition, and the tabular instructions (Excludes, Code first, Use additional code, 7th character), which these tables do not carry.');
  if (facts.codes.some((c) => !c.known)) checks.push('At least one code is not in the loaded code sets: confirm the number with the sender.');
  if (intents.includes('coverage')) checks.push('Coverage and payment: answer from the payer policy (NCD/LCD, contract); the code sets and NCCI tables cannot answer it.');
  checks.push('Commercial payers and Medicaid may apply their own edits and policies.');
  return checks;
}
