// Per-request console state (who is signed in, the CSRF token) and the guards routes use.
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError, ErrorCodes } from '../../errors.ts';
import { secretKey } from '../../secrets.ts';
import type { UserRow } from '../../store/users.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import { csrfToken, verifyCsrf } from './csrf.ts';
import { ANON_COOKIE, SESSION_COOKIE, createSession, sessionUser } from '../../store/console-sessions.ts';
import { renderPage, type LayoutData } from './views.ts';

export interface ConsoleState {
  user: UserRow | null;
  sessionId: string | null;
  /** The session ended for inactivity on this request. */
  expired: boolean;
  csrf: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    cc: ConsoleState;
  }
}

/** Thrown by a page that needs a signed-in user; the console's error handler turns it into a redirect. */
export class SignInRequired extends Error {
  readonly next: string;
  readonly expired: boolean;
  constructor(next: string, expired: boolean) {
    super('sign-in required');
    this.next = next;
    this.expired = expired;
  }
}

export const isHttps = (ctx: AppContext) => ctx.config.PUBLIC_URL.startsWith('https:');

export function addCookie(reply: FastifyReply, cookie: string): void {
  const prev = reply.getHeader('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header('set-cookie', [...list, cookie]);
}

export async function loadState(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const cookies = parseCookies(req.headers.cookie);
  const secure = isHttps(ctx);
  let user: UserRow | null = null;
  let sessionId: string | null = null;
  let expired = false;
  if (cookies[SESSION_COOKIE]) {
    const s = await sessionUser(ctx.db, ctx.config, cookies[SESSION_COOKIE]);
    if (s.user) {
      user = s.user;
      sessionId = cookies[SESSION_COOKIE];
    } else {
      expired = s.expired;
      addCookie(reply, serializeCookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 }));
    }
  }
  let anon = cookies[ANON_COOKIE];
  if (!anon || !/^[\w-]{20,64}$/.test(anon)) {
    anon = crypto.randomBytes(24).toString('base64url');
    addCookie(reply, serializeCookie(ANON_COOKIE, anon, { secure, maxAgeSeconds: 24 * 3600 }));
  }
  const binding = sessionId ?? `anon:${anon}`;
  const key = secretKey(ctx.config);
  req.cc = { user, sessionId, expired, csrf: csrfToken(key, binding) };
  if (req.method === 'POST' || req.method === 'PUT' || req.method === 'DELETE' || req.method === 'PATCH') {
    const body = req.body as Record<string, unknown> | undefined;
    const given = body?._csrf ?? req.headers['x-csrf-token'];
    if (!verifyCsrf(key, binding, given)) {
      throw new AppError(ErrorCodes.CSRF_INVALID, 'This form has expired or did not come from this site. Go back, reload the page and try again.');
    }
  }
}

export function signedIn(req: FastifyRequest): UserRow {
  if (!req.cc.user) throw new SignInRequired(req.method === 'GET' ? req.url : '/queue', req.cc.expired);
  return req.cc.user;
}

/** Signs the user in on this response: a fresh session id, so nothing fixed before sign-in survives it. */
export async function startSession(ctx: AppContext, reply: FastifyReply, userId: number, via: string): Promise<void> {
  const id = await createSession(ctx.db, ctx.config, userId, via);
  addCookie(reply, serializeCookie(SESSION_COOKIE, id, { secure: isHttps(ctx), maxAgeSeconds: ctx.config.SESSION_MAX_HOURS * 3600 }));
}

/** Only paths on this site: `//evil.example` and `/\evil.example` are other sites to a browser. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login') ? next : '/queue';
}

export function layout(ctx: AppContext, req: FastifyRequest, title: string, nav?: string): LayoutData {
  const u = req.cc.user;
  return {
    title,
    nav,
    csrf: req.cc.csrf,
    idleMinutes: ctx.config.SESSION_IDLE_MINUTES,
    user: u ? { id: u.id, name: u.name, role: u.role, isLead: u.role === 'lead' || u.role === 'admin', isAdmin: u.role === 'admin' } : null,
  };
}

export function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

export function page(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  name: string,
  title: string,
  data: Record<string, unknown>,
  status = 200,
): FastifyReply {
  return sendPage(reply, renderPage(name, layout(ctx, req, title, data.nav as string | undefined), data), status);
}
