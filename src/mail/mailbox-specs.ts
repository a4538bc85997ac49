// What the poller and the sender need to know about a mailbox: where it is, how to sign in, where
// replies to its questions come from. The IMAP_URL shortcut is one such mailbox, built from the
// environment; the mailboxes table adds more (src/store/mailboxes.ts). Every part of a process asks
// here, so they share one token provider per credential.
import { addressOf, type Config } from '../config.ts';
import { rawEncryptionKey } from '../raw-key.ts';
import type { Db } from '../store/db.ts';
import { listMailboxes, mailboxSecret, type MailboxRow } from '../store/mailboxes.ts';
import { ttlMemo } from '../ttl-memo.ts';
import { credentialKey, sharedTokenProvider } from './oauth2/registry.ts';
import type { TokenSource } from './oauth2/token-provider.ts';
import { mailboxKey, parseImapUrl, type ImapTarget } from './imap-client.ts';

type Ctx = { db: Db; config: Readonly<Config> };

export interface MailboxSpec {
  /** `default` for IMAP_URL, else the row's name. */
  name: string;
  /** Identity in inbound_messages, cursors and leases. */
  key: string;
  imap: ImapTarget;
  archiveMailbox?: string;
  /** Where its provider files sent mail (default IMAP_SENT_MAILBOX). */
  sentMailbox?: string;
  /** From of replies to questions that came here ("Name <address>") and its bare address. */
  from: string;
  fromAddress: string;
  /** Its own SMTP server and sign-in; null: the deployment's SMTP_URL. */
  smtp: { url: string; tokens?: TokenSource } | null;
  defaultSpecialty: string | null;
  defaultPlan: string | null;
  /** A changed row is a new version: transports and sources built from the old one are replaced. */
  version: string;
}

/** The token source of the OAuth2 client in the environment, for this user. */
export function envTokens(ctx: Ctx, user: string): TokenSource {
  const c = ctx.config;
  if (!c.oauth2) throw new Error('OAuth2 is not configured');
  return sharedTokenProvider(ctx, {
    key: credentialKey(c.oauth2.tokenUrl, c.OAUTH2_CLIENT_ID, user),
    tokenUrl: c.oauth2.tokenUrl,
    clientId: c.OAUTH2_CLIENT_ID,
    clientSecret: c.OAUTH2_CLIENT_SECRET || undefined,
    refreshToken: c.OAUTH2_REFRESH_TOKEN,
    scope: c.oauth2.scope || undefined,
  });
}

/** IMAP_URL with its sign-in (IMAP_AUTH), or null on the Maildir default. */
export function envImapTarget(ctx: Ctx): ImapTarget | null {
  if (!ctx.config.IMAP_URL) return null;
  const t = parseImapUrl(ctx.config.IMAP_URL);
  return ctx.config.IMAP_AUTH === 'oauth2' ? { ...t, tokens: envTokens(ctx, t.user) } : t;
}

/** The SMTP token source of the environment's sender (SMTP_AUTH=oauth2), else undefined. */
export function envSmtpTokens(ctx: Ctx): TokenSource | undefined {
  if (ctx.config.SMTP_AUTH !== 'oauth2' || !ctx.config.SMTP_URL) return undefined;
  return envTokens(ctx, decodeURIComponent(new URL(ctx.config.SMTP_URL).username));
}

/** The IMAP_URL shortcut as a mailbox, or null. */
export function envMailboxSpec(ctx: Ctx): MailboxSpec | null {
  const imap = envImapTarget(ctx);
  if (!imap) return null;
  return {
    name: 'default',
    key: mailboxKey(imap),
    imap,
    archiveMailbox: ctx.config.IMAP_ARCHIVE_MAILBOX || undefined,
    from: ctx.config.MAIL_FROM,
    fromAddress: ctx.config.mailFromAddress,
    smtp: null,
    defaultSpecialty: null,
    defaultPlan: null,
    version: 'env',
  };
}

export function specFromRow(ctx: Ctx, row: MailboxRow): MailboxSpec {
  const key = rawEncryptionKey(ctx.config);
  const oauthTokens = (user: string): TokenSource =>
    sharedTokenProvider(ctx, {
      key: credentialKey(row.oauth2_token_url!, row.oauth2_client_id!, user),
      tokenUrl: row.oauth2_token_url!,
      clientId: row.oauth2_client_id!,
      clientSecret: mailboxSecret(row, 'oauth2_client_secret', key) ?? undefined,
      refreshToken: mailboxSecret(row, 'oauth2_refresh_token', key)!,
      scope: row.oauth2_scope ?? undefined,
    });
  const target = parseImapUrl(row.imap_url);
  const imap: ImapTarget =
    row.imap_auth === 'oauth2' ? { ...target, tokens: oauthTokens(target.user) } : { ...target, pass: mailboxSecret(row, 'imap_password', key) ?? '' };
  let smtp: MailboxSpec['smtp'] = null;
  if (row.smtp_url) {
    const u = new URL(row.smtp_url);
    if (row.smtp_auth === 'oauth2') smtp = { url: row.smtp_url, tokens: oauthTokens(decodeURIComponent(u.username)) };
    else {
      const pass = mailboxSecret(row, 'smtp_password', key);
      if (pass) u.password = encodeURIComponent(pass);
      smtp = { url: u.toString() };
    }
  }
  return {
    name: row.name,
    key: row.key,
    imap,
    archiveMailbox: row.archive_mailbox ?? undefined,
    sentMailbox: row.sent_mailbox ?? undefined,
    from: row.from_address,
    fromAddress: addressOf(row.from_address),
    smtp,
    defaultSpecialty: row.default_specialty,
    defaultPlan: row.default_plan,
    version: `${row.id}:${new Date(row.created_at).getTime()}`,
  };
}

/** Every mailbox to poll: the table's active ones, and IMAP_URL unless a row names the same mailbox. */
export async function loadMailboxSpecs(ctx: Ctx): Promise<MailboxSpec[]> {
  const rows = (await listMailboxes(ctx.db, { activeOnly: true })).map((r) => specFromRow(ctx, r));
  const env = envMailboxSpec(ctx);
  return env && !rows.some((r) => r.key === env.key) ? [env, ...rows] : rows;
}

const directories = new WeakMap<Db, () => Promise<Map<string, MailboxSpec>>>();

/**
 * Mailboxes by key, read at most every 10 s: ingest asks for each message's mailbox defaults, the
 * send worker for the From and the transport of each reply. A key it does not know (a mailbox added
 * since) is looked up at once: its first reply must not leave from another mailbox.
 */
export async function mailboxDirectory(ctx: Ctx, key?: string | null): Promise<Map<string, MailboxSpec>> {
  let d = directories.get(ctx.db);
  if (!d) {
    d = ttlMemo(
      () => 10_000,
      async () => new Map((await loadMailboxSpecs(ctx)).map((s) => [s.key, s])),
    );
    directories.set(ctx.db, d);
  }
  const dir = await d();
  if (!key || dir.has(key)) return dir;
  // Maildir messages, and a removed mailbox's, are not in the table: one look per 10 s, not per message.
  let missed = misses.get(ctx.db);
  if (!missed) misses.set(ctx.db, (missed = new Map()));
  if (Date.now() - (missed.get(key) ?? 0) < 10_000) return dir;
  const fresh = new Map((await loadMailboxSpecs(ctx)).map((s) => [s.key, s]));
  if (!fresh.has(key)) missed.set(key, Date.now());
  return fresh;
}

const misses = new WeakMap<Db, Map<string, number>>();
