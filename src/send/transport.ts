// Nodemailer transports: SMTP when SMTP_URL is set, else .eml files in DATA_DIR/outbox.
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { Config } from '../config.ts';
import { fileName } from './reconcile.ts';
import type { TokenSource } from '../mail/oauth2/token-provider.ts';

export interface SendResult {
  accepted: string[];
  response: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(message: Mail.Options): Promise<SendResult>;
  close(): void;
}

/**
 * Nodemailer's OAuth2 (XOAUTH2) sign-in, fed from our token source: Nodemailer asks before each
 * connection (the expiry given back is "now", so it never keeps a token of its own past its time) and
 * asks again with renew=true when the server refused one, which drops that token for every user of it.
 */
function oauth2Auth(user: string, tokens: TokenSource) {
  let last: string | null = null;
  return {
    type: 'OAuth2' as const,
    user,
    provisionCallback: (_user: string, renew: boolean, cb: (err: Error | null, token?: string, expires?: number) => void) => {
      if (renew && last) tokens.invalidate(last);
      tokens.accessToken().then(
        (token) => {
          last = token;
          cb(null, token, Date.now() + 1);
        },
        (err: Error) => cb(err),
      );
    },
  };
}

/** smtpUrl: SMTP_URL, or a mailbox's own; tokens: its OAuth2 sign-in (else the URL's password). */
export function createTransport(config: Pick<Config, 'SMTP_URL' | 'paths'>, tokens?: TokenSource, smtpUrl = config.SMTP_URL): MailTransport {
  if (smtpUrl) {
    const u = new URL(smtpUrl);
    const user = decodeURIComponent(u.username);
    const t = nodemailer.createTransport({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
      secure: u.protocol === 'smtps:',
      auth: tokens ? oauth2Auth(user, tokens) : u.username ? { user, pass: decodeURIComponent(u.password) } : undefined,
      // Loopback test servers speak no TLS; anything else must offer it when it advertises it.
      ignoreTLS: ['127.0.0.1', 'localhost', '::1'].includes(u.hostname) && u.searchParams.get('tls') !== 'require',
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
    return {
      kind: 'smtp',
      async send(message) {
        const info = await t.sendMail(message);
        return { accepted: (info.accepted as (string | { address: string })[]).map((a) => (typeof a === 'string' ? a : a.address)), response: info.response };
      },
      close: () => t.close(),
    };
  }
  const dir = config.paths.outbox;
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'file',
    async send(message) {
      const info = await t.sendMail(message);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, fileName(String(message.messageId ?? info.messageId)));
      // Write then rename, so a reader never sees half a message and a retry overwrites the same file.
      fs.writeFileSync(`${file}.tmp`, info.message as Buffer);
      fs.renameSync(`${file}.tmp`, file);
      return { accepted: [String(message.to)], response: `250 written ${path.basename(file)}` };
    },
    close: () => {},
  };
}
