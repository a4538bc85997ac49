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
const BUNDLES = /\b(?:shall not (?:be )?report|not (?:be )?separately report|shall not be reported separately|not separately reportable|are included in|is included in|includes? (?:fluoroscopic|ultrasound|imaging|radiolog))/i;

export function quoteOf(kb: AnswerKb, id: string): GuidanceQuote | null {
  const p = kb.guidanceParagraph?.(id);
  if (!p) return null;
  return { id: p.id, source: p.sourceTitle, section: [p.chapter, p.section].filter(Boolean).join(', '), page: p.page, text: trimQuote(p.text) };
}

/** A paragraph that names both codes (or ranges holding them) and says one is not reported with the other. */
export function bundlingParagraph(kb: AnswerKb, a: string, b: string): GuidanceQuote | null {
  if (!kb.guidance) return null;
  for (const h of kb.guidance({ codes: [a, b], terms: ['not separately reportable', 'shall not be reported', 'guidance'], limit: 5 })) {
    if (h.codesNamed.includes(a) && h.codesNamed.includes(b) && BUNDLES.test(h.paragraph.text)) return quoteOf(kb, h.paragraph.id);
  }
  return null;
}

/** A paragraph on the unit of service of a code (e.g. IX.G.3 for imaging guidance). */
export function unitsParagraph(kb: AnswerKb, code: string): GuidanceQuote | null {
  if (!kb.guidance) return null;
  for (const h of kb.guidance({ codes: [code], terms: ['unit of service', 'units of service'], limit: 5 })) {
    if (h.codesNamed.includes(code) && /\bunits? of service\b|\bUOS\b/i.test(h.paragraph.text)) return quoteOf(kb, h.paragraph.id);
  }
  return null;
}

/** The Official Guidelines paragraph that governs sequencing among diagnosis codes, if the KB has one. */
export function sequencingParagraph(kb: AnswerKb, codes: string[]): GuidanceQuote | null {
  if (!kb.guidance) return null;
  const hits = kb.guidance({ codes, terms: ['sequence', 'code first', 'use additional code', 'sequenced first'], sources: ['icd10cm-guidelines-fy2026'], limit: 3 });
  const h = hits.find((x) => x.codesNamed.length > 0) ?? hits[0];
  return h ? quoteOf(kb, h.paragraph.id) : null;
}
