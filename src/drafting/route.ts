// Routing: which specialty a question belongs to, which reviewer gets it, and when it is due.
// Pure: the draft worker loads reviewers and plans, this file only decides.
import type { CodeSystem } from '../kb/types.ts';

export type Specialty = 'anesthesia' | 'surgery' | 'radiology' | 'pathology' | 'medicine' | 'em' | 'hcpcs' | 'diagnosis' | 'general';

export function specialtyOfCode(system: CodeSystem, code: string): Specialty {
  if (system === 'ICD-10-CM') return 'diagnosis';
  if (system === 'HCPCS') return 'hcpcs';
  if (/^\d{4}U$/.test(code)) return 'pathology';
  if (!/^\d{5}$/.test(code)) return 'general';
  const n = Number(code);
  if (n >= 100 && n <= 1999) return 'anesthesia';
  if (n >= 10004 && n <= 69990) return 'surgery';
  if (n >= 70010 && n <= 79999) return 'radiology';
  if (n >= 80047 && n <= 89398) return 'pathology';
  if ((n >= 90281 && n <= 99199) || (n >= 99500 && n <= 99607)) return 'medicine';
  if (n >= 99202 && n <= 99499) return 'em';
  return 'general';
}

// An E/M visit beside a procedure is usually the question about the procedure; HCPCS drugs and
// supplies ride along with the service they belong to.
const PRECEDENCE: Specialty[] = ['surgery', 'radiology', 'anesthesia', 'pathology', 'medicine', 'em', 'hcpcs', 'general', 'diagnosis'];

/** Unknown codes say nothing reliable about the specialty, so only known ones count. */
export function specialtyOf(codes: Array<{ system: CodeSystem; code: string; known?: boolean }>): Specialty {
  const known = codes.filter((c) => c.known !== false);
  if (known.length === 0) return 'general';
  const seen = new Set(known.map((c) => specialtyOfCode(c.system, c.code)));
  for (const s of PRECEDENCE) if (seen.has(s)) return s;
  return 'general';
}

export interface ReviewerCandidate {
  id: string;
  specialties: string[];
  openCount: number;
  capacity: number;
  active: boolean;
  available: boolean;
}

function byLoadThenId(a: ReviewerCandidate, b: ReviewerCandidate): number {
  return a.openCount - b.openCount || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The specialist with spare capacity and the lowest open load; failing that, any active reviewer
 * (leads, generalists) with the lowest load, so no question is left without an owner while someone is active.
 */
export function pickReviewer(specialty: string, reviewers: ReviewerCandidate[]): string | null {
  const specialists = reviewers.filter((r) => r.active && r.available && r.specialties.includes(specialty) && r.openCount < r.capacity).sort(byLoadThenId);
  if (specialists.length) return specialists[0].id;
  const available = reviewers.filter((r) => r.active && r.available).sort(byLoadThenId);
  if (available.length) return available[0].id;
  const active = reviewers.filter((r) => r.active).sort(byLoadThenId);
  return active.length ? active[0].id : null;
}

export function dueAt(receivedAt: Date, plan: { dueHours: number }): Date {
  return new Date(receivedAt.getTime() + plan.dueHours * 3_600_000);
}
