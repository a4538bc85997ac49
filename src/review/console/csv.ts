// CSV for the audit export (RFC 4180), with formula-looking cells defused for spreadsheet users.
import type { AuditRow } from '../../store/admin.ts';

export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The audit log as the console's download and the API's text/csv answer both give it. */
export function auditCsv(rows: AuditRow[]): string {
  return toCsv(
    ['id', 'at', 'user_id', 'user', 'action', 'consultation_id', 'detail'],
    rows.map((r) => [r.id, new Date(r.at), r.user_id, r.user_name, r.action, r.consultation_id, r.detail]),
  );
}
