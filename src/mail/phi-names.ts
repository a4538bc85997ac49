// Patient names that the pattern detectors in phi.ts miss: names in any case after a cue word
// ("PATIENT: ROBERT BROWN", "pt robert brown was seen", "Mrs. patricia johnson"), and capitalised
// given name + surname pairs without a cue ("Maria Garcia had 99214"), looked up in the public-domain
// US Census surname and SSA given-name lists (data/names, frequency-cut).
// Precision: coders' mail is full of words that are also names (Will, Mark, Brown, Hunter syndrome,
// Baker cyst), so a name without a cue must be two capitalised words, a frequent given name then a
// frequent surname, neither a common English word, and not in the signature (the sender is not a
// patient). One pass over the words: linear in the text.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { KeyIndex } from '../key-index.ts';

export interface NameSpan {
  start: number;
  end: number;
}

/** A name list: lower-case names and, by row, each one's figure. */
interface NameList {
  names: KeyIndex;
  figures: Uint32Array;
}

interface Lists {
  /** Given name -> SSA count. */
  given: NameList;
  /** Surname -> Census rank. */
  surname: NameList;
}

/** Without a cue, the given name must be this frequent and the surname this common. */
const STRICT_GIVEN_COUNT = 20_000;
const STRICT_SURNAME_RANK = 20_000;

let lists: Lists | null = null;

/** 57,000 names as a KeyIndex, not a Map of strings: 4 MB less heap in every ingest worker. */
function readList(file: string): NameList {
  const text = gunzipSync(readFileSync(new URL(`../../data/names/${file}`, import.meta.url))).toString('utf8');
  const names: string[] = [];
  const figures: number[] = [];
  for (const line of text.split('\n').slice(1)) {
    const tab = line.indexOf('\t');
    if (tab > 0) {
      names.push(line.slice(0, tab).toLowerCase());
      figures.push(Number(line.slice(tab + 1)));
    }
  }
  return { names: KeyIndex.of(names, `data/names/${file}`), figures: Uint32Array.from(figures) };
}

/** The name's figure, or undefined when the list does not hold it. */
function figure(list: NameList, name: string): number | undefined {
  const row = list.names.get(name);
  return row < 0 ? undefined : list.figures[row];
}

function load(): Lists {
  lists ??= { given: readList('given-names.tsv.gz'), surname: readList('surnames.tsv.gz') };
  return lists;
}

// Words that introduce a person. "name" covers "name:", "pt name", "patient name".
const CUES = new Set([
  'patient',
  'pt',
  'name',
  'member',
  'subscriber',
  'insured',
  'guarantor',
  'beneficiary',
  'resident',
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
]);
// Between a cue and the name: "pt is michael smith", "patient named ...", "patient's name: ...".
const FILLERS = new Set(['is', 'was', 'named', 'name', 's']);

// English words that are also on the lists and are common in coding questions; never a name alone.
const COMMON = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its ' +
    'may me might my no not of on or our she should so than that the their them then there these they this to too us ' +
    'was we were what when where which who will with would you your yes all any each few more most other some such only own same ' +
    'very just also new old long short high low early late left right first last next good best well much many ' +
    'bill billed billing mark marks sue pat art will may june april august ' +
    'autumn spring day days week month year time date dates service services code codes cpt ' +
    'patient pt visit clinic hospital medical center health care office doctor nurse payer plan part parts unit units ' +
    'street road blue shield age aged old male female man woman boy girl son daughter wife husband mother father ' +
    'said says see seen saw say tell told ask asked call called send sent thanks thank regards best sincerely cheers ' +
    'hi hello dear team group modifier modifiers edit edits unit add on off up down over under again still even ever ' +
    'medicare medicaid tricare aetna cigna humana anthem united kaiser blue cross syndrome disease fracture cyst palsy'
  ).split(' '),
);

// Ordinary words that are also common surnames: a surname only after a listed given name or a cue.
const SOFT = new Set(
  (
    'black white green brown gray grey gold silver young king law love hall hill wood woods field fields lake park parks ' +
    'north south east west bay port rock stone water bank banks house home church cross rose lily dawn summer winter ' +
    'grant hope joy faith chase case page price cash rich long short'
  ).split(' '),
);

// A sign-off line: the name under it is the sender's, not a patient's.
const SIGN_OFF =
  /^[ \t]*(?:thanks|thank you|many thanks|regards|best|best regards|kind regards|warm regards|sincerely|cheers|respectfully|--)[ \t]*(?:[,!.][ \t]*)?$/im;
