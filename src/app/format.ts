// Number formatting for the UI. Pure; a fixed locale so that tests and
// screenshots are the same on every machine.

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 -> "1,234,567". Exact for a bigint too (64-bit sums above 2^53 - 1 arrive as bigints). */
export function formatCount(n: number | bigint): string {
  return INT.format(n);
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

const EXBI = 2 ** 60;

/**
 * Bytes in binary units with 3 significant digits: 1536 -> "1.50 KiB",
 * 512 -> "512 B". A rounded figure by design: show formatCount() beside it
 * (a title) where the exact number matters.
 */
export function formatBytes(bytes: number | bigint): string {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n >= EXBI * 1024) return `${(n / EXBI).toFixed(0)} EiB`;
  if (n >= EXBI) return `${(n / EXBI).toFixed(n >= EXBI * 100 ? 0 : n >= EXBI * 10 ? 1 : 2)} EiB`;
  let u = 0;
  let v = n;
  while (v >= 1024 && u < BINARY_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${v} B`;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${BINARY_UNITS[u]}`;
}

/** Decimal megabytes for transfer figures: 12_345_678 -> "12.3 MB". */
export function formatMB(n: number): string {
  const mb = n / 1e6;
  return `${mb >= 100 ? mb.toFixed(0) : mb >= 10 ? mb.toFixed(1) : mb.toFixed(2)} MB`;
}

/** A transfer rate: 55_100_000 -> "55.1 MB/s". */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '— MB/s';
  return `${formatMB(bytesPerSecond)}/s`;
}

/** A whole percentage of done/total, clamped to 0..100; null when total is unknown. */
export function percentOf(done: number, total: number | null): number | null {
  if (total === null || !(total > 0)) return null;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

/** "1 object" / "2 objects". */
export function plural(n: number | bigint, one: string, many = one + 's'): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * A fraction as a percentage for a status line: whole numbers, except that
 * nothing short of all is shown as 100% and nothing above none as 0%
 * (0.996 -> "99.6%", 0.001 -> "0.1%", 0.5 -> "50%").
 */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const pct = Math.max(0, Math.min(100, fraction * 100));
  if (pct === 100 || pct === 0) return `${pct}%`;
  const whole = Math.round(pct);
  if (whole === 100 || whole === 0) return `${(Math.floor(pct * 10) / 10 || 0.1).toFixed(1)}%`;
  return `${whole}%`;
}

/** A count in a few characters, for small cells: 950 -> "950", 12_345 -> "12.3K", 4_500_000 -> "4.5M". */
export function formatCompact(n: number): string {
  if (n < 1000) return String(n);
  const units = ['K', 'M', 'G', 'T', 'P', 'E'];
  let v = n;
  let u = -1;
  // 999,950 rounds to "1000K": go one unit up when the rounded figure reaches 1000.
  while ((v >= 1000 || Number(v >= 100 ? v.toFixed(0) : v.toFixed(1)) >= 1000) && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}${units[u]}`;
}
