import type { Queryable } from './db.ts';

import type { PlanRow, QuotaUsage } from '../mail/quota.ts';

export interface SenderAccount {
  contactId: number;
  accountId: number | null;
  plan: string;
  dueHours: number;
  /** The plan's row as stored; PLANS overrides are applied by the caller (effectivePlan). */
  planRow: PlanRow;
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
  const r = await q.query<{ contact_id: number; account_id: number | null; plan: string | null; due_hours: number; monthly_quota: number | null; total_quota: number | null }>(
    `SELECT ct.id AS contact_id, a.id AS account_id, COALESCE(a.plan, 'guest') AS plan, p.due_hours, p.monthly_quota, p.total_quota
     FROM contacts ct
     LEFT JOIN accounts a ON a.id = COALESCE(ct.account_id, (SELECT id FROM accounts WHERE domain = $2))
     JOIN plans p ON p.name = COALESCE(a.plan, 'guest')
     WHERE ct.email = $1`,
    [email, domain],
  );
  const row = r.rows[0];
  const plan = row.plan ?? 'guest';
  return {
    contactId: row.contact_id,
    accountId: row.account_id,
    plan,
    dueHours: row.due_hours,
    planRow: { name: plan, monthly_quota: row.monthly_quota, total_quota: row.total_quota, due_hours: row.due_hours },
  };
}

/**
 * Consultations the sender's quota has used: the account's, or for a guest the address's own.
 * Call inside the transaction that may create the next one, after lockQuota.
 */
export async function quotaUsage(q: Queryable, s: { accountId: number | null; address: string }, monthStart: Date): Promise<QuotaUsage> {
  const r = await q.query<{ total: number; month: number }>(
    s.accountId !== null
      ? `SELECT count(*)::int AS total, count(*) FILTER (WHERE created_at >= $2)::int AS month FROM consultations WHERE account_id = $1`
      : `SELECT count(*)::int AS total, count(*) FILTER (WHERE created_at >= $2)::int AS month FROM consultations WHERE account_id IS NULL AND from_address = $1`,
    [s.accountId ?? s.address.toLowerCase(), monthStart],
  );
  return { total: r.rows[0]?.total ?? 0, thisMonth: r.rows[0]?.month ?? 0 };
}

/**
 * Serialises quota decisions for one account (or guest address) until the transaction ends, so two
 * questions ingested at once cannot both take the last unit.
 */
export async function lockQuota(q: Queryable, s: { accountId: number | null; address: string }): Promise<void> {
  const key = s.accountId !== null ? `quota:account:${s.accountId}` : `quota:address:${s.address.toLowerCase()}`;
  await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}

/** Puts one address on an account (an account without a domain, or an exception to the domain rule). */
export async function linkContactToAccount(q: Queryable, address: string, accountId: number): Promise<void> {
  await q.query(
    `INSERT INTO contacts (email, account_id) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET account_id = EXCLUDED.account_id`,
    [address.toLowerCase(), accountId],
  );
}

export async function createAccount(q: Queryable, a: { name: string; domain: string | null; plan: string }): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO accounts (name, domain, plan) VALUES ($1, $2, $3)
     ON CONFLICT (domain) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan RETURNING id`,
    [a.name, a.domain, a.plan],
  );
  return r.rows[0].id;
}