// Identifiers that, right after a name, make it a patient's even without a cue.
const ID_AFTER = /^[\s,;:(]{0,4}(?:\(?\s{0,2}(?:born|dob|d\.o\.b|date of birth|mrn|mr#|age[d]?|\d{1,3}\s?(?:y\/?o|yo|years? old))\b)/i;

interface Word {
  start: number;
  end: number;
  /** Lower case, possessive removed. */
  key: string;
  text: string;
}

const WORD = /[A-Za-z][A-Za-z'’-]*/g;

function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    let t = m[0];
    // "Young's" -> "Young"; a trailing hyphen or apostrophe is punctuation
    t = t.replace(/['’]s$/i, '');
    let end = t.length;
    while (end > 0 && (t[end - 1] === '-' || t[end - 1] === "'" || t[end - 1] === '’')) end--;
    t = t.slice(0, end);
    if (!t) continue;
    out.push({ start: m.index!, end: m.index! + t.length, key: t.toLowerCase(), text: t });
  }
  return out;
}

const isTitle = (w: Word) => /^[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?$/.test(w.text) || /^(?:Ma?c|O['’])[A-Z][a-z]+$/.test(w.text);

function partsOf(w: Word): string[] {
  return w.key.replace(/['’]/g, '').split('-');
}

function isListed(w: Word, l: Lists, asSurname = false): boolean {
  if (COMMON.has(w.key) || (!asSurname && SOFT.has(w.key))) return false;
  return partsOf(w).some((p) => l.given.names.has(p) || l.surname.names.has(p));
}

function strictGiven(w: Word, l: Lists): boolean {
  return !COMMON.has(w.key) && !SOFT.has(w.key) && (figure(l.given, w.key) ?? 0) >= STRICT_GIVEN_COUNT;
}

function strictSurname(w: Word, l: Lists): boolean {
  return !COMMON.has(w.key) && partsOf(w).some((p) => (figure(l.surname, p) ?? Infinity) <= STRICT_SURNAME_RANK);
}

function looseGiven(w: Word, l: Lists): boolean {
  return !COMMON.has(w.key) && !SOFT.has(w.key) && l.given.names.has(w.key);
}

function looseSurname(w: Word, l: Lists): boolean {
  return !COMMON.has(w.key) && partsOf(w).some((p) => l.surname.names.has(p));
}

/** The text between two words is one space or tab (a name does not run over a line or a full stop). */
function spaceBetween(text: string, a: Word, b: Word): boolean {
  const gap = text.slice(a.end, b.start);
  return gap.length > 0 && gap.length <= 2 && /^[ \t]+$/.test(gap);
}

/** Name spans in `text`. Kept apart from the pattern detectors so the list rules can be tested alone. */
export function findNames(text: string): NameSpan[] {
  const l = load();
  const ws = words(text);
  const spans: NameSpan[] = [];
  const signOff = SIGN_OFF.exec(text);
  const signatureFrom = signOff ? signOff.index : Infinity;
  let i = 0;
  while (i < ws.length) {
    const w = ws[i];
    // 1. a cue, optional fillers, then two or three listed words in any case ("JOHNSON, MARY" too)
    if (CUES.has(w.key)) {
      let j = i + 1;
      while (j < ws.length && j <= i + 3 && (FILLERS.has(ws[j].key) || CUES.has(ws[j].key)) && text.slice(ws[j - 1].end, ws[j].start).length <= 4) j++;
      const gapToName = j < ws.length ? text.slice(ws[j - 1].end, ws[j].start) : '';
      if (j < ws.length && /^[\s:,.#-]{1,6}$/.test(gapToName) && !gapToName.includes('\n') && isListed(ws[j], l)) {
        let k = j;
        while (
          k + 1 < ws.length &&
          k - j < 2 &&
          isListed(ws[k + 1], l, true) &&
          (spaceBetween(text, ws[k], ws[k + 1]) || (k === j && /^,[ \t]{1,2}$/.test(text.slice(ws[k].end, ws[k + 1].start))))
        )
          k++;
        if (k > j) {
          spans.push({ start: ws[j].start, end: ws[k].end });
          i = k + 1;
          continue;
        }
      }
    }
    // 2. without a cue: Given Surname, capitalised, both frequent (or both listed when an identifier
    //    such as "born" or "MRN" follows), outside the signature
    const next = ws[i + 1];
    if (next && w.start < signatureFrom && isTitle(w) && isTitle(next) && spaceBetween(text, w, next)) {
      const strict = strictGiven(w, l) && strictSurname(next, l);
      const loose = !strict && looseGiven(w, l) && looseSurname(next, l) && ID_AFTER.test(text.slice(next.end, next.end + 40));
      if (strict || loose) {
        spans.push({ start: w.start, end: next.end });
        i += 2;
        continue;
      }
    }
    i++;
  }
  return spans;
}
