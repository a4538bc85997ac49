import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONSULTATION_STATUSES, OPEN_STATUSES, REVIEWABLE_STATUSES, SETTLED_STATUSES, sqlStatusList, statusIn } from '../../src/store/consultation-status.ts';
import { ASSIGNEE_OPEN_PREDICATE } from '../../src/store/users.ts';
import { denial, permissionsFor, type ReviewAction } from '../../src/review/permissions.ts';

const migrations = path.join(import.meta.dirname, '../../src/store/migrations');
const sql = (f: string) => fs.readFileSync(path.join(migrations, f), 'utf8').replace(/\s+/g, ' ');

test('the CHECK constraint of consultations.status lists exactly the ConsultationStatus union', () => {
  const m = /status text NOT NULL CHECK \(status IN \(([^)]*)\)\)/.exec(sql('001_init.sql').slice(sql('001_init.sql').indexOf('CREATE TABLE consultations')));
  assert.ok(m);
  assert.deepEqual(
    m[1].split(',').map((s) => s.trim().replace(/'/g, '')),
    [...CONSULTATION_STATUSES],
  );
});

test("migration 007's partial index predicate is the routing query's literal list, generated from REVIEWABLE_STATUSES", () => {
  assert.ok(sql('007_assignee_open_index.sql').includes(`WHERE status IN ${ASSIGNEE_OPEN_PREDICATE};`));
  assert.equal(ASSIGNEE_OPEN_PREDICATE, sqlStatusList(REVIEWABLE_STATUSES));
});

test('"open" has one meaning: reviewable plus approved; settled never overlaps it', () => {
  assert.ok(statusIn('approved', OPEN_STATUSES));
  assert.ok(!statusIn('approved', REVIEWABLE_STATUSES));
  for (const s of SETTLED_STATUSES) assert.ok(!statusIn(s, OPEN_STATUSES), s);
});

const reviewer = { id: 1, role: 'reviewer' };
const other = { id: 2, role: 'reviewer' };
const lead = { id: 3, role: 'lead' };

const cases: { action: ReviewAction; status: string; assignee: number | null; user: typeof reviewer; want: null | 'FORBIDDEN' | 'WRONG_STATE' }[] = [
  { action: 'approve', status: 'awaiting_review', assignee: null, user: reviewer, want: null },
  { action: 'approve', status: 'awaiting_review', assignee: 1, user: reviewer, want: null },
  { action: 'approve', status: 'awaiting_review', assignee: 1, user: other, want: 'FORBIDDEN' },
  { action: 'approve', status: 'awaiting_review', assignee: 1, user: lead, want: 'FORBIDDEN' },
  { action: 'approve', status: 'approved', assignee: 1, user: reviewer, want: 'WRONG_STATE' },
  { action: 'claim', status: 'received', assignee: 1, user: other, want: 'FORBIDDEN' },
  { action: 'claim', status: 'received', assignee: 1, user: lead, want: null },
  { action: 'claim', status: 'sent', assignee: null, user: reviewer, want: 'WRONG_STATE' },
  { action: 'reassign', status: 'awaiting_review', assignee: 1, user: reviewer, want: 'FORBIDDEN' },
  { action: 'reassign', status: 'waiting_on_customer', assignee: 1, user: lead, want: null },
  { action: 'reassign', status: 'approved', assignee: 1, user: lead, want: 'WRONG_STATE' },
  { action: 'reject', status: 'drafting', assignee: 1, user: other, want: 'FORBIDDEN' },
  { action: 'reject', status: 'drafting', assignee: 1, user: lead, want: null },
  { action: 'requestInfo', status: 'waiting_on_customer', assignee: 1, user: reviewer, want: 'WRONG_STATE' },
  { action: 'edit', status: 'awaiting_review', assignee: 2, user: other, want: null },
];

for (const c of cases) {
  test(`${c.user.role} ${c.user.id} ${c.action} on ${c.status} assigned to ${c.assignee}: ${c.want ?? 'allowed'}`, () => {
    const subject = { status: c.status, assignee_id: c.assignee };
    assert.equal(denial(c.action, subject, c.user)?.code ?? null, c.want);
    // The console offers exactly what the action allows (claim also hides from its holder).
    const shown = permissionsFor(subject, c.user)[c.action];
    if (c.action !== 'claim') assert.equal(shown, c.want === null);
  });
}

test('the console does not offer claim to the assignee, nor to a reviewer when someone else holds it', () => {
  assert.equal(permissionsFor({ status: 'awaiting_review', assignee_id: 1 }, reviewer).claim, false);
  assert.equal(permissionsFor({ status: 'awaiting_review', assignee_id: 1 }, other).claim, false);
  assert.equal(permissionsFor({ status: 'awaiting_review', assignee_id: 1 }, lead).claim, true);
  assert.equal(permissionsFor({ status: 'awaiting_review', assignee_id: null }, other).claim, true);
});
