import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { effectivePlan, monthStart, quotaDecision, type PlanRow } from '../../src/mail/quota.ts';

const guest: PlanRow = { name: 'guest', monthly_quota: null, total_quota: 1, due_hours: 48 };
const free: PlanRow = { name: 'free', monthly_quota: 5, total_quota: null, due_hours: 24 };
const pro: PlanRow = { name: 'pro', monthly_quota: null, total_quota: null, due_hours: 4 };

test('quotaDecision', () => {
  const cases: [string, PlanRow, { total: number; thisMonth: number }, ReturnType<typeof quotaDecision>][] = [
    ['guest, first question', guest, { total: 0, thisMonth: 0 }, { allowed: true }],
    ['guest, second question', guest, { total: 1, thisMonth: 1 }, { allowed: false, reason: 'total', limit: 1 }],
    ['guest, asked last year', guest, { total: 1, thisMonth: 0 }, { allowed: false, reason: 'total', limit: 1 }],
    ['free, 4 this month', free, { total: 40, thisMonth: 4 }, { allowed: true }],
    ['free, 5 this month', free, { total: 5, thisMonth: 5 }, { allowed: false, reason: 'monthly', limit: 5 }],
    ['free, many last months', free, { total: 500, thisMonth: 0 }, { allowed: true }],
    ['pro, unlimited', pro, { total: 10_000, thisMonth: 10_000 }, { allowed: true }],
  ];
  for (const [name, row, usage, want] of cases) assert.deepEqual(quotaDecision(effectivePlan(row), usage), want, name);
});

test('effectivePlan applies PLANS overrides; null lifts a limit, absent keeps the table', () => {
  const cases: [string, PlanRow, Parameters<typeof effectivePlan>[1], ReturnType<typeof effectivePlan>][] = [
    ['no override', free, undefined, { name: 'free', monthly: 5, total: null, dueHours: 24, instantFacts: false }],
    ['raise monthly', free, { monthly: 20 }, { name: 'free', monthly: 20, total: null, dueHours: 24, instantFacts: false }],
    ['lift guest cap', guest, { total: null }, { name: 'guest', monthly: null, total: null, dueHours: 48, instantFacts: false }],
    ['guest 3 total, 2 h', guest, { total: 3, dueHours: 2 }, { name: 'guest', monthly: null, total: 3, dueHours: 2, instantFacts: false }],
    ['pro capped monthly', pro, { monthly: 100 }, { name: 'pro', monthly: 100, total: null, dueHours: 4, instantFacts: false }],
    ['zero blocks all', free, { monthly: 0 }, { name: 'free', monthly: 0, total: null, dueHours: 24, instantFacts: false }],
    ['instant facts from the table', { ...pro, instant_facts: true }, undefined, { name: 'pro', monthly: null, total: null, dueHours: 4, instantFacts: true }],
    ['instant facts turned on by PLANS', free, { instantFacts: true }, { name: 'free', monthly: 5, total: null, dueHours: 24, instantFacts: true }],
  ];
  for (const [name, row, o, want] of cases) assert.deepEqual(effectivePlan(row, o), want, name);
  assert.deepEqual(quotaDecision(effectivePlan(free, { monthly: 0 }), { total: 0, thisMonth: 0 }), { allowed: false, reason: 'monthly', limit: 0 });
});

test('monthStart is the first of the month, UTC', () => {
  const cases: [string, string][] = [
    ['2026-02-10T10:00:00Z', '2026-02-01T00:00:00.000Z'],
    ['2026-03-01T00:00:00Z', '2026-03-01T00:00:00.000Z'],
    ['2026-02-28T23:59:59Z', '2026-02-01T00:00:00.000Z'],
    ['2025-12-31T23:59:59.999Z', '2025-12-01T00:00:00.000Z'],
  ];
  for (const [now, want] of cases) assert.equal(monthStart(new Date(now)).toISOString(), want, now);
});
