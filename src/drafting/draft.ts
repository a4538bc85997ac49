// The drafting entry point used by the draft worker and the CLI: question text in, grounded draft out.
// Pure over the KB; the renderer is loaded once from templates/.
import type { KnowledgeBase } from '../kb/types.ts';
import { ANALYSED_SUBJECT_MAX, boundText } from '../mail/bound.ts';
import { parseDateOfService } from './dos.ts';
import { extractFromMessage } from './extract.ts';
import { gatherFacts } from './facts.ts';
import { detectIntents, type Intent } from './intent.ts';
import { specialtyOf, type Specialty } from './route.ts';
import { replySubject, type Renderer } from './compose.ts';
import { loadDraftRenderer } from './templates.ts';
import { buildView, type TableSources } from './view.ts';

export interface DraftInput {
  subject: string;
  /** The new text of the message (quoted history and signature removed). */
  text: string;
  /** Overrides the date of service found in the text (YYYY-MM-DD). */
  dos?: string | null;
  /** PHI-masked subject and text; when given, codes and intents are read from them and the reply subject uses them. */
  maskedSubject?: string;
  maskedText?: string;
}

export interface DraftCode {
  system: 'CPT' | 'HCPCS' | 'ICD-10-CM';
  code: string;
  known: boolean;
  billable: boolean | null;
  description: string | null;
  modifiers: string[];
}

export interface DraftResult {
  codes: DraftCode[];
  modifiers: string[];
  dateOfService: string | null;
  intents: Intent[];
  edits: {
    ptp: Array<{ column1: string; column2: string; modifierIndicator: '0' | '1' | '9'; active: boolean; deletionDate: string | null; rationale: string; source: string }>;
    mue: Array<{ code: string; value: number; mai: string; source: string }>;
    addOn: Array<{ addOnCode: string; primaryCodes: string[]; type: string; primaryInQuestion: string[]; source: string }>;
  };
  specialty: Specialty;
  draft: { subject: string; text: string };
}

export type DraftKb = Pick<KnowledgeBase, 'lookup' | 'modifier' | 'editsAmong' | 'status'>;

const sourceCache = new WeakMap<object, TableSources>();

export function tableSources(kb: DraftKb): TableSources {
  const hit = sourceCache.get(kb);
  if (hit) return hit;
  const status = kb.status();
  const name = (kind: string, fallback: string) => {
    const s = status.find((t) => t.kind === kind);
    return s ? `${s.table} ${s.version}` : fallback;
  };
  const out = {
    ptp: name('ptp-practitioner', 'NCCI PTP practitioner'),
    mue: name('mue-practitioner', 'NCCI MUE practitioner'),
    addOn: name('addon', 'NCCI add-on code edits'),
  };
  sourceCache.set(kb, out);
  return out;
}

export function buildDraft(input: DraftInput, kb: DraftKb, render: Renderer = loadDraftRenderer()): DraftResult {
  // analysis reads the first 32 KB (src/mail/bound.ts), whatever the caller hands over
  const dateOfService = input.dos ?? parseDateOfService(`${boundText(input.subject, ANALYSED_SUBJECT_MAX)}\n${boundText(input.text)}`);
  const subject = boundText(input.maskedSubject ?? input.subject, ANALYSED_SUBJECT_MAX);
  const text = boundText(input.maskedText ?? input.text);
  const { codes, modifiers } = extractFromMessage(subject, text, kb, dateOfService ? { dos: dateOfService } : {});
  const intents = detectIntents(`${subject}\n${text}`, codes, modifiers);
  const facts = gatherFacts(codes, modifiers, kb, dateOfService);
  const view = buildView({ intents, facts, dos: dateOfService, sources: tableSources(kb) });
  return {
    codes: codes.map((c) => ({ system: c.system, code: c.code, known: c.known, billable: c.billable, description: c.description, modifiers: c.modifiers })),
    modifiers,
    dateOfService,
    intents,
    edits: {
      ptp: facts.ptp.map((e) => ({
        column1: e.column1, column2: e.column2, modifierIndicator: e.modifierIndicator, active: e.active,
        deletionDate: e.deletionDate, rationale: e.rationale, source: e.source,
      })),
      mue: facts.mue.map((m) => ({ code: m.code, value: m.value, mai: m.mai, source: m.source })),
      addOn: facts.addOn.map((a) => ({ addOnCode: a.addOnCode, primaryCodes: a.primaryCodes, type: a.type, primaryInQuestion: a.primaryInQuestion, source: a.source })),
    },
    specialty: specialtyOf(codes),
    draft: { subject: replySubject(subject), text: render(view) },
  };
}
