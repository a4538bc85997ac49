// The answer email: the reviewer's Markdown subset to safe HTML and readable text, the quoted question,
// the signature; rendered through the real templates.
import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { briefQuote, renderAnswerEmail } from '../../src/send/answer-email.ts';
import { markdownToHtml, markdownToPlain } from '../../src/send/markdown.ts';

describe('reply Markdown to HTML', () => {
  const cases: [string, string, RegExp, RegExp?][] = [
    ['heading', '## Short answer', /^<h2 style="[^"]+">Short answer<\/h2>$/],
    ['bullet list', '- a\n- b', /^<ul style="[^"]+">\n<li style="[^"]+">a<\/li>\n<li style="[^"]+">b<\/li>\n<\/ul>$/],
    ['numbered list', '1. a\n2. b', /^<ol style="[^"]+">\n<li[^>]*>a<\/li>\n<li[^>]*>b<\/li>\n<\/ol>$/],
    ['bold', 'needs **modifier 25**', /<strong>modifier 25<\/strong>/],
    ['typed line break kept', 'one\ntwo', /one<br \/>two/],
    ['raw HTML shown as text', 'x <b onclick="y()">bold</b>', /x &lt;b onclick="y\(\)"&gt;bold&lt;\/b&gt;/, /<b[ >]/],
    ['script block shown as text', '<script>alert(1)</script>', /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, /<script/],
    ['javascript: link dropped', '[x](javascript:alert(1))', /<a>x<\/a>|x/, /javascript:/],
    ['https link kept', '[CMS](https://www.cms.gov/)', /<a href="https:\/\/www\.cms\.gov\/">CMS<\/a>/],
    ['image not loaded', '![pixel](https://track.example/p.gif)', /pixel/, /<img/],
    ['less-than in text', 'units < 4', /units &lt; 4/],
  ];
  for (const [name, md, want, never] of cases) {
    it(name, () => {
      const html = markdownToHtml(md);
      assert.match(html, want);
      if (never) assert.doesNotMatch(html, never);
    });
  }
});

describe('reply Markdown to plain text', () => {
  const cases: [string, string, string][] = [
    ['headings underlined', '# Answer\n\n## Why\n\ntext', 'Answer\n======\n\nWhy\n---\n\ntext'],
    ['lists', '- a\n- b\n\n1. c\n2. d', ' - a\n - b\n\n 1. c\n 2. d'],
    ['no Markdown marks left', 'needs **modifier 25**', 'needs modifier 25'],
    ['raw HTML kept as typed', 'units < 4 <b>', 'units < 4 <b>'],
  ];
  for (const [name, md, want] of cases) it(name, () => assert.equal(markdownToPlain(md), want));
});

describe('quoted question', () => {
  it('drops blank lines and keeps short questions whole', () => {
    assert.deepEqual(briefQuote('Hello,\n\nCan we bill 20610?\n\nThanks'), ['Hello,', 'Can we bill 20610?', 'Thanks']);
  });
  it('cuts a long question at a word with an ellipsis', () => {
    const q = briefQuote(`${'word '.repeat(200)}end`);
    assert.equal(q.length, 1);
    assert.ok(q[0].length <= 502, `${q[0].length}`);
    assert.match(q[0], /word …$/);
  });
  it('keeps at most 8 lines', () => {
    const q = briefQuote(Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'));
    assert.equal(q.length, 8);
    assert.match(q[7], /line 7 …$/);
  });
  it('is empty without a question', () => assert.deepEqual(briefQuote(null), []));
});

describe('answer email', () => {
  const base = { name: 'Dana Coder', ticket: 'CC-000042', body: '## Short answer\n\n- yes', question: 'Can we bill <b>20610</b>?' };
  it('signs with name, credential and signature, quotes the question, names the ticket', () => {
    const m = renderAnswerEmail({ ...base, reviewer: { name: 'Rita Reviewer', credential: 'CPC, CCS', signature: 'Coding Quality Team\n\nExt. 12' } });
    assert.match(
      m.text,
      /^Hello Dana Coder,\n\nYou asked:\n> Can we bill <b>20610<\/b>\?\n\nShort answer\n-{12}\n - yes\n\nKind regards,\nRita Reviewer, CPC, CCS\nCoding Quality Team\n\nExt\. 12\nCertified coder, CaseConsultant\n/,
    );
    assert.match(m.text, /ticket CC-000042/);
    assert.match(m.html, /<blockquote[^>]*>Can we bill &lt;b&gt;20610&lt;\/b&gt;\?<\/blockquote>/, 'the question is escaped');
    assert.match(m.html, /<strong>Rita Reviewer, CPC, CCS<\/strong><br>Coding Quality Team<br><br>Ext\. 12<br>/);
    assert.match(m.html, /ticket CC-000042/);
  });
  it('without a credential: the name alone, as a coding reviewer', () => {
    const m = renderAnswerEmail({ ...base, reviewer: { name: 'Sam', credential: '', signature: '' } });
    assert.match(m.text, /Kind regards,\nSam\nCoding reviewer, CaseConsultant\n/);
    assert.doesNotMatch(m.html, /Sam,/);
  });
  it('escapes a signature with markup', () => {
    const m = renderAnswerEmail({ ...base, reviewer: { name: 'Eve <i>', credential: 'CPC', signature: '<img src=x onerror=alert(1)>' } });
    assert.doesNotMatch(m.html, /<img|<i>/);
    assert.match(m.html, /Eve &lt;i&gt;, CPC/);
  });
});
