import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { QueryContext } from './context.ts';
import { OBJECT_COLUMNS, emptyFilter, type ObjectFilter } from './types.ts';
import { objectRow } from './rows.ts';
import { selectObjects, sortSelection } from './object-query.ts';
import { radixSortSelection, radixSortWithKeys } from './radix-sort.ts';
import { keptSortOrders } from './sort-orders.ts';
import { compareRows, rng, sortStressStore } from '../testing/sort-stress.ts';

const { store, rows } = sortStressStore(3000);
const ctx = new QueryContext(store);
const q = (f: Partial<ObjectFilter>, sort: Parameters<typeof selectObjects>[1]['sort'] = null) => ({ filter: { ...emptyFilter(), ...f }, sort });

describe('selectObjects sort', () => {
  for (const column of OBJECT_COLUMNS) {
    for (const desc of [false, true]) {
      it(`orders by ${column} ${desc ? 'descending' : 'ascending'}, ties in file order`, () => {
        const got = Array.from(selectObjects(ctx, q({}, { key: column, desc })).indices);
        const want = rows
          .map((r) => r.idx)
          .sort((x, y) => (desc ? -1 : 1) * compareRows(column, rows[x], rows[y]) || x - y);
        expect(got).toEqual(want);
      });
    }
  }
});

describe('selectObjects filter', () => {
  it('keeps only the chosen slab caches and reports unknown ones', () => {
    const sel = selectObjects(ctx, q({ slabs: ['dentry', 'filp', 'nope'] }));
    const want = rows.filter((r) => r.slab === 'dentry' || r.slab === 'filp').map((r) => r.idx);
    expect(Array.from(sel.indices)).toEqual(want);
    expect(sel.unknownNames).toEqual(['slab cache "nope"']);
  });

  it('searches command, slab and type case-insensitively, combined with the slab filter', () => {
    const sel = selectObjects(ctx, q({ slabs: ['kmalloc-64'], search: 'KWORK' }));
    const want = rows.filter((r) => r.slab === 'kmalloc-64' && r.command.includes('kwork')).map((r) => r.idx);
    expect(want.length).toBeGreaterThan(0);
    expect(Array.from(sel.indices)).toEqual(want);
    const bySlabText = selectObjects(ctx, q({ search: 'dent' }));
    expect(bySlabText.indices.length).toBe(rows.filter((r) => r.slab === 'dentry').length);
    const byType = selectObjects(ctx, q({ search: 'kmalloc' }));
    expect(byType.indices.length).toBe(rows.length); // every type is KMALLOC
  });
});

