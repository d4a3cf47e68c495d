// A deliberately simple reference of the Quality counts (../query/quality.ts),
// written from docs/kmap-format.md ("Sentinels") over `kmap dump` objects:
// IPs compared as 16-digit hex strings, sums with BigInt, groups in a Map.

import type { DumpObject, RefCapture } from './reference-queries.ts';
import { refIsLive } from './reference-queries.ts';

export type RefQualityRow = Record<string, string | number> & { group: string };

const hex = (s: string) => BigInt('0x' + s);

/** Every flag a dumped object has (the names of query/types.ts QUALITY_FLAGS). */
export function refFlags(cap: RefCapture, o: DumpObject): string[] {
  const out: string[] = [];
  const a = hex(o.allocIp);
  const f = hex(o.freeIp);
  if (a === 0xfeedbeefn) out.push('preregistered');
  else if (a === 0n) out.push('catchAll');
  else if (a <= 0xffn) out.push('ufo');
  if (!refIsLive(cap, o)) {
    if (f === 0xdeadbeefn) out.push('overlapped');
    else if (f === 0xfedbeefn) out.push('nested');
    else if (f === 0n) out.push('freeUnseen');
  }
  const reads = o.accesses.reduce((n, x) => n + BigInt(x.reads), 0n);
  const writes = o.accesses.reduce((n, x) => n + BigInt(x.writes), 0n);
  if (o.accesses.length === 0) out.push('unaccessed');
  else if (reads > 0n && writes === 0n) out.push('readOnly');
  else if (writes > 0n && reads === 0n) out.push('writeOnly');
  return out;
}

/** The rows `kmap quality --by BY` prints for the kept objects (dump indices), in its order. */
export function refQuality(cap: RefCapture, kept: readonly number[], by: 'slab' | 'type'): RefQualityRow[] {
  const rows = new Map<string, RefQualityRow>();
  const names = ['objects', 'live', 'overlapped', 'nested', 'freeUnseen', 'ufo', 'induced', 'preregistered', 'catchAll', 'catchAllLines', 'unaccessed', 'readOnly', 'writeOnly'];
  for (const k of kept) {
    const o = cap.objects[k];
    const group = by === 'slab' ? o.slab : o.type;
    let row = rows.get(group);
    if (!row) {
      row = { group } as RefQualityRow;
      for (const n of names) row[n] = 0;
      rows.set(group, row);
    }
    const inc = (n: string, by = 1) => (row![n] = (row![n] as number) + by);
    inc('objects');
    if (refIsLive(cap, o)) inc('live');
    if (o.type === 'INDUCED_ALLOC') inc('induced');
    for (const f of refFlags(cap, o)) inc(f);
    if (hex(o.allocIp) === 0n) inc('catchAllLines', o.accesses.length);
  }
  const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!);
  const cmp = (a: string, b: string) => {
    const x = codePoints(a);
    const y = codePoints(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  return [...rows.values()].sort((a, b) => (b.objects as number) - (a.objects as number) || cmp(a.group, b.group));
}
