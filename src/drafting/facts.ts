// The facts a draft may state: KB lookups for each code and the edits among the procedure codes at the
// date of service. Nothing here is inferred; everything carries the table it came from.
import type { AddOnFact, KnowledgeBase, MueFact, PtpEdit } from '../kb/types.ts';
import type { ExtractedCode } from './extract.ts';
import type { ClaimSetting } from './setting.ts';

export interface AddOnView extends AddOnFact {
  /** The primaries of this add-on that the question names. */
  primaryInQuestion: string[];
}

export interface ModifierView {
  modifier: string;
  codeSet: string | null;
  description: string | null;
  ptpAssociated: boolean;
  source: string | null;
}

export interface DraftFacts {
  codes: ExtractedCode[];
  ptp: PtpEdit[];
  mue: MueFact[];
  addOn: AddOnView[];
  modifiers: ModifierView[];
  /** PTP-associated modifiers, listed when an edit with indicator 1 applies. */
  ptpModifiers: string[];
  ptpModifierSource: string | null;
}

export type FactsOracle = Pick<KnowledgeBase, 'editsAmong' | 'modifier'>;

// Candidates only: each one is kept when the KB's PTP-associated modifier table says so.
const NCCI_MODIFIER_CANDIDATES =
  'E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 TA T1 T2 T3 T4 T5 T6 T7 T8 T9 LT RT LC LD RC LM RI 24 25 57 58 78 79 27 59 91 XE XS XP XU'.split(' ');

let ptpModifierCache: { kb: unknown; list: string[]; source: string | null } | null = null;

function ptpAssociatedModifiers(kb: FactsOracle): { list: string[]; source: string | null } {
  if (ptpModifierCache?.kb === kb) return ptpModifierCache;
  const list: string[] = [];
  let source: string | null = null;
  for (const m of NCCI_MODIFIER_CANDIDATES) {
    const info = kb.modifier(m);
    if (info?.ptpAssociated) {
      list.push(m);
      source ??= info.source;
    }
  }
  ptpModifierCache = { kb, list, source };
  return ptpModifierCache;
}

export function gatherFacts(codes: ExtractedCode[], modifiers: string[], kb: FactsOracle, dos: string | null, setting: ClaimSetting = { setting: 'practitioner', mueSetting: 'practitioner' }): DraftFacts {
  const procedures = codes.filter((c) => c.system !== 'ICD-10-CM').map((c) => c.code);
  const edits = procedures.length ? kb.editsAmong(procedures, { ...(dos ? { dos } : {}), ...setting }) : { ptp: [], mue: [], addOn: [] };
  const asked = new Set(procedures);
  const addOn = edits.addOn.map((a) => ({ ...a, primaryInQuestion: a.primaryCodes.filter((p) => asked.has(p)) }));
  const modifierViews = modifiers.map((m): ModifierView => {
    const info = kb.modifier(m);
    return {
      modifier: m,
      codeSet: info?.codeSet ?? (/^\d\d$/.test(m) ? 'CPT Level I' : null),
      description: info?.description ?? null,
      ptpAssociated: info?.ptpAssociated ?? false,
      source: info?.source ?? null,
    };
  });
  const needsList = edits.ptp.some((e) => e.active && e.modifierIndicator === '1');
  const assoc = needsList ? ptpAssociatedModifiers(kb) : { list: [], source: null };
  return {
    codes,
    ptp: edits.ptp,
    mue: edits.mue,
    addOn,
    modifiers: modifierViews,
    ptpModifiers: assoc.list,
    ptpModifierSource: assoc.source,
  };
}
