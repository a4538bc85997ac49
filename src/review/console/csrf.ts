// CSRF tokens bound to the visitor: the session when signed in, else a random pre-session cookie.
// A token is an HMAC of that binding, so nothing is stored and a token from another visitor fails.
import crypto from 'node:crypto';

export function csrfToken(key: Buffer, binding: string): string {
  return crypto.createHmac('sha256', key).update(`csrf:${binding}`).digest('base64url');
}

export function verifyCsrf(key: Buffer, binding: string | null, given: unknown): boolean {
  if (!binding || typeof given !== 'string' || !given) return false;
  const expected = Buffer.from(csrfToken(key, binding));
  const got = Buffer.from(given);
  return expected.length === got.length && crypto.timingSafeEqual(expected, got);
}
