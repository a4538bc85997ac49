// What the poller and the sender need to know about a mailbox: where it is, how to sign in, where
// replies to its questions come from. The IMAP_URL shortcut is one such mailbox, built from the
// environment; the mailboxes table adds more (src/store/mailboxes.ts).
import type { AppContext } from '../context.ts';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { credentialKey, sharedTokenProvider } from './oauth2/registry.ts';
import type { TokenSource } from './oauth2/token-provider.ts';
import { mailboxKey, parseImapUrl, type ImapTarget } from './sources/imap.ts';

type Ctx = { db: Db; config: Readonly<Config> };

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

export { mailboxKey };
export type { AppContext };
