// Writes Memorizer's split CSV pair for tests, with the variant-E kmap it
// stands for: from object views (a parsed kmap's, or made up), the
// `allocations` file (header with or without `command`, serial or time), the
// `accesses` file (with or without the pid column, -1 printed unsigned as the
// kernel prints it, rows in the walk's order or shuffled), and the kmap with
// the same objects and access lines. Optional damage adds what a real pair
// may hold: bad rows in either file, orphan rows, `from:` rows, blank lines
// and CRLF, so that the reader is compared with the reference joiner.

import type { AccessView, ObjectView } from './snapshot.ts';
import { rng } from './kmap-writer.ts';

export interface PairOptions {
  /** The header names `command` (the kernel's does not). Default false. */
  namesCommand?: boolean;
  /** alloc_<X>/free_<X>. Default 'serial'. */
  indexColumn?: 'serial' | 'time';
  /** The accesses file has a pid column (per-pid tracking). Default true. */
  hasPid?: boolean;
  /** Access rows: in the objects' order ('walk', as the kernel prints), shuffled, or the walk reversed. Default 'walk'. */
  order?: 'walk' | 'shuffled' | 'reversed';
  /** Print the pid -1 signed instead of unsigned. Default false. */
  signedPid?: boolean;
  seed?: number;
  /** Probability per row of damage (bad rows, orphans, from: rows, blank lines, CRLF). Default 0. */
  damage?: number;
}

export interface Pair {
  allocations: string;
  accesses: string;
  /** The equivalent kmap (of the undamaged rows; access lines carry pid -1 when the pair has no pid column). */
  kmap: string;
}

const MINUS_ONE_UNSIGNED = '18446744073709551615';

/** The objects a pair can carry: access lines with a pid and without a caller. */
export function pairable(objects: readonly ObjectView[]): ObjectView[] {
  return objects.map((o) => ({ ...o, accesses: o.accesses.filter((a) => a.pid !== null && a.caller === null) }));
}

function objectLine(o: ObjectView): string {
  return [o.allocIp, o.pid, o.va, o.size, o.allocIndex, o.freeIndex, o.freeIp, o.type ?? '', o.command, o.slab ?? '', o.newType ?? ''].join(',');
}

export function writePair(objects: readonly ObjectView[], options: PairOptions = {}): Pair {
  const x = options.indexColumn ?? 'serial';
  const hasPid = options.hasPid ?? true;
  const damage = options.damage ?? 0;
  const r = rng(options.seed ?? 1);
  const chance = (p: number) => p > 0 && r() < p;
  const nl = () => (chance(damage) ? '\r\n' : '\n');

  const allocHeader = options.namesCommand
    ? `alloc_ip,pid,ptr,size,alloc_${x},free_${x},free_ip,type,command,slab,new_type`
    : `alloc_ip,pid,ptr,size,alloc_${x},free_${x},free_ip,type,slab,new_type`;
  const alloc: string[] = [allocHeader + '\n'];
  const rows: { obj: number; row: string; kmapLine: string }[] = [];
  objects.forEach((o, k) => {
    alloc.push(objectLine(o) + nl());
    if (chance(damage)) alloc.push(r() < 0.5 ? `${o.allocIp},zz,${o.va},1,2,3,0,KMALLOC,bad,kmalloc-8,\n` : '  \t\n');
    for (const a of o.accesses) {
      const pid = a.pid === -1 ? (options.signedPid ? '-1' : MINUS_ONE_UNSIGNED) : String(a.pid);
      rows.push({
        obj: k,
        row: [o.allocIndex, a.ip, ...(hasPid ? [pid] : []), a.writes, a.reads].join(','),
        kmapLine: `  ${a.ip},${a.writes},${a.reads},${hasPid ? a.pid : -1}\n`,
      });
    }
  });
  const order = options.order ?? 'walk';
  if (order === 'reversed') rows.reverse();
  else if (order === 'shuffled') {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
  }
  // The kmap: each object's access lines in the order of its rows in the accesses file.
  const linesOf: string[][] = objects.map(() => []);
  for (const { obj, kmapLine } of rows) linesOf[obj].push(kmapLine);
  const kmap = objects.map((o, k) => objectLine(o) + '\n' + linesOf[k].join(''));
  const acc: string[] = [`alloc_index,access_ip,${hasPid ? 'pid,' : ''}writes,reads\n`];
  for (const { row } of rows) {
    acc.push(row + nl());
    if (chance(damage)) {
      const k = Math.floor(r() * 5);
      if (k === 0) acc.push(`999999999999,ffffffff81000000,${hasPid ? '1,' : ''}1,1\n`); // an orphan
      else if (k === 1) acc.push('  from:ffffffff81000010,1,2\n'); // an object of type NONE
      else if (k === 2) acc.push(row.replace(/,/, ',q') + '\n'); // access_ip not hex
      else if (k === 3) acc.push(row + ',7\n'); // a field too many
      else acc.push('\n');
    }
  }
  return { allocations: alloc.join(''), accesses: acc.join(''), kmap: kmap.join('') };
}

/** Access rows for object views by hand: [allocIndex, access] in the order given. */
export function accessesFile(rows: readonly [number | bigint, AccessView][], hasPid = true): string {
  const out = [`alloc_index,access_ip,${hasPid ? 'pid,' : ''}writes,reads`];
  for (const [idx, a] of rows) {
    const pid = a.pid === -1 ? MINUS_ONE_UNSIGNED : String(a.pid);
    out.push([idx, a.ip, ...(hasPid ? [pid] : []), a.writes, a.reads].join(','));
  }
  return out.join('\n') + '\n';
}
