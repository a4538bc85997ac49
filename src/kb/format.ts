// Plain-text rendering of knowledge-base answers for the command line.
import type { AddOnFact, CodeInfo, ExcludesConflict, FeeScheduleFact, ModifierInfo, MueFact, PtpEdit, TableStatus } from './types.ts';
import { describeFeeSchedule } from './pfsMeanings.ts';

const MOD_MEANING: Record<PtpEdit['modifierIndicator'], string> = {
  '0': 'no modifier allowed',
  '1': 'a PTP-associated modifier may bypass it',
  '9': 'not applicable (edit deleted)',
};

export function formatCode(i: CodeInfo): string {
  const lines: string[] = [];
  const kind = i.system ? `${i.system}${i.cptCategory ? ` Category ${i.cptCategory}` : ''}` : 'not a code';
  lines.push(`${i.code}  ${kind}  ${i.known ? (i.activeOnDos ? 'known, active on the date' : 'known, NOT active on the date') : 'unknown'}`);
  if (i.billable !== null) lines.push(`  ${i.billable ? 'billable' : 'header (not billable)'}`);
  if (i.description) lines.push(`  ${i.description}`);
  if (i.descriptionNote) lines.push(`  (${i.descriptionNote})`);
  if (i.effectiveDate || i.terminationDate) lines.push(`  effective ${i.effectiveDate ?? '?'}${i.terminationDate ? `, terminated ${i.terminationDate}` : ''}`);
  if (i.billableChildrenTotal > 0) {
    const more = i.billableChildrenTotal - i.billableChildren.length;
    lines.push(`  billable codes below it: ${i.billableChildren.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  for (const n of i.notes ?? []) lines.push(`  note: ${n}`);
  if (i.sources.length) lines.push(`  source: ${i.sources.map((s) => `${s.table} ${s.version}`).join('; ')}`);
  return lines.join('\n');
}

export function formatModifier(m: ModifierInfo): string {
  return [
    `${m.modifier}  modifier (${m.codeSet})${m.ptpAssociated ? '  PTP-associated' : ''}`,
    m.description ? `  ${m.description}` : m.codeSet === 'CPT Level I' ? '  (CPT modifier descriptors need an AMA licence)' : null,
    `  source: ${m.source}`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function formatPtp(e: PtpEdit): string {
  const state = e.active ? 'ACTIVE' : `not active on the date${e.deletionDate ? ` (deleted ${e.deletionDate})` : ''}`;
  return `PTP ${e.column1} (column 1) / ${e.column2} (column 2): ${state}; modifier indicator ${e.modifierIndicator}: ${MOD_MEANING[e.modifierIndicator]}; ${e.rationale}${e.effectiveDate ? `; effective ${e.effectiveDate}` : ''}  [${e.source}, ${e.setting.replace('_', ' ')}]`;
}

export function formatMue(m: MueFact): string {
  return `MUE ${m.code}: ${m.value} unit(s), MAI ${m.mai} (${m.maiDescription}); ${m.rationale}  [${m.source}]`;
}

export function formatFeeSchedule(f: FeeScheduleFact): string {
  const rows = describeFeeSchedule(f).map((r) => `    ${r.indicator} ${r.value}${r.meaning ? `: ${r.meaning}` : ''}`);
  return [`  fee schedule${f.modifier ? ` (${f.modifier} row)` : ''}  [${f.source}]`, ...rows].join('\n');
}

export function formatExcludes(x: ExcludesConflict): string {
  const kind = x.type === 'excludes1' ? 'Excludes1 (not coded together)' : 'Excludes2 (may be coded together when both apply)';
  return `${kind}: ${x.code} / ${x.other}: note at ${x.noteAt}: "${x.noteText}"${x.note ? `; ${x.note}` : ''}  [${x.source}]`;
}

export function formatAddOn(a: AddOnFact, present: Set<string>): string {
  const found = a.primaryCodes.filter((p) => present.has(p));
  const primaries = a.primaryCodes.length > 12 ? `${a.primaryCodes.slice(0, 12).join(', ')} and ${a.primaryCodes.length - 12} more` : a.primaryCodes.join(', ');
  const contractor = a.contractorDefinedPrimaries ? '; the contractor defines further primaries' : '';
  const verdict = found.length ? `primary present: ${found.join(', ')}` : 'no listed primary among the codes asked';
  return `Add-on ${a.addOnCode} (type ${(a.types ?? [a.type]).join('/')}): primaries ${primaries || 'none listed'}${contractor}; ${verdict}  [${a.source}]`;
}

export function formatStatus(rows: TableStatus[]): string {
  const head = ['kind', 'table', 'version', 'rows', 'effective', 'origin'];
  const body = rows.map((r) => [
    r.kind,
    r.table,
    r.version,
    r.rows.toLocaleString('en-US'),
    `${r.effectiveFrom ?? '?'} to ${r.effectiveTo ?? 'open'}`,
    r.origin,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}
