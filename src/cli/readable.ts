// The readable form of `kmap stats`: totals, the biggest groups and the first
// bad lines. Names and bad lines come from the file, so every control
// character is escaped before it reaches the terminal (an escape sequence in
// a task name must not retitle, clear or rewrite the terminal).

import type { Resolution } from '../query/stats.ts';
import type { KmapSummary } from '../query/summary.ts';

/** A count with thousands separators; 64-bit sums may be bigints, or exact decimal strings (from stats JSON), above 2^53 - 1. */
function fmt(n: number | bigint | string): string {
  return (typeof n === 'string' ? BigInt(n) : n).toLocaleString('en-US');
}

/** The text with C0, DEL and C1 control characters written as \xNN (and backslashes doubled). */
export function printable(s: string): string {
  return s.replace(/[\\\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/**
 * Output bound for a terminal: every C0 control but tab and newline, DEL and
 * C1 written as \xNN. The CSV of `breakdown` and `sites` goes through it when
 * stdout is a terminal (a name could otherwise carry an escape sequence);
 * piped output stays byte-exact.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The biggest groups, biggest first (ties in name order; a JSON object's key order is not relied on). */
function top(counts: Record<string, number>, limit: number): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const lines = entries.slice(0, limit).map(([name, n]) => `    ${fmt(n).padStart(12)}  ${name === '' ? '(empty)' : printable(name)}`);
  if (entries.length > limit) lines.push(`    ... and ${fmt(entries.length - limit)} more`);
  return lines.join('\n');
}

interface Counts {
  objects: number;
  accesses: number;
  liveObjects: number;
  reads: number | bigint | string;
  writes: number | bigint | string;
  bytes: number | bigint | string;
  bySlab: Record<string, number>;
  byType: Record<string, number>;
  byCommand: Record<string, number>;
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

export function readable(file: string, s: KmapSummary, filtered: Counts | null, res: Resolution | null, seconds: number, threads = 1): string {
  const c: Counts = filtered ?? s;
  const of = (n: number | bigint | string, total: number | bigint | string) => (filtered ? `${fmt(n)} of ${fmt(total)}` : fmt(n));
  const out = [`${printable(file)}`];
  if (s.split) {
    const j = s.split;
    out.push(`  files         ${printable(j.allocations)} (allocations) + ${printable(j.accesses)} (accesses), read as one kmap`);
    if (j.ambiguousRows > 0) out.push(`  joined        ${fmt(j.ambiguousRows)} access rows by a shared alloc_index (${fmt(j.ambiguousIndices)} ${j.ambiguousIndices === 1 ? "index" : "indices"}): by walk order, a guess`);
    if (j.orphanRows > 0) out.push(`  unjoined      ${fmt(j.orphanRows)} access rows match no object (among the bad lines)`);
  }
  out.push(
    `  format        ${s.formatDescription}`,
    `  objects       ${of(c.objects, s.objects)} (${fmt(c.liveObjects)} live)${filtered ? '  [filtered]' : ''}`,
    `  access lines  ${of(c.accesses, s.accesses)}`,
    `  reads         ${of(c.reads, s.reads)}`,
    `  writes        ${of(c.writes, s.writes)}`,
    `  bytes         ${of(c.bytes, s.bytes)}`,
    `  bad lines     ${fmt(s.badLines)}`,
  );
  if (res) out.push(`  symbols       ${pct(res.allocResolved)} of alloc IPs and ${pct(res.accessResolved)} of access IPs resolve`);
  out.push(`  parsed in     ${seconds.toFixed(2)} s${threads > 1 ? ` (${threads} threads)` : ''}`);
  if (s.hasSlab) out.push('  by slab cache:', top(c.bySlab, 15));
  if (s.hasType) out.push('  by type:', top(c.byType, 15));
  out.push('  by command:', top(c.byCommand, 10));
  if (s.badLines > 0) {
    out.push(`  first bad lines (${fmt(s.firstBadLines.length)} of ${fmt(s.badLines)} kept):`);
    for (const b of s.firstBadLines.slice(0, 20)) {
      out.push(`    ${b.file ? `${printable(b.file)} ` : ''}line ${b.lineNum}: ${printable(b.reason)}\n      ${printable(JSON.stringify(b.text))}`);
    }
  }
  return out.join('\n');
}
