// The environment, parsed once into a frozen object. Every variable the project reads is here.
import path from 'node:path';
import { z } from 'zod';
import { AppError, ErrorCodes } from './errors.ts';
import { OAUTH2_PROVIDERS, oauth2Preset } from './mail/oauth2/presets.ts';

const urlWithProtocols = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

const optionalUrl = (protocols: string[]) => z.preprocess((v) => (v === '' ? undefined : v), urlWithProtocols(protocols).optional());

const intInRange = (min: number, max: number, def: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? def : v), z.coerce.number().int().min(min).max(max));

const mailAddress = z
  .string()
  .trim()
  .refine((v) => /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.?[^\s@<>]*>?$/.test(v), 'must be an address like "Name <consult@example.com>"');

const planLimit = z.number().int().min(0).max(1_000_000).nullable().optional();
const planOverride = z
  .object({
    monthly: planLimit,
    total: planLimit,
    dueHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .optional(),
    instantFacts: z.boolean().optional(),
  })
  .strict();
export type PlanOverride = z.infer<typeof planOverride>;

/** The 32 key bytes of a hex or base64 key text, or null when it is neither. */
export function rawKeyBytes(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{42,43}={0,2}$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === 32 ? b : null;
  }
  return null;
}

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().trim().min(1).default('var'),
    IMAP_URL: optionalUrl(['imap:', 'imaps:']),
    /** Mailbox the answered messages are moved to after they are stored; empty = only flagged \Seen. */
    IMAP_ARCHIVE_MAILBOX: z.string().trim().default(''),
    IMAP_SENT_MAILBOX: z.string().trim().default('Sent'),
    SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
    /** How the poller (and the Sent-folder reconcile) signs in: the password in IMAP_URL, or OAuth2 (XOAUTH2/OAUTHBEARER). */
    IMAP_AUTH: z.enum(['password', 'oauth2']).default('password'),
    /** How the sender signs in: the password in SMTP_URL, or OAuth2 (XOAUTH2). */
    SMTP_AUTH: z.enum(['password', 'oauth2']).default('password'),
    /** Preset token URL and scopes: microsoft (Microsoft 365) or google (Google Workspace). */
    OAUTH2_PROVIDER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(OAUTH2_PROVIDERS).optional()),
    /** Microsoft 365 tenant (id or domain) of the preset token URL. */
    OAUTH2_TENANT: z.string().trim().default('organizations'),
    OAUTH2_TOKEN_URL: optionalUrl(['https:', 'http:']),
    OAUTH2_CLIENT_ID: z.string().trim().default(''),
    OAUTH2_CLIENT_SECRET: z.string().trim().default(''),
    OAUTH2_REFRESH_TOKEN: z.string().trim().default(''),
    /** Scopes asked for at each refresh; default the preset's, else none (the grant's own). */
    OAUTH2_SCOPE: z.string().trim().default(''),
    /** A poller's lease on a mailbox lasts this long unrenewed: a dead holder's mailbox is taken over after about this. */
    POLLER_LEASE_SECONDS: intInRange(3, 300, 15),
    DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
    REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).default('redis://127.0.0.1:6379/0'),
    QUEUE_PREFIX: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('cc'),
    PORT: intInRange(0, 65535, 3000),
    /**
     * Which proxies' X-Forwarded-For to believe: empty = none (the connecting address is the client),
     * a hop count ("1": the last proxy's word), or addresses/CIDRs of the proxies ("10.0.0.0/8,127.0.0.1").
     */
    TRUST_PROXY: z
      .string()
      .trim()
      .default('')
      .refine(
        (v) => v === '' || /^\d{1,2}$/.test(v) || v.split(',').every((p) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(p.trim())),
        'a hop count or a comma-separated list of proxy addresses/CIDRs',
      )
      .transform((v): false | number | string[] => (v === '' || v === '0' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((p) => p.trim()))),
    /** When set, /metrics asks for `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z
      .string()
      .trim()
      .default('')
      .refine((v) => v === '' || v.length >= 16, 'at least 16 characters'),
    HOST: z.string().trim().default('127.0.0.1'),
    PUBLIC_URL: optionalUrl(['http:', 'https:']),
    MAIL_FROM: mailAddress.default('CaseConsultant <consult@caseconsultant.localhost>'),
    /** Domain of the Message-IDs we create; defaults to MAIL_FROM's domain. */
    MESSAGE_ID_DOMAIN: z.string().trim().default(''),
    WORKER_CONCURRENCY: intInRange(1, 256, 8),
    // Ingest jobs held at once per process; those that arrive together share one transaction. At 128
    // rather than 32, a backlog's batches are ~4x larger: PostgreSQL's CPU per message halved and ingest
    // ran ~1.3x faster (npm run bench); at a trickle a batch is whatever has arrived, so latency is the same.
    INGEST_CONCURRENCY: intInRange(1, 512, 128),
    // Draft jobs held at once per process, drafted as one batch: one read, one routing read, one transaction.
    DRAFT_CONCURRENCY: intInRange(1, 512, 64),
    MAX_MESSAGE_BYTES: intInRange(1024, 100 * 1024 * 1024, 10 * 1024 * 1024),
    MAX_RECIPIENTS: intInRange(1, 1000, 20),
    AUTHSERV_ID: z.string().trim().default(''),
    /**
     * How a sender's domain is authenticated at ingest: verify = DKIM and DMARC checked with mailauth
     * (DNS lookups), unless AUTHSERV_ID's Authentication-Results is on the message; authserv = only that
     * header (no lookups at ingest).
     */
    SENDER_AUTH: z.enum(['verify', 'authserv']).default('verify'),
    /** What happens to unauthenticated mail claiming an account's address or domain: guest = answered as a guest's, hold = quarantined. */
    UNAUTHENTICATED_SENDERS: z.enum(['guest', 'hold']).default('guest'),
    /** DNS servers for sender verification (ip or ip:port, comma-separated); empty = the system's. */
    DNS_SERVERS: z.preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : (v ?? []),
      z.array(z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$|^[0-9a-fA-F:]+$/, 'must be an IP address, optionally with :port')),
    ),
    /** Hours a consultation may wait for its answer when the account's plan names none. */
    DEFAULT_DUE_HOURS: intInRange(1, 24 * 30, 24),
    /** Raw messages are purged (hash and metadata kept) this many days after receipt. */
    RAW_RETENTION_DAYS: intInRange(1, 3650, 30),
    ESCALATE_BEFORE_DUE_MINUTES: intInRange(0, 7 * 24 * 60, 60),
    SWEEP_INTERVAL_SECONDS: intInRange(5, 3600, 30),
    /** How often a worker or poller process (no web server of its own) sends its metrics to the web's /metrics, via Redis. */
    METRICS_PUBLISH_SECONDS: intInRange(1, 300, 10),
    /** How long /metrics reuses its counts of settled rows (processed, sent, closed, ...): a pass over each table. */
    METRICS_SETTLED_SECONDS: intInRange(0, 86_400, 300),
    /** Tests only: probability that a send worker kills itself right after the SMTP server accepted. */
    FAULT_KILL_AFTER_SMTP_ACCEPT: z.preprocess((v) => (v === undefined || v === '' ? 0 : v), z.coerce.number().min(0).max(1)),
    /** Console sessions end after this many minutes without a request. */
    SESSION_IDLE_MINUTES: intInRange(1, 24 * 60, 30),
    /** Console sessions end this many hours after sign-in, however active. */
    SESSION_MAX_HOURS: intInRange(1, 24 * 30, 12),
    /** Lifetime of an emailed sign-in link. */
    MAGIC_LINK_MINUTES: intInRange(1, 60, 15),
    /** How long a worker's job lock lasts; a job whose worker died is picked up again after about this. */
    JOB_LOCK_SECONDS: intInRange(2, 600, 30),
    /** Max attempts of a job before it ends failed and visible. */
    JOB_ATTEMPTS: intInRange(1, 50, 5),
    /**
     * AES-256-GCM key for raw messages at rest: 32 bytes as 64 hex digits or base64. Unset: one is
     * generated into DATA_DIR/raw.key (refused in production with a shared DATABASE_URL, where every
     * machine must use the same key).
     */
    RAW_ENCRYPTION_KEY: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .trim()
        .refine((v) => rawKeyBytes(v) !== null, 'must be 32 bytes as 64 hex digits or base64')
        .optional(),
    ),
    /** An automatic email (acknowledgement, quota notice, de-identification request) of one kind goes to one address at most once per this many minutes; 0 = no limit. */
    AUTO_REPLY_MIN_INTERVAL_MINUTES: intInRange(0, 7 * 24 * 60, 60),
    /** Overrides of the plans table, JSON: {"guest":{"total":1},"free":{"monthly":5},"pro":{"dueHours":4}}; null = unlimited. */
    PLANS: z.preprocess(
      (v) => {
        if (v === undefined || v === '') return {};
        if (typeof v !== 'string') return v;
        try {
          return JSON.parse(v);
        } catch {
          return 'not JSON';
        }
      },
      z.record(z.string().regex(/^[a-z0-9_-]+$/, 'plan names are lower-case words'), planOverride),
    ),
    /** Where a sender registers or upgrades; named in the quota notice. Default PUBLIC_URL/plans. */
    UPGRADE_URL: optionalUrl(['http:', 'https:', 'mailto:']),
    /** Send with a VERP envelope sender (local+verp-ID-MAC@domain) so bounces map back to the exact outbound row. */
    BOUNCE_VERP: z
      .preprocess((v) => (v === undefined || v === '' ? 'true' : String(v).toLowerCase()), z.enum(['true', 'false', '1', '0', 'yes', 'no']))
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  })
  .superRefine((e, ctx) => {
    for (const [auth, url, name] of [
      [e.IMAP_AUTH, e.IMAP_URL, 'IMAP'],
      [e.SMTP_AUTH, e.SMTP_URL, 'SMTP'],
    ] as const) {
      if (auth !== 'oauth2') continue;
      if (!url)
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [`${name}_URL`], message: `required with ${name}_AUTH=oauth2 (the user in the URL, no password)` });
      else if (new URL(url).password)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [`${name}_URL`],
          message: `holds a password, but ${name}_AUTH=oauth2 signs in with a token: remove it`,
        });
      else if (!new URL(url).username)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [`${name}_URL`],
          message: `names no user; with ${name}_AUTH=oauth2 the mailbox user goes in the URL`,
        });
      if (!e.OAUTH2_TOKEN_URL && !e.OAUTH2_PROVIDER)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['OAUTH2_TOKEN_URL'],
          message: `required with ${name}_AUTH=oauth2 (or OAUTH2_PROVIDER=microsoft|google)`,
        });
      if (!e.OAUTH2_CLIENT_ID) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['OAUTH2_CLIENT_ID'], message: `required with ${name}_AUTH=oauth2` });
      if (!e.OAUTH2_REFRESH_TOKEN) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['OAUTH2_REFRESH_TOKEN'], message: `required with ${name}_AUTH=oauth2` });
    }
    if (e.SENDER_AUTH === 'authserv' && !e.AUTHSERV_ID) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['AUTHSERV_ID'], message: 'required when SENDER_AUTH=authserv' });
    }
    if (e.NODE_ENV === 'production' && e.DATABASE_URL && !e.RAW_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['RAW_ENCRYPTION_KEY'],
        message: 'required in production with DATABASE_URL (every process must share one key)',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'DATA_DIR' | 'PUBLIC_URL' | 'MESSAGE_ID_DOMAIN' | 'UPGRADE_URL'> {
  DATA_DIR: string;
  PUBLIC_URL: string;
  UPGRADE_URL: string;
  MESSAGE_ID_DOMAIN: string;
  /** The bare address part of MAIL_FROM. */
  mailFromAddress: string;
  /** Token endpoint and scope of the configured OAuth2 client (preset, overridden by OAUTH2_TOKEN_URL / OAUTH2_SCOPE); null without one. */
  oauth2: { tokenUrl: string; scope: string } | null;
  /** Where the embedded defaults live. */
  paths: { maildir: string; outbox: string; pglite: string; codesets: string };
}

export function addressOf(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return (m ? m[1] : from).trim().toLowerCase();
}

/** Parses an environment; throws AppError(CONFIG_INVALID) naming every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Readonly<Config> {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError(ErrorCodes.CONFIG_INVALID, `Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = result.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const mailFromAddress = addressOf(e.MAIL_FROM);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const config: Config = {
    ...e,
    DATA_DIR: dataDir,
    PUBLIC_URL: publicUrl,
    UPGRADE_URL: e.UPGRADE_URL ?? `${publicUrl}/plans`,
    MESSAGE_ID_DOMAIN: e.MESSAGE_ID_DOMAIN || mailFromAddress.split('@')[1],
    mailFromAddress,
    oauth2: oauth2Settings(e),
    paths: {
      maildir: path.join(dataDir, 'mail', 'inbox'),
      outbox: path.join(dataDir, 'outbox'),
      pglite: path.join(dataDir, 'db'),
      codesets: path.join(dataDir, 'codesets'),
    },
  };
  return Object.freeze(config);
}

function oauth2Settings(e: Env): Config['oauth2'] {
  const preset = e.OAUTH2_PROVIDER ? oauth2Preset(e.OAUTH2_PROVIDER, e.OAUTH2_TENANT) : null;
  const tokenUrl = e.OAUTH2_TOKEN_URL ?? preset?.tokenUrl;
  return tokenUrl ? { tokenUrl, scope: e.OAUTH2_SCOPE || preset?.scope || '' } : null;
}

let cached: Readonly<Config> | null = null;

/** The process's configuration, parsed from process.env on first use. */
export function getConfig(): Readonly<Config> {
  cached ??= parseConfig(process.env);
  return cached;
}
