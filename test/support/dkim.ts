// A test domain's DKIM key pair, its DNS record, and mail signed with it. The signer is written here
// (RFC 6376, rsa-sha256, relaxed/relaxed) rather than taken from mailauth, so the verifier under test
// is checked against an independent implementation; mailauth 4.9.5's own signer also produced a bad
// signature for about one message in 400.
import crypto from 'node:crypto';

export interface DkimDomain {
  domain: string;
  selector: string;
  /** The DNS TXT record name and value that publish the public key. */
  record: [name: string, value: string];
  sign(raw: string): Promise<string>;
}

const SIGNED_HEADERS = ['from', 'to', 'subject', 'date', 'message-id'];

/** Relaxed header canonicalization: lower-case name, unfolded, runs of white space as one space. */
const relaxedHeader = (line: string) => {
  const colon = line.indexOf(':');
  return `${line.slice(0, colon).toLowerCase().trim()}:${line
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim()}`;
};

/** Relaxed body canonicalization: white space runs as one space, none at line ends, no trailing empty lines. */
function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
}

export function dkimDomain(domain: string, selector = 'test'): DkimDomain {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    domain,
    selector,
    record: [`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${pub}`],
    async sign(raw) {
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.slice(0, split);
      const body = raw.slice(split + 4);
      // Header fields, folded lines joined to their field.
      const fields = head.split(/\r\n(?![ \t])/);
      const byName = new Map(fields.map((f) => [f.slice(0, f.indexOf(':')).trim().toLowerCase(), f]));
      const names = SIGNED_HEADERS.filter((n) => byName.has(n));
      const bh = crypto.createHash('sha256').update(relaxedBody(body)).digest('base64');
      const dkim = `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=${selector}; t=${Math.floor(Date.now() / 1000)}; h=${names.join(':')}; bh=${bh}; b=`;
      const signedText = names.map((n) => `${relaxedHeader(byName.get(n)!)}\r\n`).join('') + relaxedHeader(dkim);
      const b = crypto.sign('sha256', Buffer.from(signedText), privateKey).toString('base64');
      return `${dkim}${b}\r\n${raw}`;
    },
  };
}
