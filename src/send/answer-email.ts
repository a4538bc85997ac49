// The answer email a reviewer approves: their Markdown as HTML and plain text, the customer's question
// quoted briefly, signed with the reviewer's name, credential and signature. The console's
// confirmation shows exactly this rendering, and approval queues exactly this rendering.
import { htmlToPlain, markdownToHtml } from './markdown.ts';
import { renderEmail, type RenderedEmail } from './render.ts';

export interface AnswerEmailInput {
  /** The customer's display name, if any. */
  name: string | null;
  ticket: string;
  /** The reviewer's reply in the Markdown subset (see markdown.ts). */
  body: string;
  reviewer: { name: string; credential: string; signature: string };
  /** The customer's newest message (masked text), quoted briefly above the answer. */
  question: string | null;
}

const QUOTE_CHARS = 500;
const QUOTE_LINES = 8;

/** The start of the question, cut at a word, without blank lines: enough to recognise it. */
export function briefQuote(text: string | null): string[] {
  if (!text) return [];
  const lines: string[] = [];
  let used = 0;
  for (const raw of text.slice(0, QUOTE_CHARS * 2).split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (lines.length === QUOTE_LINES || used >= QUOTE_CHARS) {
      lines[lines.length - 1] += ' …';
      break;
    }
    const room = QUOTE_CHARS - used;
    if (line.length > room) {
      const cut = line.slice(0, room);
      const space = cut.lastIndexOf(' ');
      lines.push(`${(space > room / 2 ? cut.slice(0, space) : cut).trimEnd()} …`);
      break;
    }
    lines.push(line);
    used += line.length;
  }
  return lines;
}

export function answerEmailData(i: AnswerEmailInput): Record<string, unknown> {
  const bodyHtml = markdownToHtml(i.body);
  const credential = i.reviewer.credential.trim();
  return {
    name: i.name,
    ticket: i.ticket,
    bodyHtml,
    bodyText: htmlToPlain(bodyHtml),
    question: briefQuote(i.question),
    reviewer: {
      name: i.reviewer.name,
      credential,
      signedAs: credential ? `${i.reviewer.name}, ${credential}` : i.reviewer.name,
      signature: i.reviewer.signature
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l, n, all) => l || (n > 0 && n < all.length - 1)),
    },
  };
}

export function renderAnswerEmail(i: AnswerEmailInput): RenderedEmail {
  return renderEmail('answer', answerEmailData(i));
}
