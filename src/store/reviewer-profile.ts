// The reviewer's profile as replies show it: name, credential and signature (users table, migration 010).
import type { Queryable } from './db.ts';

export interface ReviewerProfile {
  name: string;
  credential: string;
  signature: string;
}

export async function reviewerProfile(q: Queryable, userId: number): Promise<ReviewerProfile> {
  const r = await q.query<ReviewerProfile>('SELECT name, credential, signature FROM users WHERE id = $1', [userId]);
  return r.rows[0] ?? { name: '', credential: '', signature: '' };
}

export async function saveReviewerProfile(q: Queryable, userId: number, p: ReviewerProfile): Promise<void> {
  await q.query('UPDATE users SET name = $2, credential = $3, signature = $4 WHERE id = $1', [userId, p.name, p.credential, p.signature]);
}
