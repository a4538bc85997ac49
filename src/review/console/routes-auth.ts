// Sign-in (password or emailed link), sign-out, and the signed one-click link from notifications.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { audit } from '../../store/audit.ts';
import { verifyConsultationLink } from '../links.ts';
import { userByEmail } from './credentials.ts';
import { consumeMagicLink, magicLinkUser, requestMagicLink } from './magic.ts';
import { verifyPassword } from './passwords.ts';
import { assertNotLimited, recordAttempt } from '../../store/login-attempts.ts';
import { SESSION_COOKIE, endSession } from '../../store/console-sessions.ts';
import { addCookie, isHttps, page, safeNext, startSession } from './state.ts';
import { serializeCookie } from './cookies.ts';

const email = z
  .string()
  .trim()
  .toLowerCase()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/);
const passwordForm = z.object({ email, password: z.string().min(1).max(1024), next: z.string().max(2000).optional() });
const magicForm = z.object({ email, next: z.string().max(2000).optional() });
const TOKEN = /^[\w-]{20,100}$/;

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const loginPage = (req: Parameters<typeof page>[1], reply: Parameters<typeof page>[2], data: Record<string, unknown>, status = 200) =>
    page(
      ctx,
      req,
      reply,
      'login',
      'Sign in',
      { next: safeNext((req.query as Record<string, unknown>)?.next ?? (req.body as Record<string, unknown>)?.next), ...data },
      status,
    );

  /** When someone else is signed in than the link's user: the page that says so, the link left unused. */
  const signedInAsOther = async (req: Parameters<typeof page>[1], token: string) => {
    const current = req.cc.user;
    if (!current) return null;
    const linkUser = await magicLinkUser(ctx.db, token);
    if (linkUser === current.id) return (reply: Parameters<typeof page>[2]) => reply.redirect('/queue', 303);
    return (reply: Parameters<typeof page>[2]) =>
      page(
        ctx,
        req,
        reply,
        'error',
        'Signed in already',
        {
          status: 409,
          message: `You are signed in as ${current.name}. This sign-in link is for someone else: sign out first, then open the link again (it stays valid until it expires).`,
        },
        409,
      );
  };

  app.get('/login', async (req, reply) => {
    const q = req.query as Record<string, string>;
    if (req.cc.user) return reply.redirect(safeNext(q.next), 303);
    return loginPage(req, reply, { expired: q.expired === '1' || req.cc.expired, signedOut: q.out === '1' });
  });

  app.post('/login/password', async (req, reply) => {
    const form = passwordForm.safeParse(req.body);
    if (!form.success) return loginPage(req, reply, { error: 'Enter your email address and password.' }, 400);
    const delayMs = await assertNotLimited(ctx.db, 'password', req.ip, form.data.email);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const user = await userByEmail(ctx.db, form.data.email);
    const ok = (await verifyPassword(form.data.password, user?.password_hash ?? null)) && !!user?.active;
    await recordAttempt(ctx.db, 'password', req.ip, form.data.email, ok);
    if (!ok || !user) {
      await audit(ctx.db, { userId: user?.id ?? null, action: 'auth.sign_in_failed', detail: { via: 'password' } });
      return loginPage(req, reply, { error: 'That email address and password do not match.', email: form.data.email }, 401);
    }
    await startSession(ctx, reply, user.id, 'password');
    await audit(ctx.db, { userId: user.id, action: 'auth.signed_in', detail: { via: 'password' } });
    return reply.redirect(safeNext(form.data.next), 303);
  });

  app.post('/login/magic', async (req, reply) => {
    const form = magicForm.safeParse(req.body);
    if (!form.success) return loginPage(req, reply, { error: 'Enter your email address.' }, 400);
    await assertNotLimited(ctx.db, 'magic_request', req.ip, form.data.email);
    const sent = await requestMagicLink(ctx, form.data.email);
    await recordAttempt(ctx.db, 'magic_request', req.ip, form.data.email, sent);
    // The same answer whether or not the address is a user's: the page must not reveal who works here.
    return page(ctx, req, reply, 'login-sent', 'Check your email', { minutes: ctx.config.MAGIC_LINK_MINUTES });
  });

  // Opening the link only shows a button: mail scanners that fetch links must not use up the token.
  app.get('/login/magic/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    if (!TOKEN.test(token)) return loginPage(req, reply, { error: 'That sign-in link is not valid. Ask for a new one.' }, 400);
    const other = await signedInAsOther(req, token);
    if (other) return other(reply);
    return page(ctx, req, reply, 'magic-confirm', 'Sign in', { token });
  });

  app.post('/login/magic/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    await assertNotLimited(ctx.db, 'magic_use', req.ip);
    // Someone is signed in already: never switch the session silently (as with the notification link).
    const other = TOKEN.test(token) ? await signedInAsOther(req, token) : null;
    if (other) return other(reply);
    const userId = TOKEN.test(token) ? await consumeMagicLink(ctx.db, token) : null;
    await recordAttempt(ctx.db, 'magic_use', req.ip, undefined, userId !== null);
    if (userId === null) return loginPage(req, reply, { error: 'That sign-in link has expired or was already used. Ask for a new one.' }, 400);
    await startSession(ctx, reply, userId, 'magic_link');
    await audit(ctx.db, { userId, action: 'auth.signed_in', detail: { via: 'magic_link' } });
    return reply.redirect('/queue', 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.cc.sessionId) await endSession(ctx.db, req.cc.sessionId);
    if (req.cc.user) await audit(ctx.db, { userId: req.cc.user.id, action: 'auth.signed_out' });
    addCookie(reply, serializeCookie(SESSION_COOKIE, '', { secure: isHttps(ctx), maxAgeSeconds: 0 }));
    return reply.redirect('/login?out=1', 303);
  });

  /**
   * The link in an assignment email: signed for one user and one consultation. It signs that user
   * in when nobody is; someone else's session is never switched silently.
   */
  app.get('/link/:id', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const consultationId = Number((req.params as { id: string }).id);
    const userId = Number(q.u);
    const valid =
      Number.isInteger(consultationId) &&
      consultationId > 0 &&
      Number.isInteger(userId) &&
      typeof q.s === 'string' &&
      verifyConsultationLink(ctx.config, { consultationId, userId, exp: Number(q.e), sig: q.s });
    if (!valid)
      return loginPage(
        req,
        reply,
        {
          error: 'That link has expired or is not valid. Sign in to open the consultation.',
          next: `/c/${Number.isInteger(consultationId) ? consultationId : ''}`,
        },
        403,
      );
    const target = `/c/${consultationId}`;
    if (req.cc.user) {
      if (req.cc.user.id !== userId) {
        return page(
          ctx,
          req,
          reply,
          'error',
          'Another reviewer’s link',
          { status: 403, message: 'This link was sent to another reviewer. Sign out first to use it, or open the consultation from the queue.' },
          403,
        );
      }
      return reply.redirect(target, 303);
    }
    // The link opens the consultation but is no credential: an emailed link can be forwarded, so the
    // reviewer signs in first and comes back here, where the link must name her.
    return loginPage(req, reply, { info: 'Sign in to open the consultation assigned to you.', next: req.url });
  });
}
