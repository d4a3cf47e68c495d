// WindowInOrder gives exactly the sort's rows at any window (the
// comparator's order on the rows, ties in file order both ways) for every
// column whose keys fit 32 bits, both directions, selections of all, part or
// a scatter of the store, windows at the start, the middle, across the end
// and past it, and blocks down to one object; keys below 2^16 and above it,
// windows inside one high digit and across two or many (sparse big keys);
// counted ahead in steps or not; and null (the caller sorts) exactly for
// keys past 32 bits.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { objectRow } from './rows.ts';
import { QueryContext } from './context.ts';
import { OBJECT_COLUMNS, type ObjectColumn } from './types.ts';
import { rng, sortedByRows, sortStressStore } from '../testing/sort-stress.ts';
import { WindowInOrder } from './window-in-order.ts';
import { sortSelection } from './object-query.ts';
import { writeKmap } from '../testing/kmap-writer.ts';

/**
 * Variant E with every sort key below 2^32: sizes mostly below 2^16 with
 * many ties, some in the next few high digits (pages), indices and sums
 * that cross 2^16, addresses (always 64 bits).
 */
function narrowKmap(numObjects: number): string {
  const r = rng(11);
  const lines: string[] = [];
  const cmds = ['ls', 'sh', 'kworker/0:1', 'Xorg', ''];
  const slabs = ['kmalloc-64', 'dentry', 'filp', 'no-slab', 'task_struct'];
  for (let i = 0; i < numObjects; i++) {
    const ip = `ffffffff81${(Math.floor(r() * 40) * 16).toString(16).padStart(6, '0')}`;
    const va = `ffff8880${Math.floor(r() * 2 ** 32).toString(16).padStart(8, '0')}`;
    const x = r();
    const size = x < 0.6 ? [64, 192, 256, 4096][Math.floor(r() * 4)] : x < 0.9 ? Math.floor(r() * 65536) : 65536 * (1 + Math.floor(r() * 5)) + Math.floor(r() * 3) * 4096;
    const alloc = 60000 + 7 * i;
    const free = r() < 0.3 ? 0 : alloc + Math.floor(r() * 200000);
    const freeIp = free === 0 ? '0000000000000000' : `ffffffff811${(Math.floor(r() * 9) * 16).toString(16).padStart(5, '0')}`;
    lines.push(`${ip},${Math.floor(r() * 6)},${va},${size},${alloc},${free},${freeIp},KMALLOC,${cmds[i % cmds.length]},${slabs[Math.floor(r() * slabs.length)]},`);
    const numAccesses = Math.floor(r() * 4);
    for (let a = 0; a < numAccesses; a++) lines.push(`  ffffffff8150${(a * 16).toString(16).padStart(4, '0')},${Math.floor(r() * 3)},${Math.floor(r() * 40000)},1`);
  }
  return lines.join('\n') + '\n';
}

const narrow = parseKmapBytes(new TextEncoder().encode(narrowKmap(2000)));
const narrowRows = Array.from({ length: narrow.numObjects }, (_, i) => objectRow(narrow, i));

function selectionsOf(n: number): [string, number[]][] {
  const all = Array.from({ length: n }, (_, i) => i);
  return [
    ['all', all],
    ['every third', all.filter((i) => i % 3 === 2)],
    ['a scatter with the first and last', all.filter((i) => Math.imul(i, 2654435761) >>> 0 < 0x30000000 || i === 0 || i === n - 1)],
    ['one object', [n >> 1]],
  ];
}

/** Windows [from, count) of a selection of m objects: the start, small, the middle, across and past the end. */
function windowsOf(m: number): [number, number][] {
  return [[0, 1], [0, 40], [3, 37], [m >> 1, 50], [Math.max(0, m - 7), 20], [m, 5], [m + 10, 3], [m >> 2, 1]];
}

