// Guidance paragraphs on the shipped table: CPT quotations stripped, queries by code, range and term.
import { beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/kb/index.ts';
import { CPT_OMITTED, dropDescriptorsAfterCodes, stripCptText } from '../../src/kb/guidance/stripCpt.ts';
import { extractCodes } from '../../src/kb/guidance/codes.ts';

const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'guidance');

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ importDir: path.join(os.tmpdir(), `kb-none-${process.pid}`) });
});

test('stripCptText drops descriptors after codes and quoted CPT definitions, keeps CMS words', () => {
  const cases: [string, string][] = [
    ['(e.g., CPT code 58263 (Vaginal hysterectomy, for uterus 250 g or less; with removal of tube(s) and/or ovary(s))).', '(e.g., CPT code 58263).'],
    ['report CPT code 46600 (Anoscopy; diagnostic...) plus CPT code 45100 (Biopsy...).', 'report CPT code 46600 plus CPT code 45100.'],
    ['CPT codes 20500-20501 (Injection of sinus tract) to report', 'CPT codes 20500-20501 to report'],
    [
      'The CPT Professional codebook defines modifier 25 as a “Significant, Separately Identifiable E/M Service.” Modifier 25 may',
      `The CPT Professional codebook defines modifier 25 as ${CPT_OMITTED} Modifier 25 may`,
    ],
    ['defines modifier 59 as follows: Modifier 59: Distinct Procedural Service: Under certain circumstances', `defines modifier 59 as follows: ${CPT_OMITTED}`],
    ['8. CPT code 36591 describes “collection of blood specimen from a device.” These codes', `8. CPT code 36591 describes ${CPT_OMITTED} These codes`],
    ['an instruction which states: “Do not report 37184-37185 for mechanical thrombectomy.”', `an instruction which states: ${CPT_OMITTED}`],
    // CMS's own parentheses and short quoted terms stay.
    ['a total abdominal colectomy (e.g., CPT code 44150).', 'a total abdominal colectomy (e.g., CPT code 44150).'],
    ['the code descriptor includes the “separate procedure” designation', 'the code descriptor includes the “separate procedure” designation'],
    // A quotation left unbalanced ends at its first ")"; one that never closes is left alone.
    ['CPT code 96522 (Refilling of pump, systemic (e.g., intravenous) and CPT code 96521 (Refilling) shall not', 'CPT code 96522 and CPT code 96521 shall not'],
    ['CPT code 99213 (unclosed', 'CPT code 99213 (unclosed'],
  ];
  for (const [input, want] of cases) assert.equal(stripCptText(input), want, input);
});

test('no shipped NCCI paragraph still holds a CPT descriptor its source row quoted', () => {
  const lines = fs.readFileSync(path.join(shared, 'paragraphs.tsv'), 'utf8').split('\n').filter(Boolean);
  const head = lines[0].split('\t');
  const col = (n: string) => head.indexOf(n);
  let flagged = 0;
  let dropped = 0;
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    if (cells[col('quotes_cpt_text')] !== 'yes') continue;
    flagged++;
    const id = cells[col('paragraph_id')];
    const source = cells[col('text')];
    const shipped = kb.guidanceParagraph(id);
    assert.ok(shipped, id);
    for (const group of dropDescriptorsAfterCodes(source).dropped) {
      dropped++;
      assert.ok(!shipped.text.includes(group), `${id} still holds ${group}`);
    }
    for (const m of source.matchAll(/defines modifier \d{2} as(?: an?)? (“[^”]*”)/g)) assert.ok(!shipped.text.includes(m[1]), `${id}: ${m[1]}`);
    for (const m of source.matchAll(/describes (“[^”]*”)/g)) assert.ok(!shipped.text.includes(m[1]), `${id}: ${m[1]}`);
    assert.ok(!shipped.text.includes('Distinct Procedural Service'), id);
  }
  assert.equal(flagged, 249);
  assert.ok(dropped > 300, `only ${dropped} descriptors found to check`);
});

