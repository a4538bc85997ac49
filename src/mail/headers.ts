// Small header helpers shared by parse, classify, bounce and threading.

/** C0 controls and DEL except tab, LF and CR: what hostile mail hides in headers and text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's job
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** One line of header text: control characters gone (NUL in a subject, Discourse), folding undone. */
export function cleanHeaderText(value: string): string {
  return value
    .replace(CONTROL, '')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

const MSG_ID = /<([^<>\s]+@[^<>\s]+)>/g;

/**
 * Message-ids in the canonical `<left@right>` form. Bare ids (no brackets) are accepted only when the
 * whole value is one token with an @, which is how some clients write In-Reply-To.
 */
export function parseMessageIdList(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(MSG_ID)) {
    const id = `<${m[1]}>`;
    if (!out.includes(id)) out.push(id);
  }
  if (out.length === 0) {
    const bare = value.trim();
    if (/^[^<>\s@]+@[^<>\s@]+$/.test(bare)) out.push(`<${bare}>`);
  }
  return out;
}

export function normalizeMessageId(value: string | null): string | null {
  if (!value) return null;
  return parseMessageIdList(value)[0] ?? null;
}

/** The domain (right-hand side) of a `<left@right>` message-id, lower-cased. */
export function messageIdDomain(id: string | null): string | null {
  if (!id) return null;
  const m = /@([^>]+)>?$/.exec(id);
  return m ? m[1].toLowerCase() : null;
}

/** Bare addresses found in an address-ish header value (To, Delivered-To, Return-Path...). */
export function addressesIn(value: string): string[] {
  // the lookbehind starts a match only where a run starts: a long run without "@" is scanned once
  return [...value.matchAll(/(?<![^\s<>"',;:()])[^\s<>"',;:()]+@[^\s<>"',;:()]+/g)].map((m) => m[0].toLowerCase());
}
