// IMAP client helpers shared by the poller, the Sent-folder reconciler and the readiness probe: the
// target parsed from a URL, the key a mailbox is known by, and a connected client (OAuth2 included).
// Kept apart from the poller so that sending and the web process do not load the poller.
// imapflow is loaded on the first connection: the workers read parseImapUrl and mailboxKey from here
// and never connect, and the library is ~25 MB of a process's memory.
import type { ImapFlow } from 'imapflow';
import { isAuthFailure, type TokenSource } from './oauth2/token-provider.ts';

export interface ImapTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
  /** OAuth2: sign in with an access token from here (XOAUTH2 or OAUTHBEARER) instead of the password. */
  tokens?: TokenSource;
}

export function parseImapUrl(url: string): ImapTarget {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: Number(u.port || (secure ? 993 : 143)),
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox: decodeURIComponent(u.pathname.replace(/^\/+/, '')) || 'INBOX',
  };
}

export const mailboxKey = (t: ImapTarget) => `imap:${t.user}@${t.host}:${t.port}/${t.mailbox}`;

export async function newImapClient(t: ImapTarget, accessToken?: string): Promise<ImapFlow> {
  const { ImapFlow } = await import('imapflow');
  return new ImapFlow({
    host: t.host,
    port: t.port,
    secure: t.secure,
    // imapflow picks OAUTHBEARER when the server offers it, else XOAUTH2.
    auth: accessToken ? { user: t.user, accessToken } : { user: t.user, pass: t.pass },
    logger: false,
    disableAutoIdle: true,
    // IDLE is restarted at least this often, and each restart runs a catch-up: a safety net for a
    // notification the server never sent.
    maxIdleTime: 60_000,
  });
}

/**
 * A connected client. With OAuth2, a token the server refuses (revoked, or expired before its time)
 * is dropped and the sign-in tried once more with a refreshed one.
 */
export async function connectImap(t: ImapTarget, onError: (err: Error) => void = () => {}): Promise<ImapFlow> {
  for (let attempt = 0; ; attempt++) {
    const token = t.tokens ? await t.tokens.accessToken() : undefined;
    const c = await newImapClient(t, token);
    c.on('error', onError);
    try {
      await c.connect();
      return c;
    } catch (err) {
      c.close();
      if (token && attempt === 0 && isAuthFailure(err)) {
        t.tokens!.invalidate(token);
        continue;
      }
      throw err;
    }
  }
}
