// One inbound message to one draft result: classification, new text, PHI mask, then buildDraft.
// Shared by the CLI, the eval and the bench; the draft worker calls buildDraft with stored text instead.
import type { KnowledgeBase } from '../kb/types.ts';
import type { ClassifyContext, InboundMessage, MessageKind, PhiKind } from '../mail/types.ts';
import { classify, detectPhi, extractNewText } from './mail-deps.ts';
import { buildDraft, type DraftKb, type DraftResult } from './draft.ts';

export type OutputKind = 'question' | 'follow_up' | 'auto_reply' | 'bounce' | 'rejected';

export interface MessageDraft extends Omit<DraftResult, 'draft' | 'specialty' | 'answer'> {
  kind: OutputKind;
  answer: DraftResult['answer'] | null;
  specialty: DraftResult['specialty'] | null;
  phi: { detected: boolean; kinds: PhiKind[] };
  draft: DraftResult['draft'] | null;
}

export function outputKind(kind: MessageKind, msg: InboundMessage): OutputKind {
  switch (kind) {
    case 'feedback':
    case 'loop':
    case 'auto_reply':
      return 'auto_reply';
    case 'bounce':
      return 'bounce';
    case 'rejected':
      return 'rejected';
    default:
      // Without a database the thread cannot be looked up: any reply header makes it a follow-up.
      return kind === 'follow_up' || msg.inReplyTo || msg.references.length ? 'follow_up' : 'question';
  }
}

export const DEFAULT_CLASSIFY_CONTEXT: ClassifyContext = {
  ownAddresses: (process.env.MAIL_FROM ?? '')
    .split(',')
    .map((s) => s.replace(/^.*<|>.*$/g, '').trim())
    .filter(Boolean),
  ownMessageIdDomain: process.env.MESSAGE_ID_DOMAIN ?? 'caseconsultant.invalid',
  maxRecipients: 20,
  maxBytes: 10 * 1024 * 1024,
  authservId: null,
};

const EMPTY = {
  codes: [],
  modifiers: [],
  dateOfService: null,
  intents: [],
  edits: { ptp: [], mue: [], addOn: [] },
  answer: null,
  guidance: [],
  reviewerNotes: [],
  relatedCodes: [],
  facts: [],
};

export function draftFromMessage(
  msg: InboundMessage,
  kb: DraftKb | KnowledgeBase,
  opts: { dos?: string | null; context?: ClassifyContext } = {},
): MessageDraft {
  const kind = outputKind(classify(msg, opts.context ?? DEFAULT_CLASSIFY_CONTEXT).kind, msg);
  if (kind !== 'question' && kind !== 'follow_up') {
    // Machines and rejects are never answered, and their text is never read for codes.
    return { kind, ...EMPTY, specialty: null, phi: { detected: false, kinds: [] }, draft: null };
  }
  const text = extractNewText(msg);
  const phiText = detectPhi(text);
  const phiSubject = detectPhi(msg.subject);
  const kinds = [...new Set([...phiSubject.kinds, ...phiText.kinds])];
  const result = buildDraft({ subject: msg.subject, text, dos: opts.dos ?? null, maskedSubject: phiSubject.masked, maskedText: phiText.masked }, kb);
  return { kind, ...result, phi: { detected: kinds.length > 0, kinds } };
}
