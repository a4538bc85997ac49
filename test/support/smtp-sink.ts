// A real SMTP server on loopback (smtp-server) that keeps what it receives.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './net.ts';

export interface Received {
  /** The signed-in user, when the sink asks for XOAUTH2. */
  user?: string;
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: Received[];
  stop(): Promise<void>;
}

export async function startSmtpSink(
  opts: {
    onMessage?: (m: Received) => Promise<void> | void;
    /** Require XOAUTH2 and accept a token when this names its user (the provider's check). */
    oauth2?: (accessToken: string) => string | null;
    /** Every XOAUTH2 attempt, accepted or not. */
    authLog?: { user: string; ok: boolean }[];
  } = {},
): Promise<SmtpSink> {
  const port = await freePort();
  const messages: Received[] = [];
  const check = opts.oauth2;
  const server = new SMTPServer({
    authOptional: !check,
    disabledCommands: check ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authMethods: check ? ['XOAUTH2'] : undefined,
    allowInsecureAuth: true,
    onAuth: check
      ? (auth, _session, cb) => {
          const user = auth.method === 'XOAUTH2' && auth.accessToken ? check(auth.accessToken) : null;
          const ok = !!user && user === auth.username;
          opts.authLog?.push({ user: auth.username ?? '', ok });
          // A refused XOAUTH2 token gets Gmail's 334 error challenge, after which a client may retry with a fresh token.
          cb(null, ok ? { user } : { data: { status: '401', schemes: 'bearer' } });
        }
      : undefined,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const m: Received = {
          user: session.user as string | undefined,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          parsed: await simpleParser(raw),
        };
        messages.push(m);
        try {
          await opts.onMessage?.(m);
          callback();
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });
  // Clients killed mid-session (the crash tests do that on purpose) reset their connections.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