describe('radixSortSelection', () => {
  /** The comparator sort it must equal: by (hi, lo), ties in selection order, both directions. */
  function reference(lo: Uint32Array, hi: Uint32Array | null, desc: boolean, n: number): number[] {
    return Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => (desc ? -1 : 1) * ((hi ? hi[a] - hi[b] : 0) || lo[a] - lo[b]) || a - b)
      .map((i) => i * 2);
  }

  // Key shapes that pick different digit layouts: one digit, a skipped
  // pass, uneven widths, every bit of lo, a hi word mostly 0.
  const shapes: [string, (r: () => number, i: number) => [number, number]][] = [
    ['random 64-bit, duplicates in low digits', (r) => [Math.floor(r() * 2 ** 32) & 0xffff00ff, Math.floor(r() * 4)]],
    ['every key 0', () => [0, 0]],
    ['every key the same', () => [0xdead_beef, 7]],
    ['few small values (one pass)', (r) => [1 << Math.floor(r() * 12), 0]],
    ['24-bit indices', (r) => [Math.floor(r() * 2 ** 24), 0]],
    ['every bit of lo', (r) => [Math.floor(r() * 2 ** 32), 0]],
    ['13 bits, only high ones vary', (r) => [(Math.floor(r() * 4) << 11) | 5, 0]],
    ['hi word set on a few', (r, i) => [Math.floor(r() * 2 ** 32), i % 97 === 0 ? Math.floor(r() * 2 ** 32) : 0]],
    // Kernel addresses: every hi word ffff88xx, sorted on the bits above the smallest.
    ['kernel addresses (shared top bits in both words)', (r) => [0xc0000000 + Math.floor(r() * 2 ** 20) * 64, 0xffff8880 + Math.floor(r() * 128)]],
    ['a narrow span high in lo (jiffies)', (r) => [0xfffb0000 + Math.floor(r() * 70000), 0]],
  ];
  for (const [name, gen] of shapes) {
    it(`matches a comparator sort, stable in both directions: ${name}`, () => {
      const r = rng(3);
      for (const n of [2, 3, 1000, 20000]) {
        const lo = new Uint32Array(n);
        const hi = new Uint32Array(n);
        for (let i = 0; i < n; i++) [lo[i], hi[i]] = gen(r, i);
        for (const withHi of [false, true]) {
          for (const desc of [false, true]) {
            const indices = Uint32Array.from({ length: n }, (_, i) => i * 2);
            // lo and hi are scratch to the sort: it gets copies.
            radixSortSelection(indices, lo.slice(), withHi ? hi.slice() : null, desc);
            expect(Array.from(indices)).toEqual(reference(lo, withHi ? hi : null, desc, n));
          }
          // With its keys: the same order, and keys beside it that are equal exactly where the sorted keys are.
          const indices = Uint32Array.from({ length: n }, (_, i) => i * 2);
          const keys = radixSortWithKeys(indices, lo.slice(), withHi ? hi.slice() : null);
          const want = reference(lo, withHi ? hi : null, false, n);
          expect(Array.from(indices)).toEqual(want);
          expect(keys.hi === null).toBe(!withHi);
          for (let p = 1; p < n; p++) {
            const [a, b] = [want[p - 1] / 2, want[p] / 2];
            const same = lo[a] === lo[b] && (!withHi || hi[a] === hi[b]);
            expect(keys.lo[p] === keys.lo[p - 1] && (keys.hi === null || keys.hi[p] === keys.hi[p - 1]), `${n} at ${p}`).toBe(same);
          }
        }
      }
    });
  }
});

