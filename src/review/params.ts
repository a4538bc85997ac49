// Numbers and dates from URLs, query strings and bodies, checked before they reach SQL: an id past
// PostgreSQL's int range or a date like 2026-13-45 is the client's mistake (400/404), not a 500.
import { z } from 'zod';

export const MAX_ROW_ID = 2 ** 31 - 1;

/** A row id: a positive integer within PostgreSQL's int. */
export const rowId = z.coerce.number().int().positive().max(MAX_ROW_ID);

/** True for a real calendar day written YYYY-MM-DD. */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export const isoDate = z.string().refine(isCalendarDate, 'must be a date, YYYY-MM-DD');

/** The id in a route's :id, or null when it is not one. */
export function routeId(params: unknown): number | null {
  const r = rowId.safeParse((params as { id?: unknown } | undefined)?.id);
  return r.success ? r.data : null;
}
