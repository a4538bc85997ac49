// The reviewer's own profile: the name, credential and signature their replies are signed with.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, ErrorCodes } from '../../errors.ts';
import { audit } from '../../store/audit.ts';
import { reviewerProfile, saveReviewerProfile } from '../../store/reviewer-profile.ts';
import { page, signedIn } from './state.ts';

export const CREDENTIALS = ['CPC', 'COC', 'CIC', 'CRC', 'CPMA', 'CCS', 'CCS-P', 'CCA', 'RHIT', 'RHIA', 'CPB'];

const profileForm = z.object({
  name: z.string().trim().min(1).max(120),
  credential: z
    .string()
    .trim()
    .max(60)
    .regex(/^[\p{L}\p{N} ,.&()/-]*$/u),
  signature: z
    .string()
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .max(600)
        .refine((s) => s.split('\n').length <= 6),
    ),
});

export function registerProfileRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/profile', async (req, reply) => {
    const user = signedIn(req);
    const p = await reviewerProfile(ctx.db, user.id);
    return page(ctx, req, reply, 'profile', 'Your profile', {
      nav: 'profile',
      p,
      email: user.email,
      credentials: CREDENTIALS,
      saved: (req.query as Record<string, string>)?.done === 'saved',
    });
  });

  app.post('/profile', async (req, reply) => {
    const user = signedIn(req);
    const r = profileForm.safeParse(req.body ?? {});
    if (!r.success) {
      throw new AppError(
        ErrorCodes.BAD_REQUEST,
        'Give your name (up to 120 characters), a credential of letters, digits and commas (up to 60), and a signature of at most 6 lines and 600 characters.',
      );
    }
    await saveReviewerProfile(ctx.db, user.id, r.data);
    await audit(ctx.db, { userId: user.id, action: 'user.profile_updated', detail: { credential: r.data.credential } });
    return reply.redirect('/profile?done=saved', 303);
  });
}
