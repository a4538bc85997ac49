// The draft's facts (drafts.facts jsonb) shaped for display, tolerant of older or partial shapes.

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => !!x && typeof x === 'object') : []);
const str = (v: unknown): string => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));

export interface FactsView {
  codes: { code: string; system: string; known: string; billable: string; description: string }[];
  ptp: { pair: string; modifier: string; active: string; source: string; rationale: string }[];
  mue: { code: string; value: string; mai: string; source: string }[];
  addOn: { code: string; primaries: string; type: string; source: string }[];
  /** The engine's answer (when it gives one): verdict, text and what it rests on. */
  answer: { verdict: string; text: string; basis: string[] } | null;
  guidance: { source: string; section: string; page: string; text: string }[];
  /** For the reviewer only: never in the emailed text. */
  reviewerNotes: string[];
  /** Every table and version the facts cite, once. */
  sources: string[];
  intents: string;
  dateOfService: string;
  specialty: string;
  codeList: string[];
  empty: boolean;
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
    // Billable is an ICD-10-CM notion (a header is not billable); CPT and HCPCS codes have no such flag.
    billable: c.system === 'ICD-10-CM' || typeof c.billable === 'boolean' ? yesNo(c.billable) : 'n/a',
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
  const addOn = arr(edits.addOn).map((a) => ({
    code: str(a.addOnCode),
    primaries: str(Array.isArray(a.primaryCodes) ? a.primaryCodes.slice(0, 20) : a.primaryCodes),
    type: str(a.type),
    source: str(a.source),
  }));
  const a = (f.answer && typeof f.answer === 'object' ? f.answer : null) as Obj | null;
  const answer =
    a && (str(a.text) || str(a.verdict))
      ? {
          verdict: str(a.verdict),
          text: str(a.text),
          basis: Array.isArray(a.basis)
            ? a.basis.map((b) => (b && typeof b === 'object' ? str((b as Obj).text ?? (b as Obj).source ?? JSON.stringify(b)) : str(b))).filter(Boolean)
            : str(a.basis)
              ? [str(a.basis)]
              : [],
        }
      : null;
  const guidance = arr(f.guidance)
    .map((g) => ({ source: str(g.source), section: str(g.section), page: str(g.page), text: str(g.text) }))
    .filter((g) => g.text || g.source);
  const reviewerNotes = (Array.isArray(f.reviewerNotes) ? f.reviewerNotes : [])
    .map((n) => (typeof n === 'string' ? n : n && typeof n === 'object' ? str((n as Obj).text) : ''))
    .filter(Boolean);
  const sources = [
    ...new Set(
      [...ptp, ...mue, ...addOn]
        .map((x) => x.source)
        .concat(guidance.map((g) => g.source))
        .filter(Boolean),
    ),
  ];
  return {
    answer,
    guidance,
    reviewerNotes,
    sources,
    codes,
    ptp,
    mue,
    addOn,
    intents: str(f.intents),
    dateOfService: str(f.dateOfService),
    specialty: str(f.specialty),
    codeList: codes.map((c) => c.code).filter(Boolean),
    empty: !codes.length && !ptp.length && !mue.length && !addOn.length,
    verdict: f.answer && typeof f.answer === 'object' ? str((f.answer as Obj).verdict) : '',
  };
}
