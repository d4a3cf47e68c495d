// The CSV and JSON that `kmap breakdown` and `kmap sites` print, and that the
// dashboard's "Download CSV" writes: one function each, so the two cannot
// differ. CSV: a header line, then one line per row, '\n' line ends, fields
// quoted (RFC 4180) only when they hold a comma, a quote, CR or LF. Names
// are written as the file spells them, with one exception: a name that
// starts with = + - @, a tab or CR gets a leading ' so that a spreadsheet
// shows it as text instead of evaluating it (any process can name itself
// "=HYPERLINK(...)" with prctl). Numbers, and the pid key of a breakdown by
// pid (which may be -1), are written as numbers.

import {
  BREAKDOWN_CSV_COLUMNS,
  LIFETIME_CSV_COLUMNS,
  LIVE_CSV_COLUMNS,
  MATRIX_CSV_COLUMNS,
  SITE_CSV_COLUMNS,
  type BreakdownKey,
  type BreakdownRow,
  type LifetimeRow,
  type LiveBin,
  type MatrixRow,
  type SiteRow,
} from './types.ts';
import { QUALITY_CSV_COLUMNS, type QualityRow } from './quality.ts';

/** Starts of a cell that a spreadsheet would read as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field; `text` marks a name (neutralised when it looks like a formula), not a number (a bigint is one above 2^53 - 1). */
export function csvField(value: string | number | bigint, text = typeof value === 'string'): string {
  let s = String(value);
  if (text && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv<T>(columns: readonly (keyof T & string)[], rows: readonly T[], numericKey = false): string {
  const lines = [columns.join(',')];
  for (const row of rows) {
    // null: a figure not known (an aggregate-only load's distinct objects and pids), an empty field.
    lines.push(columns.map((c, k) => (row[c] === null ? '' : csvField(row[c] as string | number | bigint, typeof row[c] === 'string' && !(numericKey && k === 0)))).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Grouped by pid, the keys are numbers (-1 included), not names. */
export function breakdownCsv(rows: readonly BreakdownRow[], by: BreakdownKey): string {
  return csv<BreakdownRow>(BREAKDOWN_CSV_COLUMNS, rows, by === 'pid');
}

export function sitesCsv(rows: readonly SiteRow[]): string {
  return csv<SiteRow>(SITE_CSV_COLUMNS, rows);
}

export function lifetimesCsv(rows: readonly LifetimeRow[]): string {
  return csv<LifetimeRow>(LIFETIME_CSV_COLUMNS, rows);
}

export function liveCsv(rows: readonly LiveBin[]): string {
  return csv<LiveBin>(LIVE_CSV_COLUMNS, rows);
}

export function matrixCsv(rows: readonly MatrixRow[]): string {
  return csv<MatrixRow>(MATRIX_CSV_COLUMNS, rows);
}

export function qualityCsv(rows: readonly QualityRow[]): string {
  return csv<QualityRow>(QUALITY_CSV_COLUMNS, rows);
}

/**
 * JSON.stringify, with DEL and the C1 controls also written as \u escapes
 * (JSON.stringify escapes only C0): the same data, and no byte that a
 * terminal could act on. A bigint (a 64-bit size or count above 2^53 - 1,
 * which a JSON number cannot carry exactly to most readers) is written as a
 * string of its exact decimal.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The JSON form: an array of objects with exactly the CSV's keys. */
export function breakdownJson(rows: readonly BreakdownRow[]): string {
  return jsonText(rows.map((r) => Object.fromEntries(BREAKDOWN_CSV_COLUMNS.map((c) => [c, r[c]])))) + '\n';
}

export function sitesJson(rows: readonly SiteRow[]): string {
  return columnsJson(SITE_CSV_COLUMNS, rows);
}

/** The JSON form of any CSV table: an array of objects with exactly its columns. */
export function columnsJson<T>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  return jsonText(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])))) + '\n';
}
