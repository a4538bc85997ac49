// Users as the sign-in forms see them: by address, with their password hash.
import { AppError, ErrorCodes } from '../../errors.ts';
import { audit } from '../../store/audit.ts';
import type { Queryable } from '../../store/db.ts';
import type { UserRow } from '../../store/users.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

export async function userByEmail(q: Queryable, email: string): Promise<(UserRow & { password_hash: string | null }) | null> {
  const r = await q.query<UserRow & { password_hash: string | null }>(
    'SELECT id, email, name, role, specialties, capacity, active, available, password_hash FROM users WHERE email = $1',
    [email.trim().toLowerCase()],
  );
  return r.rows[0] ?? null;
}

export async function setPassword(q: Queryable, email: string, password: string, actorId: number | null = null): Promise<UserRow> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError(ErrorCodes.BAD_REQUEST, problem);
  const user = await userByEmail(q, email);
  if (!user) throw new AppError(ErrorCodes.NOT_FOUND, 'no user with that address');
  await q.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, await hashPassword(password)]);
  await audit(q, { userId: actorId ?? user.id, action: 'user.password_set', detail: { targetUserId: user.id } });
  const { password_hash: _h, ...rest } = user;
  return rest;
}

/** Reads the password from the first line of a stream, so it never appears in argv or shell history. */
export async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  let buf = '';
  for await (const chunk of input) {
    buf += chunk.toString();
    const i = buf.indexOf('\n');
    if (i >= 0) return buf.slice(0, i).replace(/\r$/, '');
  }
  return buf.replace(/\r?\n?$/, '');
}
