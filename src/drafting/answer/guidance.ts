// Official guidance an answer quotes: the KB's indexed paragraphs when the KB has them, and a small table
// of code families whose single code includes the imaging guidance (NCCI Policy Manual), which outrank
// whatever the PTP table says about the pair.
import type { AnswerKb, GuidanceQuote } from './types.ts';
import { trimQuote } from './types.ts';

/** Imaging guidance codes (NCCI Policy Manual IX.G.3 lists the needle-placement guidance family). */
export const IMAGING_GUIDANCE = new Set(['76942', '77002', '77003', '77012', '77021', '76998', '76000', '72291', '72292']);

/**
 * Procedures whose family has a code that includes ultrasound guidance: the pair "procedure + 76942" is
 * reported as that single code. NCCI Policy Manual IV.H.7 (20600-20611, "with or without ultrasound
 * guidance") and IX.H.12 (guidance procedures include the imaging).
 */
export const WITH_GUIDANCE: Record<string, { code: string; guidance: string[]; paragraphs: string[] }> = {
  '20600': { code: '20604', guidance: ['76942'], paragraphs: ['IV.H.7', 'IX.H.12'] },
  '20605': { code: '20606', guidance: ['76942'], paragraphs: ['IV.H.7', 'IX.H.12'] },
  '20610': { code: '20611', guidance: ['76942'], paragraphs: ['IV.H.7', 'IX.H.12'] },
};

/** Words in a paragraph that say one service includes the other or is not reported with it. */
const BUNDLES =
  /\b(?:shall not (?:be )?report|not (?:be )?separately report|shall not be reported separately|not separately reportable|are included in|is included in|includes? (?:fluoroscopic|ultrasound|imaging|radiolog))/i;

export function quoteOf(kb: AnswerKb, id: string): GuidanceQuote | null {
  const p = kb.guidanceParagraph?.(id);
  if (!p) return null;
  return { id: p.id, source: p.sourceTitle, section: [p.chapter, p.section].filter(Boolean).join(', '), page: p.page, text: trimQuote(p.text) };
}

const CODE_OR_RANGE = /\b([A-Z]?\d{4}[0-9A-Z]?)(?:\s?-\s?([A-Z]?\d{4}[0-9A-Z]?))?\b/g;
const NARROW_RANGE = 50;

/** Whether a text names the code itself, or a narrow numeric range holding it (20600-20611, not 00100-01999). */
function names(text: string, code: string): boolean {
  for (const m of text.matchAll(CODE_OR_RANGE)) {
    if (m[1] === code || m[2] === code) return true;
    if (m[2] && /^\d{5}$/.test(code) && /^\d{5}$/.test(m[1]) && /^\d{5}$/.test(m[2])) {
      const [lo, hi, c] = [Number(m[1]), Number(m[2]), Number(code)];
      if (hi - lo <= NARROW_RANGE && lo <= c && c <= hi) return true;
    }
  }
  return false;
}

/**
 * A paragraph that names both codes (or narrow ranges holding them) and, in a sentence naming just one
 * of them, says it is not reported separately. The index's ranking is only a shortlist: broad ranges
 * (every E/M, every anesthesia code) name everything and decide nothing.
 */
export function bundlingParagraph(kb: AnswerKb, a: string, b: string): GuidanceQuote | null {
  if (!kb.guidance) return null;
  // Codes only: the words are checked here, sentence by sentence (a term query costs the index far more).
  for (const h of kb.guidance({ codes: [a, b], limit: 5 })) {
    if (h.codesNamed.length < 2) continue;
    const text = h.paragraph.text;
    if (!names(text, a) || !names(text, b)) continue;
    const sentences = text.split(/(?<=\.)\s+/);
    // The bundling sentence names exactly one of the two: when it lists both, both are bundled into a
    // third service (e.g. 97140 and 97530 into canalith repositioning), which says nothing about the pair.
    if (sentences.some((x) => BUNDLES.test(x) && names(x, a) !== names(x, b))) return quoteOf(kb, h.paragraph.id);
  }
  return null;
}

/** A paragraph on the unit of service of a code (e.g. IX.G.3 for imaging guidance). */
export function unitsParagraph(kb: AnswerKb, code: string): GuidanceQuote | null {
  if (!kb.guidance) return null;
  for (const h of kb.guidance({ codes: [code], limit: 5 })) {
    // Named outright: a range in a list of bundled services (96360-96379 under anesthesia) is no unit rule for the code.
    if (new RegExp(String.raw`\b${code}\b`).test(h.paragraph.text) && /\bunits? of service\b|\bUOS\b/i.test(h.paragraph.text))
      return quoteOf(kb, h.paragraph.id);
  }
  return null;
}

/** The Official Guidelines paragraph that governs sequencing among diagnosis codes, if the KB has one. */
export function sequencingParagraph(kb: AnswerKb, codes: string[]): GuidanceQuote | null {
  if (!kb.guidance) return null;
  const hits = kb.guidance({ codes, sources: ['icd10cm-guidelines-fy2026'], limit: 8 });
  // Only a section that names one of the codes or its category governs them; a nearby topic does not.
  // With two or more codes, the section must name the categories of two of them (diabetes and CKD both).
  const cats = [...new Set(codes.map((c) => c.slice(0, 3)))];
  const need = Math.min(2, cats.length);
  const h = hits.find((x) => cats.filter((c) => new RegExp(String.raw`\b${c}`).test(x.paragraph.text)).length >= need);
  return h ? quoteOf(kb, h.paragraph.id) : null;
}
