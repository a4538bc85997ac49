// The draft's facts (drafts.facts jsonb) shaped for display, tolerant of older or partial shapes.

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => !!x && typeof x === 'object') : []);
const str = (v: unknown): string => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));

export interface FactsView {
  codes: { code: string; system: string; known: string; billable: string; description: string }[];
  ptp: { pair: string; modifier: string; active: string; source: string; rationale: string }[];
  mue: { code: string; value: string; mai: string; source: string }[];
  addOn: { code: string; primaries: string; type: string; source: string }[];
  intents: string;
  dateOfService: string;
  specialty: string;
  codeList: string[];
  empty: boolean;
  /** For the reviewer only: never in the emailed text. */
  reviewerNotes: string[];
  verdict: string;
}

const yesNo = (v: unknown) => (v === true ? 'yes' : v === false ? 'no' : '');

export function factsView(facts: unknown): FactsView {
  const f = (facts && typeof facts === 'object' ? facts : {}) as Obj;
  const edits = (f.edits && typeof f.edits === 'object' ? f.edits : {}) as Obj;
  const codes = arr(f.codes).map((c) => ({
    code: str(c.code),
    system: str(c.system),
    known: yesNo(c.known),
    billable: yesNo(c.billable),
    description: str(c.description) || (c.system === 'CPT' ? 'CPT descriptor needs a CPT licence' : ''),
  }));
  const ptp = arr(edits.ptp).map((e) => ({
    pair: `${str(e.column1)} / ${str(e.column2)}`,
    modifier: str(e.modifierIndicator),
    active: yesNo(e.active),
    source: str(e.source),
    rationale: str(e.rationale),
  }));
  const mue = arr(edits.mue).map((m) => ({ code: str(m.code), value: str(m.value), mai: str(m.mai), source: str(m.source) }));
  const addOn = arr(edits.addOn).map((a) => ({ code: str(a.addOnCode), primaries: str(Array.isArray(a.primaryCodes) ? a.primaryCodes.slice(0, 20) : a.primaryCodes), type: str(a.type), source: str(a.source) }));
  return {
    codes,
    ptp,
    mue,
    addOn,
    intents: str(f.intents),
    dateOfService: str(f.dateOfService),
    specialty: str(f.specialty),
    codeList: codes.map((c) => c.code).filter(Boolean),
    empty: !codes.length && !ptp.length && !mue.length && !addOn.length,
    reviewerNotes: Array.isArray(f.reviewerNotes) ? f.reviewerNotes.map(str).filter(Boolean) : [],
    verdict: f.answer && typeof f.answer === 'object' ? str((f.answer as Obj).verdict) : '',
  };
}
