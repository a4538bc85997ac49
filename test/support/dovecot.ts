// A real Dovecot on loopback for a test run: own config, own users, own Maildir tree.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { freePort, waitForPort } from './net.ts';

export interface Dovecot {
  port: number;
  root: string;
  users: Record<string, string>;
  imapUrl(user: string, mailbox?: string): string;
  maildir(user: string): string;
  stop(): Promise<void>;
  /** Stops and starts the server; `between` runs while it is down (e.g. to reset the index). */
  restart(between?: () => void | Promise<void>): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

async function portClosed(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (!open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function dovecotBinary(): string | null {
  for (const p of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']) if (fs.existsSync(p)) return p;
  return null;
}

export interface DovecotOptions {
  /**
   * OAuth2 sign-in (Dovecot's oauth2 passdb) validated at this RFC 7662 introspection URL, offering
   * these SASL mechanisms (imapflow takes OAUTHBEARER when offered, else XOAUTH2).
   */
  oauth2?: { introspectionUrl: string; mechanisms: ('xoauth2' | 'oauthbearer')[] };
}

export async function startDovecot(
  users: Record<string, string> = { 'consult@example.test': 'consult-pass', 'reviewer@example.test': 'reviewer-pass' },
  opts: DovecotOptions = {},
): Promise<Dovecot> {
  const bin = dovecotBinary();
  if (!bin) throw new Error('dovecot is not installed: apt-get install -y dovecot-imapd dovecot-core (.ci/run does this)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-dovecot-'));
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const mailUser = isRoot ? 'nobody' : os.userInfo().username;
  const mailGroup = isRoot ? 'nogroup' : execFileSync('id', ['-gn']).toString().trim();
  for (const d of ['run', 'state', 'mail']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'users'),
    `${Object.entries(users)
      .map(([u, p]) => `${u}:{PLAIN}${p}`)
      .join('\n')}\n`,
  );
  const conf = fs
    .readFileSync(path.join(here, 'dovecot.conf.tmpl'), 'utf8')
    .replaceAll('@ROOT@', root)
    .replaceAll('@PORT@', String(port))
    .replaceAll('@MAILUSER@', mailUser)
    .replaceAll('@MAILGROUP@', mailGroup);
  const confFile = path.join(root, 'dovecot.conf');
  fs.writeFileSync(confFile, opts.oauth2 ? withOauth2(conf, root, opts.oauth2) : conf);
  if (isRoot) {
    fs.chmodSync(root, 0o755);
    execFileSync('chown', ['-R', `${mailUser}:${mailGroup}`, path.join(root, 'mail')]);
  }
  let child: ChildProcess | null = null;
  const launch = async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = spawn(bin, ['-F', '-c', confFile], { stdio: 'ignore' });
      child = c;
      const exited = new Promise<boolean>((resolve) => c.once('exit', () => resolve(true)));
      // A master that lost the port to a lingering process of the previous one exits at once ("Address
      // already in use"), possibly while that leftover still accepts: make sure ours is up and stays up.
      const opened = await Promise.race([waitForPort(port, 10_000).then(() => true), exited.then(() => false)]);
      if (opened && !(await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), 400))]))) return;
      await new Promise((r) => setTimeout(r, 300));
      await portClosed(port, 10_000);
    }
    throw new Error('dovecot did not stay up');
  };
  await launch();
  const stopChild = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 5000).unref();
    });
  };
  return {
    port,
    root,
    users,
    imapUrl: (user, mailbox = 'INBOX') => `imap://${encodeURIComponent(user)}:${encodeURIComponent(users[user])}@127.0.0.1:${port}/${mailbox}`,
    maildir: (user) => {
      const [local, domain] = user.split('@');
      return path.join(root, 'mail', domain, local, 'Maildir');
    },
    async stop() {
      await stopChild();
      fs.rmSync(root, { recursive: true, force: true });
    },
    async restart(between) {
      await stopChild();
      // The master is gone, but its login processes may hold the listener a moment longer.
      await portClosed(port, 10_000);
      await between?.();
      await launch();
    },
  };
}

/** The oauth2 passdb before the passwd-file one, as in ../shared/infra/README.md. */
function withOauth2(conf: string, root: string, o: NonNullable<DovecotOptions['oauth2']>): string {
  fs.writeFileSync(
    path.join(root, 'dovecot-oauth2.conf.ext'),
    [
      `introspection_mode = post`,
      `introspection_url = ${o.introspectionUrl}`,
      'username_attribute = username',
      'active_attribute = active',
      'active_value = true',
      '',
    ].join('\n'),
  );
  const passdb = `passdb {\n  driver = oauth2\n  mechanisms = ${o.mechanisms.join(' ')}\n  args = ${root}/dovecot-oauth2.conf.ext\n}\n`;
  // A refused token is part of these tests: no 2 s failure delay (the next sign-in from the address still
  // waits out Dovecot's penalty, 2 s and more).
  const quick = 'auth_failure_delay = 0\n';
  return (
    quick + conf.replace('auth_mechanisms = plain login', `auth_mechanisms = plain login ${o.mechanisms.join(' ')}`).replace('passdb {', `${passdb}passdb {`)
  );
}

/** A client for one of this server's users, not yet connected; errors are the caller's to see through its calls. */
export function imapClient(d: Pick<Dovecot, 'port' | 'users'>, user: string): ImapFlow {
  const c = new ImapFlow({ host: '127.0.0.1', port: d.port, secure: false, auth: { user, pass: d.users[user] }, logger: false });
  c.on('error', () => {});
  return c;
}

/** APPENDs one raw message on a short session of its own. */
export async function appendMessage(d: Pick<Dovecot, 'port' | 'users'>, user: string, raw: string | Buffer, mailbox = 'INBOX'): Promise<void> {
  const c = imapClient(d, user);
  await c.connect();
  try {
    await c.append(mailbox, raw);
  } finally {
    await c.logout();
  }
}
