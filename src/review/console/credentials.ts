// Users as the sign-in forms see them: by address, with their password hash.
import { AppError, ErrorCodes } from '../../errors.ts';
import { audit } from '../../store/audit.ts';
import type { Queryable } from '../../store/db.ts';
import { setPasswordHash, userByEmail, type UserRow } from '../../store/users.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

export { userByEmail } from '../../store/users.ts';

export async function setPassword(q: Queryable, email: string, password: string, actorId: number | null = null): Promise<UserRow> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError(ErrorCodes.BAD_REQUEST, problem);
  const user = await userByEmail(q, email);
  if (!user) throw new AppError(ErrorCodes.NOT_FOUND, 'no user with that address');
  await setPasswordHash(q, user.id, await hashPassword(password));
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
