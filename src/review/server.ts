// The web process: JSON API, health, and (later) the console.
import crypto from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError, ErrorCodes, httpStatusOf } from '../errors.ts';
import { registerApi } from './api.ts';
import { registerConsole } from './console/index.ts';
import { registry } from '../metrics.ts';
import { registerSystemGauges } from '../metrics-system.ts';
import { mergedMetrics } from '../metrics-relay.ts';
import { readiness } from '../readiness.ts';
import { errorFields } from '../log-error.ts';

export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  // X-Forwarded-For is anyone's to write: believed only from the proxies TRUST_PROXY names.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, trustProxy: trustProxy(ctx.config.TRUST_PROXY) });

  app.setErrorHandler((error, _req, reply) => {
    const err = error as Error & { statusCode?: number };
    if (err instanceof AppError) {
      reply.code(httpStatusOf[err.code] ?? 400).send({ error: { code: err.code, message: err.message } });
      return;
    }
    const status = err.statusCode;
    if (status && status >= 400 && status < 500) {
      reply.code(status).send({ error: { code: 'BAD_REQUEST', message: err.message } });
      return;
    }
    ctx.log.error({ err: errorFields(err, { stack: true }) }, 'request failed');
    reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'not found' } });
  });

  // First, so its security headers reach every response, the API's and health checks' included.
  await registerConsole(app, ctx);
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const r = await readiness(ctx);
    reply.code(r.ok ? 200 : 503);
    return r;
  });
  registerSystemGauges(ctx);
  app.get('/metrics', async (req, reply) => {
    if (ctx.config.METRICS_TOKEN && !bearerMatches(req, ctx.config.METRICS_TOKEN)) {
      throw new AppError(ErrorCodes.UNAUTHORIZED, 'a valid bearer token is required');
    }
    reply.header('content-type', registry.contentType);
    return mergedMetrics(ctx);
  });
  registerApi(app, ctx);
  return app;
}

/** Authorization: Bearer <token>, compared in constant time. */
function bearerMatches(req: FastifyRequest, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = crypto.createHash('sha256').update(m[1]).digest();
  return crypto.timingSafeEqual(a, crypto.createHash('sha256').update(token).digest());
}

/** TRUST_PROXY as Fastify takes it: a hop count trusts that many proxies in front of us. */
function trustProxy(setting: false | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
