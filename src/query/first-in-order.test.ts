// firstInOrder gives exactly the sort's first k objects (the comparator's
// order on the rows, ties in file order both ways) for every column, both
// directions, selections of all, part or a scatter of the store, k from one
// to past the selection, and blocks down to one object (so the reads
// backwards by block, and ties across blocks, are all exercised), addresses
// of two high words at random (a block's objects narrowed without a branch
// first); and it
// gives up, rather than cost a sort, on an order that makes every object
// enter its heap.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { QueryContext } from './context.ts';
import { firstInOrder } from './first-in-order.ts';
import { sortSelection } from './object-query.ts';
import { OBJECT_COLUMNS } from './types.ts';
import { sortedByRows, sortStressStore } from '../testing/sort-stress.ts';

const { store, rows } = sortStressStore(1500);
const ctx = new QueryContext(store);
const n = store.numObjects;
const all = Array.from({ length: n }, (_, i) => i);
const selections: [string, number[]][] = [
  ['all', all],
  ['every third', all.filter((i) => i % 3 === 2)],
  ['a scatter with the first and last', all.filter((i) => Math.imul(i, 2654435761) >>> 0 < 0x30000000 || i === 0 || i === n - 1)],
  ['one object', [n >> 1]],
];

describe('firstInOrder', () => {
  for (const column of OBJECT_COLUMNS) {
    for (const desc of [false, true]) {
      it(`gives the first objects of the sort by ${column} ${desc ? 'descending' : 'ascending'}`, () => {
        for (const [name, sel] of selections) {
          const want = sortedByRows(rows, sel, column, desc);
          for (const k of [1, 2, 37, 256, sel.length, sel.length + 5]) {
            for (const block of [1, 7, 64, 1 << 16]) {
              const got = firstInOrder(ctx, Uint32Array.from(sel), { key: column, desc }, k, block);
              expect(got, `${name} k=${k} block=${block}`).not.toBeNull();
              expect(Array.from(got!), `${name} k=${k} block=${block}`).toEqual(want.slice(0, k));
            }
          }
        }
      });
    }
  }

  it('agrees with sortSelection, which the page pages through once the sort is whole', () => {
    const c = new QueryContext(store);
    for (const column of ['size', 'address', 'writes', 'slab'] as const) {
      for (const desc of [false, true]) {
        const sorted = Uint32Array.from(all);
        sortSelection(c, sorted, { key: column, desc }, true);
        expect(Array.from(firstInOrder(c, Uint32Array.from(all), { key: column, desc }, 300)!)).toEqual(Array.from(sorted.subarray(0, 300)));
      }
    }
  });

  it('gives the first addresses of two high words interleaved at random, and of one, both ways (blocks tested without a branch, and with)', () => {
    // Two words of the direct map, each object's at random, low words with ties; then the first word alone.
    let seed = 5;
    const r = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const line = (i: number, hi: string) => `ffffffff81000010,1,${hi}${(Math.floor(r() * 500) * 64).toString(16).padStart(8, '0')},64,${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,\n`;
    for (const his of [['ffff8880', 'ffff8881'], ['ffff8880']]) {
      const s2 = parseKmapBytes(new TextEncoder().encode(Array.from({ length: 4000 }, (_, i) => line(i, his[Math.floor(r() * his.length)])).join('')));
      const c = new QueryContext(s2);
      const every = Uint32Array.from({ length: s2.numObjects }, (_, i) => i);
      for (const desc of [false, true]) {
        const sorted = Uint32Array.from(every);
        sortSelection(c, sorted, { key: 'address', desc });
        for (const block of [64, 1000, 1 << 16]) {
          for (const k of [1, 100, 600]) {
            expect(Array.from(firstInOrder(c, every, { key: 'address', desc }, k, block)!), `${his.length} words ${desc ? 'desc' : 'asc'} k=${k} block=${block}`).toEqual(Array.from(sorted.subarray(0, k)));
          }
        }
      }
    }
  });

  it('gives nothing for an empty selection or k of 0', () => {
    expect(Array.from(firstInOrder(ctx, new Uint32Array(0), { key: 'size', desc: false }, 10)!)).toEqual([]);
    expect(Array.from(firstInOrder(ctx, Uint32Array.from(all), { key: 'size', desc: true }, 0)!)).toEqual([]);
  });

  it('gives up on a key that falls all through the file, read in small blocks, and not on one that rises', () => {
    // Sizes n, n - 1, ..., 1: ascending, each object read is below every one before it.
    const m = 600;
    const kmap = Array.from({ length: m }, (_, i) => `ffffffff81000010,1,ffff8880${(i * 64).toString(16).padStart(8, '0')},${m - i},${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,\n`).join('');
    const falling = new QueryContext(parseKmapBytes(new TextEncoder().encode(kmap)));
    const sel = Uint32Array.from({ length: m }, (_, i) => i);
    expect(firstInOrder(falling, sel, { key: 'size', desc: false }, 1, 4)).toBeNull();
    // Read from the last block when descending: the biggest come first, the rest are turned away.
    expect(Array.from(firstInOrder(falling, sel, { key: 'allocIndex', desc: true }, 3, 4)!)).toEqual([m - 1, m - 2, m - 3]);
    // In blocks as big as the selection, the budget covers any order.
    expect(Array.from(firstInOrder(falling, sel, { key: 'size', desc: false }, 2)!)).toEqual([m - 1, m - 2]);
  });
});