test('guidance queries rank paragraphs naming the codes, by range, and by terms', () => {
  const ids = (q: Parameters<KnowledgeBase['guidance']>[0]) => kb.guidance(q).map((h) => h.paragraph.id);
  // Arthrocentesis with ultrasound guidance: IV.H.7 holds 20610 in "20600-20611" (the 20604/20606/20611
  // family "with or without ultrasound guidance"); IX.G.3 names 76942.
  const both = kb.guidance({ codes: ['20610', '76942'], terms: ['ultrasound guidance'], limit: 10 });
  assert.equal(both[0].paragraph.id, 'IV.H.7');
  assert.deepEqual(both[0].codesNamed, ['20610']);
  assert.deepEqual(both[0].termsFound, ['ultrasound guidance']);
  assert.match(both[0].paragraph.text, /20600-20611 are a family of codes describing arthrocentesis/);
  assert.ok(ids({ codes: ['20610', '76942'], limit: 10 }).includes('IX.G.3'));
  // Range containment: 64493 in I.G.p2's "64400-64530"; 22533 in IV.F.3's "22532-22865", below the direct mentions.
  const range = kb.guidance({ codes: ['64493'] });
  assert.ok(range.some((h) => h.paragraph.id === 'I.G.p2' && h.codesNamed.includes('64493')));
  const r22533 = kb.guidance({ codes: ['22533'] });
  assert.ok(r22533.findIndex((h) => h.paragraph.id === 'IV.F.4') < r22533.findIndex((h) => h.paragraph.id === 'IV.F.3'));
  // ICD-10-CM: a category mention (E11.-) holds E11.65; the diabetes guideline section answers.
  const dm = ids({ codes: ['E1165'], sources: ['icd10cm-guidelines-fy2026'] });
  assert.ok(dm.includes('ICD.I.C.4.a.2.p1'), JSON.stringify(dm));
  // Terms only.
  assert.ok(ids({ terms: ['modifier 25'], limit: 10 }).includes('I.E.b'));
  assert.ok(kb.guidance({ terms: ['bilateral'], sources: ['medicare-bpm-ch15'] }).every((h) => h.paragraph.source === 'medicare-bpm-ch15'));
  assert.equal(kb.guidance({ codes: ['99213'], limit: 2 }).length, 2);
  assert.deepEqual(kb.guidance({ terms: ['zzzzqq'] }), []);
  // Every hit is a paragraph the id lookup returns.
  for (const h of kb.guidance({ codes: ['99213', '25'], terms: ['global surgery'], limit: 20 }))
    assert.equal(kb.guidanceParagraph(h.paragraph.id), h.paragraph);
});

test('paragraphs carry source, section and page', () => {
  const cases: { id: string; source: string; section: RegExp; page: string; codes?: string[]; ranges?: [string, string][] }[] = [
    {
      id: 'IV.H.7',
      source: 'ncci-policy-manual-2026',
      section: /^H\. Medically Unlikely Edits/,
      page: 'IV-14',
      codes: ['20610'],
      ranges: [['20600', '20611']],
    },
    {
      id: 'ICD.I.B.7.p1',
      source: 'icd10cm-guidelines-fy2026',
      section: /^Section I\.B\.7\. Multiple coding for a single condition/,
      page: '13',
      codes: ['B95', 'B96'],
    },
    { id: 'ICD.I.C.4.a.p1', source: 'icd10cm-guidelines-fy2026', section: /^Section I\.C\.4\.a\. Diabetes mellitus/, page: '39', ranges: [['E08', 'E13']] },
    { id: 'BPM15.40.24.p1', source: 'medicare-bpm-ch15', section: /^§40\.24 - The Difference Between Advance Beneficiary Notices/, page: '§40.24' },
  ];
  for (const c of cases) {
    const p = kb.guidanceParagraph(c.id);
    assert.ok(p, c.id);
    assert.equal(p.source, c.source, c.id);
    assert.match(p.section, c.section, c.id);
    assert.equal(p.page, c.page, c.id);
    assert.ok(p.sourceTitle.length > 10, c.id);
    if (c.codes) assert.deepEqual(p.codes, c.codes, c.id);
    if (c.ranges) assert.deepEqual(p.ranges, c.ranges, c.id);
  }
  assert.equal(kb.guidanceParagraph('nope'), null);
});

test('extractCodes keeps known codes and ranges, not page or citation numbers', () => {
  const known = (c: string) => ['20610', '64490', '64495', 'E11', 'E11.65', 'A00.0', 'T88.9', 'J1885'].includes(c);
  assert.deepEqual(extractCodes('CPT codes 64490-64495 and 20610; see E11.65 and E11.-', known), {
    codes: ['20610', 'E11.65', 'E11'],
    ranges: [['64490', '64495']],
  });
  assert.deepEqual(extractCodes('from A00.0 through T88.9 (Rev. 20610; 74 FR 20610) J1885', known), { codes: ['J1885'], ranges: [['A00.0', 'T88.9']] });
});
