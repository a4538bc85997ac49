// Plan limits and the quota decision. Pure: the caller counts the sender's consultations.
// Only new consultations count; follow-ups to an existing one never do.
import type { PlanOverride } from '../config.ts';

export interface PlanRow {
  name: string;
  monthly_quota: number | null;
  total_quota: number | null;
  due_hours: number;
  /** Migration 011; absent on rows read before it. */
  instant_facts?: boolean;
}

export interface PlanLimits {
  name: string;
  /** New consultations per calendar month (UTC); null = unlimited. */
  monthly: number | null;
  /** New consultations ever; null = unlimited. */
  total: number | null;
  dueHours: number;
  /** The acknowledgement carries the question's table facts, marked preliminary. */
  instantFacts: boolean;
}

export interface QuotaUsage {
  total: number;
  thisMonth: number;
}

export type QuotaDecision = { allowed: true } | { allowed: false; reason: 'total' | 'monthly'; limit: number };

/** The plans table row with the PLANS overrides applied (an override of null lifts the limit). */
export function effectivePlan(row: PlanRow, override?: PlanOverride): PlanLimits {
  return {
    name: row.name,
    monthly: override && override.monthly !== undefined ? override.monthly : row.monthly_quota,
    total: override && override.total !== undefined ? override.total : row.total_quota,
    dueHours: override?.dueHours ?? row.due_hours,
    instantFacts: override?.instantFacts ?? row.instant_facts ?? false,
  };
}

/** May this sender open one more consultation? The lifetime cap is named first: it is the one to upgrade from. */
export function quotaDecision(plan: Pick<PlanLimits, 'monthly' | 'total'>, usage: QuotaUsage): QuotaDecision {
  if (plan.total !== null && usage.total >= plan.total) return { allowed: false, reason: 'total', limit: plan.total };
  if (plan.monthly !== null && usage.thisMonth >= plan.monthly) return { allowed: false, reason: 'monthly', limit: plan.monthly };
  return { allowed: true };
}

/** Start of the calendar month (UTC) that `now` falls in: monthly quotas reset there. */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}
