import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError, ErrorCodes } from '../errors.ts';
import { userByToken, type UserRow } from '../store/users.ts';

/** The user behind `Authorization: Bearer <token>`, or 401. */
export async function bearerUser(ctx: AppContext, req: FastifyRequest): Promise<UserRow> {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  const user = m ? await userByToken(ctx.db, m[1]) : null;
  if (!user) throw new AppError(ErrorCodes.UNAUTHORIZED, 'a valid bearer token is required');
  return user;
}
