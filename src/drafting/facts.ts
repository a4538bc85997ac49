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
}

export type FactsOracle = Pick<KnowledgeBase, 'editsAmong' | 'modifier'>;

export function gatherFacts(
  codes: ExtractedCode[],
  modifiers: string[],
  kb: FactsOracle,
  dos: string | null,
  setting: ClaimSetting = { setting: 'practitioner', mueSetting: 'practitioner' },
): DraftFacts {
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
  return {
    codes,
    ptp: edits.ptp,
    mue: edits.mue,
    addOn,
    modifiers: modifierViews,
  };
}
