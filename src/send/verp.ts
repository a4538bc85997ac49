// VERP (variable envelope return path): each outbound message is sent from
// `<local>+verp-<outboundId>-<mac>@<domain>`, so a bounce, whatever its format, names the exact row
// it answers. The MAC (first 12 hex of HMAC-SHA256 over the id) stops anyone from marking our rows
// bounced by mailing a guessed address. Lower-case hex only: some MTAs fold the local part's case.
// Plus-addressing delivers these to the ordinary mailbox, so no extra mailbox is needed.
import crypto from 'node:crypto';

const MAC_HEX = 12;

function mac(key: Buffer, outboundId: number): string {
  return crypto.createHmac('sha256', key).update(`verp:${outboundId}`).digest('hex').slice(0, MAC_HEX);
}

export function verpTokenFor(key: Buffer, outboundId: number): string {
  return `${outboundId}-${mac(key, outboundId)}`;
}

/** The envelope sender for an outbound row: `consult+verp-42-0123456789ab@example.com`. */
export function verpAddress(mailFrom: string, key: Buffer, outboundId: number): string {
  const at = mailFrom.lastIndexOf('@');
  const local = mailFrom.slice(0, at).split('+')[0];
  return `${local}+verp-${verpTokenFor(key, outboundId)}@${mailFrom.slice(at + 1)}`;
}

/** The outbound id a token names, or null when it is malformed or its MAC is wrong. */
export function outboundIdFromVerp(key: Buffer, token: string | null): number | null {
  const m = /^([1-9]\d{0,15})-([0-9a-f]{12})$/.exec((token ?? '').toLowerCase());
  if (!m) return null;
  const id = Number(m[1]);
  if (!Number.isSafeInteger(id)) return null;
  const expected = Buffer.from(mac(key, id));
  const given = Buffer.from(m[2]);
  return crypto.timingSafeEqual(expected, given) ? id : null;
}
