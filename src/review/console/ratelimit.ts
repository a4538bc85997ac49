// Sign-in rate limits, counted in the database so they hold across web processes.
import { AppError, ErrorCodes } from '../../errors.ts';
import type { Queryable } from '../../store/db.ts';
import { sha256Hex } from '../../store/users.ts';

export type AttemptKind = 'password' | 'magic_request' | 'magic_use';

const WINDOW_MINUTES = 15;
/** Per kind: what counts (failures only, or every attempt) and the caps per address and per client IP. */
const LIMITS: Record<AttemptKind, { failuresOnly: boolean; perEmail: number; perIp: number }> = {
  password: { failuresOnly: true, perEmail: 5, perIp: 20 },
  magic_request: { failuresOnly: false, perEmail: 5, perIp: 20 },
  magic_use: { failuresOnly: true, perEmail: 1000, perIp: 20 },
};

export const emailKey = (email: string) => sha256Hex(`login:${email.trim().toLowerCase()}`);

export async function assertNotLimited(q: Queryable, kind: AttemptKind, ip: string, email?: string): Promise<void> {
  const l = LIMITS[kind];
  const r = await q.query<{ by_ip: number; by_email: number }>(
    `SELECT count(*) FILTER (WHERE ip = $2)::int AS by_ip,
            count(*) FILTER (WHERE email_sha256 = $3)::int AS by_email
     FROM login_attempts
     WHERE kind = $1 AND at > now() - make_interval(mins => $4) AND (NOT $5::boolean OR NOT ok) AND (ip = $2 OR email_sha256 = $3)`,
    [kind, ip, email ? emailKey(email) : null, WINDOW_MINUTES, l.failuresOnly],
  );
  const { by_ip, by_email } = r.rows[0] ?? { by_ip: 0, by_email: 0 };
  if (by_ip >= l.perIp || (email && by_email >= l.perEmail)) {
    throw new AppError(ErrorCodes.RATE_LIMITED, `too many sign-in attempts; try again in ${WINDOW_MINUTES} minutes`);
  }
}

export async function recordAttempt(q: Queryable, kind: AttemptKind, ip: string, email: string | undefined, ok: boolean): Promise<void> {
  await q.query('INSERT INTO login_attempts (kind, ip, email_sha256, ok) VALUES ($1, $2, $3, $4)', [kind, ip, email ? emailKey(email) : null, ok]);
}
