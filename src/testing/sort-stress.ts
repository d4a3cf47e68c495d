// A kmap made to stress sorting (duplicates, values above 2^32, addresses
// with and without the high bits), and the obvious comparator of each table
// column on its rows: the reference the sorts are checked against.

import { parseKmapBytes } from '../format/parser.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { objectRow, type ObjectRow } from '../query/rows.ts';
import type { ObjectColumn } from '../query/types.ts';

/** A small seeded PRNG so the data is the same on every run. */
export function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function hex16(n: bigint): string {
  return n.toString(16).padStart(16, '0');
}

/** Variant E text with values chosen to stress sorting: duplicates, values above 2^32, high address bits. */
export function sortStressKmap(numObjects: number): string {
  const r = rng(7);
  const lines: string[] = [];
  const cmds = ['ls', 'sh', 'kworker/0:1', 'Xorg', 'a,b'];
  const slabs = ['kmalloc-64', 'dentry', 'filp', 'no-slab'];
  for (let i = 0; i < numObjects; i++) {
    const ip = 0xffffffff81000000n + BigInt(Math.floor(r() * 50));
    const va = (r() < 0.5 ? 0xffff888000000000n : 0x0000888000000000n) + BigInt(Math.floor(r() * 2 ** 40));
    const size = r() < 0.1 ? 2 ** 33 + Math.floor(r() * 3) : Math.floor(r() * 5) * 64;
    const alloc = 1000 + i;
    const free = r() < 0.3 ? 0 : alloc + Math.floor(r() * 2 ** 34);
    const freeIp = free === 0 ? 0n : 0xffffffff81100000n + BigInt(Math.floor(r() * 9));
    lines.push(
      `${hex16(ip)},${Math.floor(r() * 5)},${hex16(va)},${size},${alloc},${free},${hex16(freeIp)},KMALLOC,${cmds[i % cmds.length]},${slabs[Math.floor(r() * 4)]},`,
    );
    const numAccesses = Math.floor(r() * 4);
    for (let a = 0; a < numAccesses; a++) lines.push(`  ffffffff8150${(a * 16).toString(16).padStart(4, '0')},${Math.floor(r() * 3)},${Math.floor(r() * 2 ** 33)},1`);
  }
  return lines.join('\n') + '\n';
}

/** The stress kmap of `numObjects` objects, parsed, with its rows. */
export function sortStressStore(numObjects: number): { store: KmapStore; rows: ObjectRow[] } {
  const store = parseKmapBytes(new TextEncoder().encode(sortStressKmap(numObjects)));
  return { store, rows: Array.from({ length: store.numObjects }, (_, i) => objectRow(store, i)) };
}

/** The obvious comparator for each column, on the materialised rows. */
export function compareRows(column: ObjectColumn, a: ObjectRow, b: ObjectRow): number {
  const va = a[column];
  const vb = b[column];
  if (column === 'allocIndex' || column === 'freeIndex') return Number(BigInt(va as string) - BigInt(vb as string));
  if (typeof va === 'string' && typeof vb === 'string') return va < vb ? -1 : va > vb ? 1 : 0;
  return (va as number) - (vb as number);
}

/** `selection` (object indices) as the sort by `column` orders it: by the comparator, ties in file order both ways. */
export function sortedByRows(rows: readonly ObjectRow[], selection: readonly number[], column: ObjectColumn, desc: boolean): number[] {
  return [...selection].sort((x, y) => (desc ? -1 : 1) * compareRows(column, rows[x], rows[y]) || x - y);
}
