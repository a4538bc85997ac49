// How much of a message text analysis reads. Every scan is linear, but a 10 MB body would still cost
// seconds of one event loop; a coding question is a few KB, so analysis (reply stripping, PHI
// masking, code extraction, intents, date of service) reads the first ANALYSED_TEXT_MAX characters (32 KB).
// The rest is not lost: the raw message is stored whole, and the reviewer is told the text was cut.

/** Characters of a message's text that analysis reads: 32 KB (8 pages; a coding question is a few KB). */
export const ANALYSED_TEXT_MAX = 32 * 1024;

/** Characters of a subject that analysis reads (RFC 5322 lines stop at 998). */
export const ANALYSED_SUBJECT_MAX = 2000;

/** The first `max` characters of `text`, never splitting a surrogate pair. */
export function boundText(text: string, max = ANALYSED_TEXT_MAX): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** The note stored after a body whose text was cut for analysis (what the reviewer sees). */
export function truncationNote(totalChars: number, max = ANALYSED_TEXT_MAX): string {
  return `[Message truncated: only its first ${Math.round(max / 1024)} KB of ${Math.ceil(totalChars / 1024)} KB were read and masked; the full message is kept with the raw mail.]`;
}
