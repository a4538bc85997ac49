// The mail functions drafting reads a message through, in one place so the CLI, eval and bench agree.
export { classify } from '../mail/classify.ts';
export { extractNewText } from '../mail/reply-text.ts';
export { detectPhi } from '../mail/phi.ts';
