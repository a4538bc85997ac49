// Adversarial messages (issue #14, finding 1): small emails whose bodies made a regex or a scan go
// quadratic, or a converter recurse, and so stalled the whole process. Shared by the event-loop test
// and the hostile bench, so both measure the same inputs.

export interface HostileMail {
  name: string;
  raw: Buffer;
}

const HEAD = (subject: string, contentType = 'text/plain; charset=utf-8', extra: string[] = []) =>
  [
    'From: Coder <coder@clinic.example>',
    'To: consult@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${subject.slice(0, 20).replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2)}@clinic.example>`,
    'Date: Tue, 10 Feb 2026 10:00:00 +0000',
    ...extra,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
  ].join('\r\n');

function plain(name: string, body: string, extra: string[] = []): HostileMail {
  return { name, raw: Buffer.from(`${HEAD(name, 'text/plain; charset=utf-8', extra)}\r\n\r\n${body}\r\n`, 'utf8') };
}

function html(name: string, body: string): HostileMail {
  return { name, raw: Buffer.from(`${HEAD(name, 'text/html; charset=utf-8')}\r\n\r\n${body}\r\n`, 'utf8') };
}

/** Repeats `unit` until the result is about `bytes` long. */
export function fill(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

const KB = 1024;
const MB = 1024 * KB;

/** A normal coding question: the baseline every hostile message is compared with. */
export function normalMail(): HostileMail {
  return plain(
    'normal question',
    'Hello,\r\n\r\nCan I bill 99214-25 with 20610 on the same DOS 02/10/2026? The payer denied 20610 with CO-97.\r\n' +
      'Patient is 54 years old; diagnosis M17.11. Is modifier 59 or XS the better choice?\r\n\r\nThanks,\r\nAnn\r\n',
  );
}

/** The hostile set: each entry once stalled, or could stall, a stage. Sizes stay under 2.1 MB. */
export function hostileMails(): HostileMail[] {
  const many = (n: number) => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`--b\r\nContent-Type: text/plain\r\n\r\npart ${i} 99214\r\n`);
    return `${parts.join('')}--b--\r\n`;
  };
  const headerLines: string[] = [];
  for (let i = 0; i < 900; i++) headerLines.push(`X-Filler-${i}: ${fill('a.', 900)}`);
  return [
    plain('200 KB of a.', fill('a.', 200 * KB)),
    plain('1 MB single line', fill('Can I bill 99214-25 with 20610 and J1885 x2 on DOS 02/10/2026 for M17.11? ', MB)),
    plain('2 MB single line', fill('Can I bill 99214-25 with 20610 and J1885 x2 on DOS 02/10/2026 for M17.11? ', 2 * MB)),
    html('100k nested divs', `${'<div>'.repeat(100_000)}Can I bill 99214?${'</div>'.repeat(100_000)}`),
    html('100k unclosed tags', `${'<b><i>'.repeat(50_000)}Can I bill 99214?`),
    plain('1 MB of digits', fill('1', MB)),
    plain('1 MB of dashes', fill('-', MB)),
    plain('1 MB of digits and dashes', fill('123-', MB)),
    plain('1 MB of @', fill('@', MB)),
    plain('1 MB of dots', fill('.', MB)),
    plain('1 MB of a@a.', fill('a@a.', MB)),
    plain('1 MB of colons and hex', fill('1a:', MB)),
    plain('1 MB of spaces then a code', `${fill(' ', MB)}99214`),
    plain('1 MB code-like tokens', fill('foo.bar_baz(qux, 0x1F, arr[12345], "s@t.u") && A1B.c2d3 -> $12,345.67; ', MB)),
    plain('1 MB capitalised words', fill('Patient John Smith Mary Jones Robert Brown ', MB)),
    plain('1 MB of Mr.', fill('Mr. ', MB)),
    plain('1 MB of +1 (', fill('+1 (1) ', MB)),
    plain('1 MB of $1,', fill('$1,', MB)),
    plain('1 MB of quoted lines', fill('> On Mon, Feb 9, 2026 at 10:00 AM Ann <a@b.c> wrote:\r\n', MB)),
    plain('1 MB of wrote lines', fill('On Mon wrote:\r\n', MB)),
    plain('1 MB of short lines', fill('99214\r\n', MB)),
    plain('1 MB of modifiers', fill('-25', MB)),
    plain('1 MB of modifier words', fill('modifier 25, ', MB)),
    plain('1 MB of dates', fill('02/10/2026 ', MB)),
    { name: 'huge headers', raw: Buffer.from(`${HEAD('huge headers', 'text/plain', headerLines)}\r\n\r\nCan I bill 99214?\r\n`) },
    { name: 'huge subject header', raw: Buffer.from(`${HEAD(`Re: ${fill('99214 a. ', 900 * KB)}`)}\r\n\r\nCan I bill 99214?\r\n`) },
    { name: '990 MIME parts', raw: Buffer.from(`${HEAD('990 parts', 'multipart/mixed; boundary="b"')}\r\n\r\n${many(990)}`) },
  ];
}
