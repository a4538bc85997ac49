// The mailboxes table: several mailboxes per deployment, their secrets sealed (src/secret-box.ts).
import { AppError, ErrorCodes } from '../errors.ts';
import type { NewMailbox } from '../mail/mailbox-input.ts';
import { openSecret, sealSecret } from '../secret-box.ts';
import type { Queryable } from './db.ts';

export interface MailboxRow {
  id: number;
  name: string;
  key: string;
  imap_url: string;
  imap_auth: 'password' | 'oauth2';
  imap_password: Buffer | null;
  smtp_url: string | null;
  smtp_auth: 'password' | 'oauth2' | null;
  smtp_password: Buffer | null;
  oauth2_token_url: string | null;
  oauth2_client_id: string | null;
  oauth2_client_secret: Buffer | null;
  oauth2_refresh_token: Buffer | null;
  oauth2_scope: string | null;
  from_address: string;
  archive_mailbox: string | null;
  sent_mailbox: string | null;
  default_specialty: string | null;
  default_plan: string | null;
  active: boolean;
  created_at: Date;
}

const seal = (v: string | null, key: Buffer, label: string) => (v === null ? null : sealSecret(v, key, label));

/** Opens one sealed field of a row. */
export function mailboxSecret(
  row: MailboxRow,
  field: 'imap_password' | 'smtp_password' | 'oauth2_client_secret' | 'oauth2_refresh_token',
  key: Buffer,
): string | null {
  const blob = row[field];
  return blob ? openSecret(blob, key, `mailbox:${field}`) : null;
}

export async function addMailbox(q: Queryable, m: NewMailbox, secretKey: Buffer): Promise<number> {
  const exists = await q.query<{ name: string }>('SELECT name FROM mailboxes WHERE name = $1 OR key = $2', [m.name, m.key]);
  if (exists.rows[0])
    throw new AppError(
      ErrorCodes.WRONG_STATE,
      `a mailbox ${exists.rows[0].name === m.name ? `named ${m.name}` : 'for this IMAP user and folder'} exists already (remove it first)`,
    );
  if (m.plan && !(await q.query('SELECT 1 FROM plans WHERE name = $1', [m.plan])).rows.length)
    throw new AppError(ErrorCodes.BAD_REQUEST, `no plan named ${m.plan}`);
  const r = await q.query<{ id: number }>(
    `INSERT INTO mailboxes (name, key, imap_url, imap_auth, imap_password, smtp_url, smtp_auth, smtp_password, oauth2_token_url, oauth2_client_id,
       oauth2_client_secret, oauth2_refresh_token, oauth2_scope, from_address, archive_mailbox, default_specialty, default_plan, sent_mailbox)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
    [
      m.name,
      m.key,
      m.imapUrl,
      m.imapAuth,
      seal(m.imapPassword, secretKey, 'mailbox:imap_password'),
      m.smtpUrl,
      m.smtpAuth,
      seal(m.smtpPassword, secretKey, 'mailbox:smtp_password'),
      m.oauth2?.tokenUrl ?? null,
      m.oauth2?.clientId ?? null,
      seal(m.oauth2?.clientSecret ?? null, secretKey, 'mailbox:oauth2_client_secret'),
      seal(m.oauth2?.refreshToken ?? null, secretKey, 'mailbox:oauth2_refresh_token'),
      m.oauth2?.scope ?? null,
      m.from,
      m.archive,
      m.specialty,
      m.plan,
      m.sent,
    ],
  );
  return r.rows[0].id;
}

export async function listMailboxes(q: Queryable, opts: { activeOnly?: boolean } = {}): Promise<MailboxRow[]> {
  const r = await q.query<MailboxRow>(`SELECT * FROM mailboxes${opts.activeOnly ? ' WHERE active' : ''} ORDER BY name`);
  return r.rows;
}

/** Removes the mailbox; its messages, consultations and cursor stay (they name it by key). */
export async function removeMailbox(q: Queryable, name: string): Promise<MailboxRow | null> {
  const r = await q.query<MailboxRow>('DELETE FROM mailboxes WHERE name = $1 RETURNING *', [name.trim().toLowerCase()]);
  return r.rows[0] ?? null;
}

/** Per mailbox key: its cursor, for the list views. */
export async function cursorsByKey(q: Queryable): Promise<Map<string, { uidvalidity: number; lastUid: number; updatedAt: Date }>> {
  const r = await q.query<{ mailbox: string; uidvalidity: number; last_uid: number; updated_at: Date }>(
    'SELECT mailbox, uidvalidity, last_uid, updated_at FROM mailbox_cursors',
  );
  return new Map(r.rows.map((c) => [c.mailbox, { uidvalidity: Number(c.uidvalidity), lastUid: Number(c.last_uid), updatedAt: c.updated_at }]));
}
