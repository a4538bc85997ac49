// Which two-character tokens are modifiers. CPT Level I modifier numbers are listed (numbers only,
// no descriptors: those are AMA-licensed); HCPCS Level II modifiers come from the KB at run time.
import type { KnowledgeBase } from '../kb/types.ts';

const CPT_MODIFIERS = new Set(
  '22 23 24 25 26 27 32 33 47 50 51 52 53 54 55 56 57 58 59 62 63 66 73 74 76 77 78 79 80 81 82 90 91 92 93 95 96 97 99'.split(' '),
);

export type ModifierOracle = Pick<KnowledgeBase, 'modifier'>;

export function isModifier(token: string, kb: ModifierOracle): boolean {
  const t = token.toUpperCase();
  if (!/^[0-9A-Z]{2}$/.test(t)) return false;
  if (CPT_MODIFIERS.has(t)) return true;
  if (/^\d\d$/.test(t)) return false;
  return kb.modifier(t) !== null;
}

/** Modifiers written right after a code: 99214-25, 20610-RT-59, 11042 -XS, 99214 with modifier 25. */
const ATTACHED = /^(?:[ \t]?-[ \t]?([0-9A-Za-z]{2})(?![0-9A-Za-z]))+/;
const ATTACHED_ONE = /-[ \t]?([0-9A-Za-z]{2})/g;
const WITH_MOD =
  /^[ \t]*(?:with|w\/|w)?[ \t]*(?:modifiers?|mod\.?)[ \t]+([0-9A-Za-z]{2})(?![0-9A-Za-z])(?:[ \t]*(?:,|and|&|\/|\+)[ \t]*([0-9A-Za-z]{2})(?![0-9A-Za-z]))?/i;

// A table cell right of the code (HTML tables become columns of 2+ spaces, tabs or pipes).
const TABLE_CELL = /^(?:\t+|[ ]{2,}|[ \t]*\|[ \t]*)([0-9A-Z]{2}(?:[ \t]*,[ \t]*[0-9A-Z]{2})*)(?=\t|[ ]{2,}|[ \t]*\||[ \t]*(?:\r?\n|$))/;

export function attachedModifiers(after: string, kb: ModifierOracle): { mods: string[]; length: number } {
  const a = ATTACHED.exec(after);
  if (a) {
    const mods: string[] = [];
    let length = 0;
    for (const m of a[0].matchAll(ATTACHED_ONE)) {
      if (isEnglishWord(m[1]) || !isModifier(m[1], kb)) break;
      mods.push(m[1].toUpperCase());
      length = m.index! + m[0].length;
    }
    if (mods.length) return { mods, length };
  }
  const w = WITH_MOD.exec(after);
  if (w) {
    const mods = [w[1], w[2]].filter((x): x is string => !!x && !isEnglishWord(x) && isModifier(x, kb)).map((x) => x.toUpperCase());
    if (mods.length) return { mods, length: w[0].length };
  }
  const t = TABLE_CELL.exec(after);
  if (t) {
    const mods = t[1].split(/[ \t]*,[ \t]*/).filter((x) => isModifier(x, kb));
    if (mods.length) return { mods, length: t[0].length };
  }
  return { mods: [], length: 0 };
}

// "modifier 59", "modifiers 25 and 59", "mod XS", "59 modifier", "-XS", and the distinctive HCPCS
// subset modifiers written bare (XS, XU) that no English word collides with.
const LIST = String.raw`([0-9A-Za-z]{2})(?![0-9A-Za-z])((?:\s*(?:,|or|and|&|\/|vs\.?|versus)\s*-?[0-9A-Za-z]{2}(?![0-9A-Za-z]))*)`;
const AFTER_WORD = new RegExp(String.raw`\b(?:modifiers?|mods?\.?)\s{0,8}(?:[:#,]\s{0,8})?-?` + LIST, 'gi');
const BEFORE_WORD = /(?<![\w-])-?([0-9A-Za-z]{2})\s+(?:modifiers?|mod)\b/gi;
const DASHED = /(?<![\w-])-([0-9A-Z]{2})(?![\w-])/g;
const BARE = /\b(X[EPSU])\b/g;

// English words that are also HCPCS modifiers: written in lower or mixed case they are words ("used as
// Modifier 1" is not AS); only the upper-case form can be the modifier.
const ENGLISH = new Set([
  'AS',
  'AT',
  'BY',
  'GO',
  'IN',
  'IS',
  'IT',
  'ME',
  'NO',
  'OF',
  'ON',
  'OR',
  'SO',
  'TO',
  'UP',
  'US',
  'WE',
  'AN',
  'AM',
  'DO',
  'HE',
  'IF',
  'MY',
  'PA',
  'PT',
  'OK',
]);

export function isEnglishWord(token: string): boolean {
  return ENGLISH.has(token.toUpperCase()) && token !== token.toUpperCase();
}

/** "bill AS on 29881", "XS on 97597": an upper-case modifier said to go on a code. */
const ON_CODE = /\b([0-9A-Z]{2}) on (?=\d{4}[0-9FTUM]\b|[A-Z]\d{4}\b)/g;

export function mentionedModifiers(text: string, kb: ModifierOracle): string[] {
  const out: string[] = [];
  const add = (t: string) => {
    if (isEnglishWord(t)) return;
    const u = t.toUpperCase();
    if (isModifier(u, kb) && !out.includes(u)) out.push(u);
  };
  for (const m of text.matchAll(AFTER_WORD)) {
    add(m[1]);
    if (m[2]) for (const x of m[2].split(/\s*(?:,|\bor\b|\band\b|&|\/|\bvs\b\.?|\bversus\b)\s*-?/i)) if (x) add(x);
  }
  for (const m of text.matchAll(BEFORE_WORD)) add(m[1]);
  for (const m of text.matchAll(DASHED)) add(m[1]);
  for (const m of text.matchAll(BARE)) add(m[1]);
  for (const m of text.matchAll(ON_CODE)) if (!/^\d\d$/.test(m[1])) add(m[1]);
  return out;
}
