// The whole application in the test process, on the real servers the test started.
import { Redis } from 'ioredis';
import { startPoller, startWeb, startWorkers, type Running } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { closeContext, createContext, type AppContext } from '../../src/context.ts';
import { createUser, issueToken, type Role } from '../../src/store/users.ts';

/**
 * What every app on the real servers is told: its mailbox on the test's Dovecot, the SMTP server, the
 * database, Redis and a queue prefix of its own, and a data directory beside the mailbox.
 */
/**
 * The environment of a `caseconsultant start` on the embedded defaults (Maildir, PGlite, .eml outbox):
 * no IMAP, SMTP or PostgreSQL URL, its own data folder, queue prefix and port.
 */
export function embeddedEnv(s: { dataDir: string; prefix: string; port: number; redisUrl: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: s.dataDir,
    QUEUE_PREFIX: s.prefix,
    PORT: String(s.port),
    REDIS_URL: s.redisUrl,
    LOG_LEVEL: 'warn',
    IMAP_URL: '',
    SMTP_URL: '',
    DATABASE_URL: '',
  };
}

export function serversEnv(s: {
  dovecot: { imapUrl(user: string): string; root: string };
  mailbox: string;
  smtpUrl: string;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
}): Record<string, string> {
  return {
    IMAP_URL: s.dovecot.imapUrl(s.mailbox),
    SMTP_URL: s.smtpUrl,
    DATABASE_URL: s.databaseUrl,
    REDIS_URL: s.redisUrl,
    QUEUE_PREFIX: s.prefix,
    MAIL_FROM: `CaseConsultant <${s.mailbox}>`,
    DATA_DIR: `${s.dovecot.root}/var`,
  };
}

export interface TestApp {
  ctx: AppContext;
  config: Readonly<Config>;
  baseUrl: string;
  api(path: string, init?: { method?: string; token?: string | null; body?: unknown }): Promise<{ status: number; body: any }>;
  addUser(u: { email: string; name: string; role: Role; specialties?: string[] }): Promise<{ id: number; token: string }>;
  stop(): Promise<void>;
}

export async function startTestApp(env: Record<string, string>, parts: { web?: boolean; poller?: boolean; workers?: boolean } = {}): Promise<TestApp> {
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', ...env });
  const ctx = await createContext(config, { migrate: true });
  const running: Running[] = [];
  if (parts.workers !== false) running.push(await startWorkers(ctx));
  if (parts.poller !== false) running.push(await startPoller(ctx));
  let port = 0;
  if (parts.web !== false) {
    const web = await startWeb(ctx);
    port = web.port!;
    running.push(web);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  let defaultToken: string | null = null;
  return {
    ctx,
    config,
    baseUrl,
    async api(path, init = {}) {
      const token = init.token === undefined ? defaultToken : init.token;
      const res = await fetch(baseUrl + path, {
        method: init.method ?? 'GET',
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async addUser(u) {
      const user = await createUser(ctx.db, { ...u, specialties: u.specialties ?? [] });
      const token = await issueToken(ctx.db, user.id);
      defaultToken ??= token;
      return { id: user.id, token };
    },
    async stop() {
      for (const r of running.reverse()) await r.stop();
      await closeContext(ctx);
    },
  };
}

/**
 * An app with no part running, for tests that call handlers directly: its mailbox and SMTP server
 * (closed ports here) are never reached.
 */
export function startHandlerApp(s: { databaseUrl: string; redisUrl: string; prefix: string; env?: Record<string, string> }): Promise<TestApp> {
  return startTestApp(
    {
      ...s.env,
      DATABASE_URL: s.databaseUrl,
      REDIS_URL: s.redisUrl,
      QUEUE_PREFIX: s.prefix,
      MAIL_FROM: 'CaseConsultant <consult@example.test>',
      SMTP_URL: 'smtp://127.0.0.1:1',
      IMAP_URL: 'imap://u:p@127.0.0.1:1/INBOX',
    },
    { web: false, poller: false, workers: false },
  );
}

/** Removes every key of a test's QUEUE_PREFIX from Redis, whatever database namespaces lie under it. */
export async function obliterateQueues(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis may be down in a test that stopped it; nothing of this prefix is left to matter then.
  } finally {
    redis.disconnect();
  }
}
