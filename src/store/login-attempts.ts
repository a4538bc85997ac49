// Sign-in rate limits, counted in the database so they hold across web processes.
import { AppError, ErrorCodes } from '../errors.ts';
import type { Queryable } from './db.ts';
import { sha256Hex } from './users.ts';

export type AttemptKind = 'password' | 'magic_request' | 'magic_use';

const WINDOW_MINUTES = 15;
/**
 * Per kind: what counts (failures only, or every attempt), the caps per address and per client IP,
 * and whether the address cap counts only that client's attempts. Password failures are capped per
 * address AND client: a cap per address alone let anyone who knew it lock its owner out. Failures
 * from everywhere slow the answer down instead (failureDelayMs), which keeps a distributed guesser slow.
 */
const LIMITS: Record<AttemptKind, { failuresOnly: boolean; perEmail: number; perIp: number; perEmailFromIp?: boolean }> = {
  password: { failuresOnly: true, perEmail: 5, perIp: 20, perEmailFromIp: true },
  magic_request: { failuresOnly: false, perEmail: 5, perIp: 20 },
  magic_use: { failuresOnly: true, perEmail: 1000, perIp: 20 },
};
const DELAY_PER_FAILURE_MS = 250;
const MAX_DELAY_MS = 3000;

export const emailKey = (email: string) => sha256Hex(`login:${email.trim().toLowerCase()}`);

/**
 * Throws RATE_LIMITED past a cap; otherwise returns how long to wait before answering (password
 * failures for the address from any client, beyond the per-client cap).
 */
export async function assertNotLimited(q: Queryable, kind: AttemptKind, ip: string, email?: string): Promise<number> {
  const l = LIMITS[kind];
  const r = await q.query<{ by_ip: number; by_email: number; by_email_ip: number }>(
    `SELECT count(*) FILTER (WHERE ip = $2)::int AS by_ip,
            count(*) FILTER (WHERE email_sha256 = $3)::int AS by_email,
            count(*) FILTER (WHERE email_sha256 = $3 AND ip = $2)::int AS by_email_ip
     FROM login_attempts
     WHERE kind = $1 AND at > now() - make_interval(mins => $4) AND (NOT $5::boolean OR NOT ok) AND (ip = $2 OR email_sha256 = $3)`,
    [kind, ip, email ? emailKey(email) : null, WINDOW_MINUTES, l.failuresOnly],
  );
  const { by_ip, by_email, by_email_ip } = r.rows[0] ?? { by_ip: 0, by_email: 0, by_email_ip: 0 };
  const emailCount = l.perEmailFromIp ? by_email_ip : by_email;
  if (by_ip >= l.perIp || (email && emailCount >= l.perEmail)) {
    throw new AppError(ErrorCodes.RATE_LIMITED, `too many sign-in attempts; try again in ${WINDOW_MINUTES} minutes`);
  }
  return l.perEmailFromIp && by_email > l.perEmail ? Math.min((by_email - l.perEmail) * DELAY_PER_FAILURE_MS, MAX_DELAY_MS) : 0;
}

export async function recordAttempt(q: Queryable, kind: AttemptKind, ip: string, email: string | undefined, ok: boolean): Promise<void> {
  await q.query('INSERT INTO login_attempts (kind, ip, email_sha256, ok) VALUES ($1, $2, $3, $4)', [kind, ip, email ? emailKey(email) : null, ok]);
}