describe('WindowInOrder', () => {
  for (const column of OBJECT_COLUMNS.filter((c) => c !== 'address')) {
    for (const desc of [false, true]) {
      it(`gives any window of the sort by ${column} ${desc ? 'descending' : 'ascending'} (keys within 32 bits)`, () => {
        const ctx = new QueryContext(narrow);
        for (const [name, sel] of selectionsOf(narrow.numObjects)) {
          const want = sortedByRows(narrowRows, sel, column, desc);
          for (const block of [1, 7, 1 << 16]) {
            const windows = new WindowInOrder(ctx, Uint32Array.from(sel), { key: column, desc }, block);
            for (const [from, count] of windowsOf(sel.length)) {
              const got = windows.rows(from, count);
              const label = `${name} [${from}, +${count}) block=${block}`;
              expect(got, label).not.toBeNull();
              expect(Array.from(got!), label).toEqual(want.slice(from, from + count));
            }
          }
        }
      });
    }
  }

  it('reads keys above 2^16 across several high digits (sizes of pages) and in the first (most sizes)', () => {
    const ctx = new QueryContext(narrow);
    const all = Array.from({ length: narrow.numObjects }, (_, i) => i);
    const want = sortedByRows(narrowRows, all, 'size', true);
    const windows = new WindowInOrder(ctx, Uint32Array.from(all), { key: 'size', desc: true });
    const big = want.filter((i) => narrowRows[i].size >= 65536).length;
    expect(big).toBeGreaterThan(100);
    // Among the sizes of several high digits, across the last of them into the first digit, and inside it.
    for (const from of [10, big - 30, big + 100, all.length - 60]) {
      expect(Array.from(windows.rows(from, 60)!), `from ${from}`).toEqual(want.slice(from, from + 60));
    }
  });

  it('gives null for keys past 32 bits, and the right rows for the others', () => {
    const { store, rows } = sortStressStore(1500);
    const ctx = new QueryContext(store);
    const all = Array.from({ length: store.numObjects }, (_, i) => i);
    // Addresses always, and in this store sizes, free indices and sums of reads past 2^32.
    for (const column of ['address', 'size', 'freeIndex', 'reads'] as ObjectColumn[]) {
      expect(new WindowInOrder(ctx, Uint32Array.from(all), { key: column, desc: false }).rows(10, 10), column).toBeNull();
    }
    // Counted ahead (prepare: nothing left to do once a key is found past 32 bits), they say no as well.
    for (const column of ['address', 'reads'] as ObjectColumn[]) {
      const windows = new WindowInOrder(ctx, Uint32Array.from(all), { key: column, desc: true }, 5);
      expect(windows.prepare(), column).toBe(true);
      expect(windows.rows(10, 10), column).toBeNull();
    }
    // Its other columns fit 32 bits, counted ahead or not.
    for (const column of ['pid', 'slab', 'allocIp', 'allocIndex', 'accessLines', 'writes'] as ObjectColumn[]) {
      for (const ahead of [false, true]) {
        const windows = new WindowInOrder(ctx, Uint32Array.from(all), { key: column, desc: true }, 5);
        if (ahead) expect(windows.prepare(), column).toBe(true);
        expect(Array.from(windows.rows(700, 30)!), column).toEqual(sortedByRows(rows, all, column, true).slice(700, 730));
      }
    }
  });

  it('reads windows over many high digits: big keys, few to a digit, between digits of many', () => {
    // Sizes as a capture's biggest come: many small ones (digit 0), pages and areas one or a few to a
    // digit up to 2^26, and a crowd again at 2^20 + 64 (digit 16), in a scattered file order.
    const r = rng(5);
    const sizes: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const x = r();
      sizes.push(x < 0.5 ? 64 + Math.floor(r() * 8) * 32 : x < 0.8 ? 2 ** 20 + 64 : Math.floor(r() * 2 ** 26));
    }
    const kmap = sizes.map((size, i) => `ffffffff81000010,1,ffff8880${(i * 64).toString(16).padStart(8, '0')},${size},${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,\n`).join('');
    const store = parseKmapBytes(new TextEncoder().encode(kmap));
    const rows = Array.from({ length: store.numObjects }, (_, i) => objectRow(store, i));
    const ctx = new QueryContext(store);
    for (const [name, sel] of selectionsOf(store.numObjects)) {
      for (const desc of [false, true]) {
        const want = sortedByRows(rows, sel, 'size', desc);
        for (const block of [1, 7, 1 << 16]) {
          const windows = new WindowInOrder(ctx, Uint32Array.from(sel), { key: 'size', desc }, block);
          const starts = [0, 1, 100, 128, 256, 600, 899, 900, 1500, sel.length >> 1, Math.max(0, sel.length - 130)];
          for (const from of starts) {
            for (const count of [1, 5, 128, 700]) {
              const got = windows.rows(from, count);
              expect(Array.from(got!), `${name} ${desc ? 'desc' : 'asc'} [${from}, +${count}) block=${block}`).toEqual(want.slice(from, from + count));
            }
          }
        }
      }
    }
  });

  it('reads ranks past 2^16: a capture with more distinct alloc IPs than one digit holds', () => {
    const m = 70_000;
    // Each object its own IP, in a scrambled order.
    const kmap = Array.from({ length: m }, (_, i) => {
      const ip = `ffffffff8${(((i * 7919) % m) * 16).toString(16).padStart(7, '0')}`;
      return `${ip},1,ffff8880${(i * 64).toString(16).padStart(8, '0')},64,${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,\n`;
    }).join('');
    const store = parseKmapBytes(new TextEncoder().encode(kmap));
    expect(store.ips.size).toBeGreaterThan(65536);
    const rows = Array.from({ length: store.numObjects }, (_, i) => objectRow(store, i));
    const ctx = new QueryContext(store);
    const all = Array.from({ length: m }, (_, i) => i);
    for (const [name, sel] of [['all', all], ['every third', all.filter((i) => i % 3 === 0)]] as const) {
      for (const desc of [false, true]) {
        const want = sortedByRows(rows, sel, 'allocIp', desc);
        const windows = new WindowInOrder(ctx, Uint32Array.from(sel), { key: 'allocIp', desc });
        // Inside the first digit, across the two, inside the second.
        for (const from of [100, sel.length - 65536 - 40, 65536 - 40, (65536 >> 1) + 1, sel.length - 50]) {
          if (from < 0) continue;
          expect(Array.from(windows.rows(from, 80)!), `${name} ${desc ? 'desc' : 'asc'} from ${from}`).toEqual(want.slice(from, from + 80));
        }
      }
    }
  });

  it('agrees with sortSelection in every variant, where slabs or types may be missing (ids without names)', () => {
    for (const variant of ['A', 'B', 'C', 'D', 'E'] as const) {
      const store = parseKmapBytes(new TextEncoder().encode(writeKmap({ variant, objects: 1200, seed: 9, damage: 0 })));
      const all = Uint32Array.from({ length: store.numObjects }, (_, i) => i);
      for (const column of ['slab', 'type', 'command', 'allocIp', 'size'] as ObjectColumn[]) {
        for (const desc of [false, true]) {
          const sorted = Uint32Array.from(all);
          sortSelection(new QueryContext(store), sorted, { key: column, desc }, false);
          const windows = new WindowInOrder(new QueryContext(store), all, { key: column, desc }, 7);
          for (const from of [0, 300, 1000]) {
            const got = windows.rows(from, 150);
            if (got === null) expect(column, `${variant} ${column}`).toBe('size');
            else expect(Array.from(got), `${variant} ${column} ${desc ? 'desc' : 'asc'} from ${from}`).toEqual(Array.from(sorted.subarray(from, from + 150)));
          }
        }
      }
    }
  });

  it('counts ahead in steps, and then its windows are the same', () => {
    const ctx = new QueryContext(narrow);
    const all = Uint32Array.from({ length: narrow.numObjects }, (_, i) => i);
    const want = sortedByRows(narrowRows, Array.from(all), 'size', true);
    const windows = new WindowInOrder(ctx, all, { key: 'size', desc: true }, 7);
    // A deadline already past: a block a step.
    let steps = 0;
    while (!windows.prepare(0)) steps++;
    expect(steps).toBe(Math.ceil(all.length / 7) - 1);
    expect(windows.prepared).toBe(true);
    expect(Array.from(windows.rows(900, 64)!)).toEqual(want.slice(900, 964));
    // A negative start counts from it, as a slice of the sorted selection is cut.
    expect(Array.from(windows.rows(-10, 30)!)).toEqual(want.slice(0, 20));
  });
});