describe('sorts that walk the store\'s order by a column (sort-orders.ts)', () => {
  const n = store.numObjects;
  const want = (sel: number[], column: (typeof OBJECT_COLUMNS)[number], desc: boolean) => [...sel].sort((x, y) => (desc ? -1 : 1) * compareRows(column, rows[x], rows[y]) || x - y);
  // A quarter of the objects (walks a kept order) and a sixteenth (sorted apart), in file order.
  const quarter = Array.from({ length: n }, (_, i) => i).filter((i) => i % 4 === 1);
  const sixteenth = Array.from({ length: n }, (_, i) => i).filter((i) => i % 16 === 3);
  // About two fifths, scattered (a multiplicative hash), with the first and last objects.
  const scattered = Array.from({ length: n }, (_, i) => i).filter((i) => Math.imul(i, 2654435761) >>> 0 < 0x66666666 || i === 0 || i === n - 1);

  for (const column of OBJECT_COLUMNS) {
    it(`by ${column}: a part of the store, after a sort of all of it made the order, as a comparator orders it`, () => {
      const c = new QueryContext(store);
      const before = c.heldBytes();
      // The CLI's one sort keeps nothing; the data worker's sorts of a loaded kmap keep the order.
      selectObjects(c, q({}, { key: column, desc: false }));
      expect(keptSortOrders(c)).toEqual([]);
      sortSelection(c, Uint32Array.from({ length: n }, (_, i) => i), { key: column, desc: false }, true);
      expect(keptSortOrders(c)).toEqual([column]);
      // The order is kept: 4 bytes an object.
      expect(c.heldBytes() - before).toBeGreaterThanOrEqual(4 * n);
      for (const desc of [false, true]) {
        for (const sel of [quarter, sixteenth, scattered]) {
          const got = Uint32Array.from(sel);
          sortSelection(c, got, { key: column, desc });
          expect(Array.from(got), `${desc ? 'desc' : 'asc'} ${sel.length}`).toEqual(want(sel, column, desc));
        }
      }
    });
  }

  it('a selection with a repeat, or past the store, is refused when it walks a kept order', () => {
    const c = new QueryContext(store);
    sortSelection(c, Uint32Array.from({ length: n }, (_, i) => i), { key: 'size', desc: false }, true);
    const repeat = Uint32Array.from([...quarter.slice(0, -1), quarter[0]]).sort();
    const past = Uint32Array.from([...quarter.slice(0, -1), n + 3]);
    for (const desc of [false, true]) {
      expect(() => sortSelection(c, repeat.slice(), { key: 'size', desc })).toThrow(/found in the order/);
      expect(() => sortSelection(c, past.slice(), { key: 'size', desc })).toThrow(/found in the order/);
    }
  });

  it('tells apart keys equal in their low word and not in their high one (addresses, sizes past 2^32)', () => {
    const kmap = [0, 1, 2, 3, 4, 5]
      .map((i) => `ffffffff81000010,1,${i % 2 === 0 ? 'ffff8880' : 'ffff8881'}00000040,${i % 3 === 0 ? 2 ** 32 + 64 : 64},${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,\n`)
      .join('');
    const s6 = parseKmapBytes(new TextEncoder().encode(kmap));
    const r6 = Array.from({ length: 6 }, (_, i) => objectRow(s6, i));
    for (const column of ['address', 'size'] as const) {
      for (const desc of [false, true]) {
        const c = new QueryContext(s6);
        const got = Uint32Array.from({ length: 6 }, (_, i) => i);
        sortSelection(c, got, { key: column, desc }, true);
        expect(keptSortOrders(c)).toEqual([column]);
        const cmp = (x: number, y: number) => (column === 'size' ? (r6[x].size as number) - (r6[y].size as number) : r6[x].address < r6[y].address ? -1 : r6[x].address > r6[y].address ? 1 : 0);
        expect(Array.from(got), `${column} ${desc}`).toEqual([0, 1, 2, 3, 4, 5].sort((x, y) => (desc ? -1 : 1) * cmp(x, y) || x - y));
      }
    }
  });

  it('sorts a sum of writes of 2^64 or more after every smaller one', () => {
    // An access line is IP, writes, reads, pid.
    const big = 2n ** 64n - 1n;
    const kmap = [
      'ffffffff81000010,1,ffff888000000000,64,1,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      `  ffffffff81000100,${big},1,1`,
      `  ffffffff81000100,${big},1,1`,
      'ffffffff81000010,1,ffff888000000040,64,2,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      '  ffffffff81000100,5,1,1',
      'ffffffff81000010,1,ffff888000000080,64,3,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
      `  ffffffff81000100,${2n ** 33n},1,1`,
      '',
    ].join('\n');
    const s3 = parseKmapBytes(new TextEncoder().encode(kmap));
    const got = Uint32Array.of(0, 1, 2);
    sortSelection(new QueryContext(s3), got, { key: 'writes', desc: true });
    expect(Array.from(got)).toEqual([0, 2, 1]);
  });

  it('keeps the orders of the last two columns sorted by, and none for a sort of less than half the store', () => {
    const c = new QueryContext(store);
    const all = Array.from({ length: n }, (_, i) => i);
    const sorted = (column: (typeof OBJECT_COLUMNS)[number], sel: number[]) => sortSelection(c, Uint32Array.from(sel), { key: column, desc: true }, true);
    sorted('size', quarter);
    expect(keptSortOrders(c)).toEqual([]);
    sorted('size', all);
    sorted('slab', all);
    expect(keptSortOrders(c)).toEqual(['size', 'slab']);
    // A walk of a kept order makes it the most recent.
    sorted('size', quarter);
    expect(keptSortOrders(c)).toEqual(['slab', 'size']);
    sorted('address', all);
    expect(keptSortOrders(c)).toEqual(['size', 'address']);
    // Held while kept: the two orders, 4 bytes an object each at least, beside the scratch.
    expect(c.heldBytes() - c.scratch.bytes()).toBeGreaterThanOrEqual(2 * 4 * n);
  });
});
