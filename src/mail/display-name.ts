// The From display name is the sender's to write, and we greet people by it in automatic mail: a
// name like "Claim your prize at http://spam.example/win" would turn our acknowledgement into the
// spammer's message (backscatter). Only what reads as a person's name is kept; anything else is
// dropped and the greeting is a plain "Hello,".

const MAX_LENGTH = 60;
const MAX_WORDS = 5;
// Letters (any script) with combining marks, spaces, and the punctuation names carry: O'Brien-Smith,
// "Smith, Dana", J. R. R. Tolkien. No digits, @, slashes, colons or brackets.
const NAME_CHARS = /^[\p{L}\p{M}][\p{L}\p{M} .,'’-]*$/u;
// "spam.example", "www.x": a dot between letters with no space after it reads as a domain.
const DOMAIN_LIKE = /\p{L}\.\p{L}{2}/u;

/** The display name when it looks like a person's name, else null. */
export function greetableName(name: string | null | undefined): string | null {
  const n = (name ?? '').replace(/\s+/g, ' ').trim();
  if (!n || n.length > MAX_LENGTH) return null;
  if (!NAME_CHARS.test(n) || DOMAIN_LIKE.test(n)) return null;
  if (n.split(' ').length > MAX_WORDS) return null;
  return n;
}
