// A mailbox as an operator describes it (CLI flags or the admin form), checked and split into what
// is stored in clear and the secrets that are sealed. Pure: the same rules for both doors.
import { AppError, ErrorCodes } from '../errors.ts';
import { OAUTH2_PROVIDERS, oauth2Preset, type OAuth2ProviderName } from './oauth2/presets.ts';
import { mailboxKey, parseImapUrl } from './imap-client.ts';

export interface MailboxInput {
  name: string;
  imapUrl: string;
  imapAuth?: string;
  smtpUrl?: string;
  smtpAuth?: string;
  from?: string;
  archive?: string;
  sent?: string;
  specialty?: string;
  plan?: string;
  oauth2Provider?: string;
  oauth2Tenant?: string;
  oauth2TokenUrl?: string;
  oauth2ClientId?: string;
  oauth2ClientSecret?: string;
  oauth2RefreshToken?: string;
  oauth2Scope?: string;
}

export interface NewMailbox {
  name: string;
  key: string;
  imapUrl: string;
  imapAuth: 'password' | 'oauth2';
  imapPassword: string | null;
  smtpUrl: string | null;
  smtpAuth: 'password' | 'oauth2' | null;
  smtpPassword: string | null;
  oauth2: { tokenUrl: string; clientId: string; clientSecret: string | null; refreshToken: string; scope: string | null } | null;
  from: string;
  archive: string | null;
  sent: string | null;
  specialty: string | null;
  plan: string | null;
}

const bad = (m: string) => new AppError(ErrorCodes.BAD_REQUEST, m);
const blank = (v: string | undefined) => (v ?? '').trim() || null;

function url(v: string, protocols: string[], what: string): URL {
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    throw bad(`${what} is not a URL`);
  }
  if (!protocols.includes(u.protocol)) throw bad(`${what} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return u;
}

function auth(v: string | undefined, what: string): 'password' | 'oauth2' {
  const a = (v ?? 'password').trim() || 'password';
  if (a !== 'password' && a !== 'oauth2') throw bad(`${what} must be password or oauth2`);
  return a;
}

/** The URL without its password, and the password (null when none). */
function splitPassword(u: URL): [string, string | null] {
  const pass = u.password ? decodeURIComponent(u.password) : null;
  u.password = '';
  return [u.toString(), pass];
}

export function parseMailboxInput(i: MailboxInput): NewMailbox {
  const name = i.name.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(name)) throw bad('name: 1 to 40 letters, digits, _ or -');
  const imap = url(i.imapUrl, ['imap:', 'imaps:'], 'IMAP URL');
  if (!imap.username) throw bad('IMAP URL names no user');
  const imapAuth = auth(i.imapAuth, 'IMAP auth');
  const [imapUrl, imapPassword] = splitPassword(imap);
  if (imapAuth === 'password' && !imapPassword) throw bad('IMAP URL holds no password (or choose oauth2)');
  if (imapAuth === 'oauth2' && imapPassword) throw bad('IMAP URL holds a password, but the auth is oauth2: remove it');

  let smtpUrl: string | null = null;
  let smtpPassword: string | null = null;
  let smtpAuth: NewMailbox['smtpAuth'] = null;
  if (blank(i.smtpUrl)) {
    const smtp = url(i.smtpUrl!, ['smtp:', 'smtps:'], 'SMTP URL');
    smtpAuth = auth(i.smtpAuth, 'SMTP auth');
    [smtpUrl, smtpPassword] = splitPassword(smtp);
    if (smtpAuth === 'oauth2' && (smtpPassword || !smtp.username)) throw bad('SMTP URL: with oauth2, the user and no password');
  }

  let oauth2: NewMailbox['oauth2'] = null;
  if (imapAuth === 'oauth2' || smtpAuth === 'oauth2') {
    const provider = blank(i.oauth2Provider);
    if (provider && !OAUTH2_PROVIDERS.includes(provider as OAuth2ProviderName)) throw bad(`OAuth2 provider must be ${OAUTH2_PROVIDERS.join(' or ')}`);
    const preset = provider ? oauth2Preset(provider as OAuth2ProviderName, blank(i.oauth2Tenant) ?? undefined) : null;
    const tokenUrl = blank(i.oauth2TokenUrl) ?? preset?.tokenUrl;
    if (!tokenUrl) throw bad('OAuth2 needs a token URL or a provider (microsoft, google)');
    url(tokenUrl, ['https:', 'http:'], 'OAuth2 token URL');
    const clientId = blank(i.oauth2ClientId);
    const refreshToken = blank(i.oauth2RefreshToken);
    if (!clientId) throw bad('OAuth2 needs a client id');
    if (!refreshToken) throw bad('OAuth2 needs a refresh token');
    oauth2 = { tokenUrl, clientId, clientSecret: blank(i.oauth2ClientSecret), refreshToken, scope: blank(i.oauth2Scope) ?? preset?.scope ?? null };
  }

  const target = parseImapUrl(imapUrl);
  const from = blank(i.from) ?? target.user;
  if (!/^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(from)) throw bad('From must be an address like "Name <consult@example.com>"');
  const specialty = blank(i.specialty)?.toLowerCase() ?? null;
  if (specialty && !/^[a-z_-]{1,40}$/.test(specialty)) throw bad('specialty: one word');
  return {
    name,
    key: mailboxKey(target),
    imapUrl,
    imapAuth,
    imapPassword,
    smtpUrl,
    smtpAuth,
    smtpPassword,
    oauth2,
    from,
    archive: blank(i.archive),
    sent: blank(i.sent),
    specialty,
    plan: blank(i.plan),
  };
}
