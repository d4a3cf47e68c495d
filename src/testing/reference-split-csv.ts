// A deliberately slow and obvious reader of Memorizer's split CSV pair,
// written from docs/kmap-format.md ("The split CSV files") to check the real
// one (src/format/split-csv.ts): whole texts split on '\n', fields with
// String.split(','), BigInt for numbers, the join by scanning every object.
// Allocation rows are read by the reference kmap parser's object-line
// function (an allocations row is a variant-E object line); nothing is
// shared with src/format/.

import { parseObject, refDecimal, refHex, refPid } from './reference-parser.ts';
import type { AccessView, ObjectView } from './snapshot.ts';

export interface RefSplitBadLine {
  file: string;
  lineNum: number;
  text: string;
}

export interface RefSplitResult {
  /** The objects, each with the access rows joined to it in file order. */
  objects: ObjectView[];
  /** Every bad line: the allocations file's, then the accesses file's. */
  badLines: RefSplitBadLine[];
  numBlankLines: number;
  ambiguousRows: number;
  ambiguousIndices: number;
  orphanRows: number;
}

const MAX_LINE_BYTES = 64 * 1024;
const UNSIGNED_MINUS_ONE = 2n ** 64n - 1n;

function lines(text: string): string[] {
  const ls = text.split('\n');
  if (ls[ls.length - 1] === '') ls.pop();
  return ls.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

const isBlank = (l: string) => /^[ \t\r]*$/.test(l);
const isLong = (l: string) => new TextEncoder().encode(l).length > MAX_LINE_BYTES;

/** An access row, or null when it is not valid. */
function accessRow(line: string, hasPid: boolean): { index: bigint; access: AccessView } | null {
  const f = line.split(',');
  if (f.length !== (hasPid ? 5 : 4)) return null;
  const index = refDecimal(f[0]);
  const ip = refHex(f[1]);
  let pid: number | null = -1;
  if (hasPid) {
    const t = f[2].trim();
    pid = /^[0-9]+$/.test(t) && BigInt(t) === UNSIGNED_MINUS_ONE ? -1 : refPid(f[2], true);
  }
  const [writes, reads] = hasPid ? [refDecimal(f[3]), refDecimal(f[4])] : [refDecimal(f[2]), refDecimal(f[3])];
  if (index === null || index === -1 || ip === null || pid === null || writes === null || reads === null) return null;
  return { index: BigInt(index), access: { ip, pid, writes, reads, caller: null } };
}

export function referenceSplitCsv(allocations: string, accesses: string, names = { allocations: 'allocations', accesses: 'accesses' }): RefSplitResult {
  const result: RefSplitResult = { objects: [], badLines: [], numBlankLines: 0, ambiguousRows: 0, ambiguousIndices: 0, orphanRows: 0 };
  const bad = (file: string, i: number, line: string) => result.badLines.push({ file, lineNum: i + 1, text: line.slice(0, 200) });

  const a = lines(allocations.replace(/^\uFEFF/, ''));
  if (!/^alloc_ip,pid,ptr,size,alloc_(serial|time),free_(serial|time),free_ip,type,(command,)?slab,new_type$/.test(a[0] ?? '')) {
    throw new Error('reference: no allocations header');
  }
  for (let i = 1; i < a.length; i++) {
    if (isLong(a[i])) bad(names.allocations, i, a[i]);
    else if (isBlank(a[i])) result.numBlankLines++;
    else {
      const o = parseObject(a[i], 'E');
      if (o) result.objects.push(o);
      else bad(names.allocations, i, a[i]);
    }
  }

  const c = lines(accesses.replace(/^\uFEFF/, ''));
  const m = /^alloc_index,access_ip,(pid,)?writes,reads$/.exec(c[0] ?? '');
  if (!m) throw new Error('reference: no accesses header');
  const hasPid = m[1] !== undefined;
  let prev = -1;
  const ambiguous = new Set<bigint>();
  for (let i = 1; i < c.length; i++) {
    if (isLong(c[i])) {
      bad(names.accesses, i, c[i]);
      continue;
    }
    if (isBlank(c[i])) {
      result.numBlankLines++;
      continue;
    }
    const row = accessRow(c[i], hasPid);
    if (!row) {
      bad(names.accesses, i, c[i]);
      continue;
    }
    // Every object with this alloc index, in file order.
    const candidates: number[] = [];
    result.objects.forEach((o, k) => {
      if (BigInt(o.allocIndex) === row.index) candidates.push(k);
    });
    if (candidates.length === 0) {
      result.orphanRows++;
      bad(names.accesses, i, c[i]);
      continue;
    }
    if (candidates.length > 1) {
      result.ambiguousRows++;
      ambiguous.add(row.index);
    }
    // The first at or after the previous row's object, else the first.
    const chosen = candidates.find((k) => k >= prev) ?? candidates[0];
    result.objects[chosen].accesses.push(row.access);
    prev = chosen;
  }
  result.ambiguousIndices = ambiguous.size;
  return result;
}
