// The reviewer console: registerConsole(app, ctx) adds security headers to every response and the
// console's pages, sign-in and admin under one scope with its own form parsing, CSRF check and errors.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError, httpStatusOf } from '../../errors.ts';
import { securityHeaders } from './headers.ts';
import { registerAdminRoutes } from './routes-admin.ts';
import { registerMailboxRoutes } from './routes-mailboxes.ts';
import { registerAuthRoutes } from './routes-auth.ts';
import { registerConfirmRoutes } from './routes-confirm.ts';
import { registerConsultationRoutes } from './routes-consultations.ts';
import { registerProfileRoutes } from './routes-profile.ts';
import { registerStatic } from './static.ts';
import { isHttps, loadState, page, SignInRequired } from './state.ts';
import { registerQueuesDashboard } from './queues-dashboard.ts';
import { errorFields } from '../../log-error.ts';

export async function registerConsole(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const headers = securityHeaders(isHttps(ctx));
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(headers)) if (!reply.hasHeader(k)) reply.header(k, v);
    // Pages carry (masked) case text: never kept by a browser or proxy cache.
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') || type.startsWith('application/json') || type.startsWith('text/csv')) reply.header('cache-control', 'no-store');
    return payload;
  });
  registerStatic(app);

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 512 * 1024 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.decorateRequest('cc', null as never);
    scope.addHook('preHandler', async (req, reply) => loadState(ctx, req, reply));
    scope.setErrorHandler((error: FastifyError | AppError | SignInRequired, req, reply) => {
      if (error instanceof SignInRequired) {
        return reply.redirect(`/login?next=${encodeURIComponent(error.next)}${error.expired ? '&expired=1' : ''}`, 303);
      }
      let status = 500;
      let message = 'Something went wrong on our side. Try again in a moment.';
      if (error instanceof AppError) {
        status = httpStatusOf[error.code] ?? 400;
        message = error.message;
      } else if ((error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500) {
        status = (error as FastifyError).statusCode!;
        message = 'The request could not be understood.';
      } else {
        ctx.log.error({ err: errorFields(error, { stack: true }), url: req.routeOptions.url }, 'console request failed');
      }
      // req.cc is missing when the failure came before the state loaded (e.g. a body parse error).
      if (!req.cc) req.cc = { user: null, sessionId: null, expired: false, csrf: '' };
      const back = sameOriginReferer(req.headers.referer, ctx.config.PUBLIC_URL);
      return page(ctx, req, reply, 'error', 'Not possible', { status, message, back }, status);
    });
    registerAuthRoutes(scope, ctx);
    registerConsultationRoutes(scope, ctx);
    registerConfirmRoutes(scope, ctx);
    registerProfileRoutes(scope, ctx);
    registerAdminRoutes(scope, ctx);
    registerMailboxRoutes(scope, ctx);
    await registerQueuesDashboard(scope, ctx);
  });
}

/**
 * The Referer when it is a page of our own origin, else null. Compared as origins, not as text: a
 * prefix check would accept http://localhost:3200.evil.example for http://localhost:3200.
 */
export function sameOriginReferer(referer: unknown, publicUrl: string): string | null {
  if (typeof referer !== 'string') return null;
  try {
    const u = new URL(referer);
    return u.origin === new URL(publicUrl).origin ? u.href : null;
  } catch {
    return null;
  }
}
