// Words in a question that point at a modifier family ("wastage" -> JW/JZ, "ABN" -> GA/GX/GY/GZ).
// Phrases come from the HCPCS Level II modifier descriptors (October 2025) where they exist, plus a
// short hand-written list for what coders say; CPT modifiers appear as numbers only (their
// descriptors are AMA text). Pure; one pass over the question's words.

export interface ModifierFamily {
  family: string;
  modifiers: string[];
  /** The phrase found, as listed here (lower case). */
  matched: string;
}

interface Entry {
  family: string;
  modifiers: string[];
  phrases: string[];
}

const ENTRIES: Entry[] = [
  // XE/XS/XP/XU descriptors: "Separate encounter", "Separate structure", "Separate practitioner", "Unusual non-overlapping service".
  { family: 'X{EPSU}', modifiers: ['XE', 'XS', 'XP', 'XU'], phrases: ['x modifiers', 'x modifier', 'x epsu', 'xepsu', 'x-modifiers'] },
  { family: 'XE', modifiers: ['XE'], phrases: ['xe', 'separate encounter'] },
  { family: 'XS', modifiers: ['XS'], phrases: ['xs', 'separate structure', 'separate organ'] },
  { family: 'XP', modifiers: ['XP'], phrases: ['xp', 'separate practitioner'] },
  { family: 'XU', modifiers: ['XU'], phrases: ['xu', 'unusual non overlapping'] },
  // JW "Drug amount discarded/not administered to any patient"; JZ "Zero drug amount discarded".
  {
    family: 'discarded drug',
    modifiers: ['JW', 'JZ'],
    phrases: ['jw', 'jz', 'discarded', 'wastage', 'wasted', 'drug waste', 'single dose vial', 'single use vial'],
  },
  // LT/RT "Left side"/"Right side (used to identify procedures performed on the ... side of the body)".
  { family: 'laterality', modifiers: ['LT', 'RT'], phrases: ['lt', 'rt', 'left side', 'right side', 'left', 'right'] },
  // Modifier 50 (CPT: number only).
  { family: 'bilateral', modifiers: ['50'], phrases: ['bilateral', 'bilaterally', 'both sides', 'modifier 50'] },
  // AS "... services for assistant at surgery"; 80/81/82 are CPT numbers.
  {
    family: 'assistant at surgery',
    modifiers: ['80', '81', '82', 'AS'],
    phrases: ['assistant', 'assistant at surgery', 'assistant surgeon', 'assist at surgery', 'first assist', 'modifier 80', 'modifier 82'],
  },
  // GA "Waiver of liability statement issued ...", GX "Notice of liability issued, voluntary ...", GY "statutorily excluded", GZ "expected to be denied".
  {
    family: 'ABN',
    modifiers: ['GA', 'GX', 'GY', 'GZ'],
    phrases: ['abn', 'advance beneficiary notice', 'waiver of liability', 'notice of liability', 'statutorily excluded', 'expected to be denied'],
  },
  // TC "Technical component"; 26 (CPT number).
  { family: 'technical component', modifiers: ['TC'], phrases: ['technical component', 'tc'] },
  { family: 'professional component', modifiers: ['26'], phrases: ['professional component', 'modifier 26'] },
  // Anatomic modifiers: E1-E4 eyelids, FA/F1-F9 fingers, TA/T1-T9 toes, LC/LD/LM/RC/RI coronary arteries.
  { family: 'eyelid', modifiers: ['E1', 'E2', 'E3', 'E4'], phrases: ['eyelid', 'eyelids'] },
  { family: 'finger', modifiers: ['FA', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9'], phrases: ['finger', 'fingers', 'thumb', 'digit of the hand'] },
  { family: 'toe', modifiers: ['TA', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9'], phrases: ['toe', 'toes', 'great toe'] },
  {
    family: 'coronary artery',
    modifiers: ['LC', 'LD', 'LM', 'RC', 'RI'],
    phrases: ['coronary artery', 'circumflex', 'left anterior descending', 'left main', 'ramus intermedius'],
  },
  // KX "Requirements specified in the medical policy have been met".
  { family: 'KX', modifiers: ['KX'], phrases: ['kx', 'therapy threshold', 'therapy cap'] },
  // GP/GO/GN "Services delivered under an outpatient physical/occupational/speech language pathology plan of care".
  {
    family: 'therapy plan of care',
    modifiers: ['GP', 'GO', 'GN'],
    phrases: ['plan of care', 'physical therapy', 'occupational therapy', 'speech language pathology'],
  },
  // 340B: JG/TB "Drug or biological acquired with 340b drug pricing program discount".
  { family: '340B', modifiers: ['JG', 'TB'], phrases: ['340b'] },
  // Global surgery (CPT numbers; the NCCI manual groups them).
  {
    family: 'global surgery',
    modifiers: ['24', '25', '57', '58', '78', '79'],
    phrases: ['global period', 'global surgery', 'postoperative period', 'decision for surgery'],
  },
  {
    family: 'distinct procedural service',
    modifiers: ['59', 'XE', 'XS', 'XP', 'XU'],
    phrases: ['modifier 59', 'distinct procedural', 'separate site', 'separate lesion', 'different site'],
  },
];

/** Phrases by their first word, each as its word list; longest first so "left side" wins over "left". */
const BY_FIRST = new Map<string, { words: string[]; entry: Entry; phrase: string }[]>();
for (const entry of ENTRIES) {
  for (const phrase of entry.phrases) {
    const words = phrase.split(' ');
    let list = BY_FIRST.get(words[0]);
    if (!list) BY_FIRST.set(words[0], (list = []));
    list.push({ words, entry, phrase });
  }
}
for (const list of BY_FIRST.values()) list.sort((a, b) => b.words.length - a.words.length);

/** Modifier families the text mentions, in order of first mention, once per family. */
export function modifierFamilyFromWords(text: string): ModifierFamily[] {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const out: ModifierFamily[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const candidates = BY_FIRST.get(words[i]);
    if (!candidates) continue;
    for (const c of candidates) {
      let ok = true;
      for (let k = 1; k < c.words.length && ok; k++) ok = words[i + k] === c.words[k];
      if (!ok) continue;
      if (!seen.has(c.entry.family)) {
        seen.add(c.entry.family);
        out.push({ family: c.entry.family, modifiers: c.entry.modifiers, matched: c.phrase });
      }
      break;
    }
  }
  return out;
}
