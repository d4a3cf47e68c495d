// The CSV and JSON that `kmap breakdown` and `kmap sites` print, and that the
// dashboard's "Download CSV" writes: one function each, so the two cannot
// differ. CSV: a header line, then one line per row, '\n' line ends, fields
// quoted (RFC 4180) only when they hold a comma, a quote, CR or LF. Names
// are written as the file spells them: this output is for scripts.

import { BREAKDOWN_CSV_COLUMNS, SITE_CSV_COLUMNS, type BreakdownRow, type SiteRow } from './types.ts';

export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv<T>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c] as string | number)).join(','));
  return lines.join('\n') + '\n';
}

export function breakdownCsv(rows: readonly BreakdownRow[]): string {
  return csv<BreakdownRow>(BREAKDOWN_CSV_COLUMNS, rows);
}

export function sitesCsv(rows: readonly SiteRow[]): string {
  return csv<SiteRow>(SITE_CSV_COLUMNS, rows);
}

/** The JSON form: an array of objects with exactly the CSV's keys. */
export function breakdownJson(rows: readonly BreakdownRow[]): string {
  return JSON.stringify(rows.map((r) => Object.fromEntries(BREAKDOWN_CSV_COLUMNS.map((c) => [c, r[c]])))) + '\n';
}

export function sitesJson(rows: readonly SiteRow[]): string {
  return JSON.stringify(rows.map((r) => Object.fromEntries(SITE_CSV_COLUMNS.map((c) => [c, r[c]])))) + '\n';
}
