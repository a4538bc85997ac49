// The web process: JSON API, health, and (later) the console.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError, httpStatusOf } from '../errors.ts';
import { registerApi } from './api.ts';
import { registerConsole } from './console/index.ts';
import { registry, registerSystemGauges } from '../metrics.ts';
import { mergedMetrics } from '../metrics-relay.ts';
import { readiness } from '../readiness.ts';

export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, trustProxy: true });

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
    ctx.log.error({ err: { message: err.message, stack: err.stack } }, 'request failed');
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
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return mergedMetrics(ctx);
  });
  registerApi(app, ctx);
  return app;
}
