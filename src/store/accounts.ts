import type { Queryable } from './db.ts';

export interface SenderAccount {
  contactId: number;
  accountId: number | null;
  plan: string;
  dueHours: number;
}

/**
 * The contact for a sender address, created on first contact, and its account: by the contact's own
 * link, else by the address's domain. Senders with no account follow the guest plan.
 */
export async function resolveSender(q: Queryable, address: string, name: string | null): Promise<SenderAccount> {
  const email = address.toLowerCase();
  const domain = email.split('@')[1] ?? '';
  await q.query(
    `INSERT INTO contacts (email, name, account_id) VALUES ($1, $2, (SELECT id FROM accounts WHERE domain = $3))
     ON CONFLICT (email) DO NOTHING`,
    [email, name, domain],
  );
  const r = await q.query<{ contact_id: number; account_id: number | null; plan: string | null; due_hours: number }>(
    `SELECT ct.id AS contact_id, a.id AS account_id, COALESCE(a.plan, 'guest') AS plan, p.due_hours
     FROM contacts ct
     LEFT JOIN accounts a ON a.id = COALESCE(ct.account_id, (SELECT id FROM accounts WHERE domain = $2))
     JOIN plans p ON p.name = COALESCE(a.plan, 'guest')
     WHERE ct.email = $1`,
    [email, domain],
  );
  const row = r.rows[0];
  return { contactId: row.contact_id, accountId: row.account_id, plan: row.plan ?? 'guest', dueHours: row.due_hours };
}

export async function createAccount(q: Queryable, a: { name: string; domain: string | null; plan: string }): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO accounts (name, domain, plan) VALUES ($1, $2, $3)
     ON CONFLICT (domain) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan RETURNING id`,
    [a.name, a.domain, a.plan],
  );
  return r.rows[0].id;
}
