import type { Queryable } from './db.ts';

/** Which of these addresses belong to an account, by their own contact row or by their domain. */
export async function addressesWithAccount(q: Queryable, addresses: string[]): Promise<Set<string>> {
  const r = await q.query<{ email: string }>(
    `SELECT x.email FROM unnest($1::text[]) AS x(email)
     WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.email = x.email AND c.account_id IS NOT NULL)
        OR EXISTS (SELECT 1 FROM accounts a WHERE a.domain = split_part(x.email, '@', 2))`,
    [[...new Set(addresses.map((a) => a.toLowerCase()))]],
  );
  return new Set(r.rows.map((row) => row.email));
}

/** Puts one address on an account (an account without a domain, or an exception to the domain rule). */
export async function linkContactToAccount(q: Queryable, address: string, accountId: number): Promise<void> {
  await q.query(`INSERT INTO contacts (email, account_id) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET account_id = EXCLUDED.account_id`, [
    address.toLowerCase(),
    accountId,
  ]);
}

export async function createAccount(q: Queryable, a: { name: string; domain: string | null; plan: string }): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO accounts (name, domain, plan) VALUES ($1, $2, $3)
     ON CONFLICT (domain) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan RETURNING id`,
    [a.name, a.domain, a.plan],
  );
  return r.rows[0].id;
}
