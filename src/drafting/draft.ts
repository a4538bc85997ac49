// The drafting entry point used by the draft worker and the CLI: question text in, grounded draft out.
// Pure over the KB; the renderer is loaded once from templates/.
import type { KnowledgeBase } from '../kb/types.ts';
import { ANALYSED_SUBJECT_MAX, boundText } from '../mail/bound.ts';
import { modifierFamilyFromWords } from '../kb/words.ts';
import { parseDateOfService } from './dos.ts';
import { extractFromMessage } from './extract.ts';
import { gatherFacts } from './facts.ts';
import { detectIntents, type Intent } from './intent.ts';
import { specialtyOf, type Specialty } from './route.ts';
import { replySubject, type Renderer } from './compose.ts';
import { loadDraftRenderer } from './templates.ts';
import { buildAnswer, type Answer, type AnswerKb, type GuidanceQuote, type TableSources } from './answer/index.ts';
import { claimSetting, type ClaimSetting } from './setting.ts';
import { buildView } from './view.ts';

export interface DraftInput {
  subject: string;
  /** The new text of the message (quoted history and signature removed). */
  text: string;
  /** Overrides the date of service found in the text (YYYY-MM-DD). */
  dos?: string | null;
  /** PHI-masked subject and text; when given, codes and intents are read from them and the reply subject uses them. */
  maskedSubject?: string;
  maskedText?: string;
  /** Today's date (YYYY-MM-DD) for a question with no date of service; defaults to the clock. */
  today?: string;
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
    ptp: Array<{
      column1: string;
      column2: string;
      modifierIndicator: '0' | '1' | '9';
      active: boolean;
      deletionDate: string | null;
      rationale: string;
      source: string;
    }>;
    mue: Array<{ code: string; value: number; mai: string; source: string }>;
    addOn: Array<{ addOnCode: string; primaryCodes: string[]; type: string; primaryInQuestion: string[]; source: string }>;
  };
  specialty: Specialty;
  /** The direct answer: verdict, customer-ready text and the source ids of the deciding facts. */
  answer: Answer;
  /** Official guidance paragraphs quoted in the reply. */
  guidance: GuidanceQuote[];
  /** For the reviewer only (console): checks, doubts, limits of public sources, stale tables. Never emailed. */
  reviewerNotes: string[];
  /** Codes the answer names that the question does not (the single code for a pair, add-ons of a range). */
  relatedCodes: string[];
  /** The deciding facts with their table (what instant facts and the reply list). */
  facts: Array<{ text: string; source: string }>;
  draft: { subject: string; text: string };
}

export type DraftKb = Pick<KnowledgeBase, 'editsAmong'> & AnswerKb;

const sourceCache = new WeakMap<object, Map<string, TableSources>>();

export function tableSources(kb: DraftKb, setting: ClaimSetting = { setting: 'practitioner', mueSetting: 'practitioner' }): TableSources {
  const key = `${setting.setting}/${setting.mueSetting}`;
  const hit = sourceCache.get(kb)?.get(key);
  if (hit) return hit;
  const status = kb.status();
  const name = (kind: string, fallback: string) => {
    const s = status.find((t) => t.kind === kind);
    return s ? `${s.table} ${s.version}` : fallback;
  };
  const ptpKind = `ptp-${setting.setting.replace('_', '-')}`;
  const mueKind = `mue-${setting.mueSetting.replace('_', '-')}`;
  const out = {
    ptp: name(ptpKind, 'NCCI PTP practitioner'),
    mue: name(mueKind, 'NCCI MUE practitioner'),
    addOn: name('addon', 'NCCI add-on code edits'),
    ptpKind,
    mueKind,
  };
  if (!sourceCache.has(kb)) sourceCache.set(kb, new Map());
  sourceCache.get(kb)!.set(key, out);
  return out;
}

export function buildDraft(input: DraftInput, kb: DraftKb, render: Renderer = loadDraftRenderer()): DraftResult {
  // analysis reads the first 32 KB (src/mail/bound.ts), whatever the caller hands over
  const dateOfService = input.dos ?? parseDateOfService(`${boundText(input.subject, ANALYSED_SUBJECT_MAX)}\n${boundText(input.text)}`);
  const subject = boundText(input.maskedSubject ?? input.subject, ANALYSED_SUBJECT_MAX);
  const text = boundText(input.maskedText ?? input.text);
  const { codes, modifiers, ranges } = extractFromMessage(subject, text, kb, dateOfService ? { dos: dateOfService } : {});
  const question = `${subject}\n${text}`;
  const intents = detectIntents(question, codes, modifiers);
  const setting = claimSetting(question);
  const facts = gatherFacts(codes, modifiers, kb, dateOfService, setting);
  const today = input.today ?? new Date().toISOString().slice(0, 10);
  const answer = buildAnswer(
    { question, intents, facts, ranges, dos: dateOfService, kb, families: modifierFamilyFromWords(question).map((f) => f.family) },
    tableSources(kb, setting),
    today,
  );
  const view = buildView({ answer, facts, dos: dateOfService, today });
  return {
    codes: codes.map((c) => ({ system: c.system, code: c.code, known: c.known, billable: c.billable, description: c.description, modifiers: c.modifiers })),
    modifiers,
    dateOfService,
    intents,
    edits: {
      ptp: facts.ptp.map((e) => ({
        column1: e.column1,
        column2: e.column2,
        modifierIndicator: e.modifierIndicator,
        active: e.active,
        deletionDate: e.deletionDate,
        rationale: e.rationale,
        source: e.source,
      })),
      mue: facts.mue.map((m) => ({ code: m.code, value: m.value, mai: m.mai, source: m.source })),
      addOn: facts.addOn.map((a) => ({
        addOnCode: a.addOnCode,
        primaryCodes: a.primaryCodes,
        type: a.type,
        primaryInQuestion: a.primaryInQuestion,
        source: a.source,
      })),
    },
    specialty: specialtyOf(codes),
    answer: answer.answer,
    guidance: answer.guidance,
    reviewerNotes: answer.reviewerNotes,
    relatedCodes: answer.related,
    facts: answer.facts,
    draft: { subject: replySubject(subject), text: render(view) },
  };
}
