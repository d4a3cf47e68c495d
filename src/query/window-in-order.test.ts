// WindowInOrder gives exactly the sort's rows at any window (the
// comparator's order on the rows, ties in file order both ways) for every
// column, both directions, selections of all, part or a scatter of the
// store, windows at the start, the middle, across the end and past it, and
// blocks down to one object; keys below 2^16 and above it, windows inside
// one high digit and across two or many (sparse big keys); keys past 32
// bits by their high words (addresses, sizes, indices and sums past 2^32),
// words sorted whole or counted, windows across words, counts let go past
// the words kept; counted ahead in steps or not; and null (the caller
// sorts) exactly past the most high words it counts.

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
  for (const column of OBJECT_COLUMNS) {
    for (const desc of [false, true]) {
      it(`gives any window of the sort by ${column} ${desc ? 'descending' : 'ascending'}`, () => {
        const ctx = new QueryContext(narrow);
        for (const [name, sel] of selectionsOf(narrow.numObjects)) {
          const want = sortedByRows(narrowRows, sel, column, desc);
          for (const block of [1, 7, 1 << 16]) {
            const windows = new WindowInOrder(ctx, Uint32Array.from(sel), { key: column, desc }, { block });
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

  it('gives the windows of keys past 32 bits by their high words: addresses, sizes, indices and sums past 2^32', () => {
    // Addresses in 512 high words of a few objects each; sizes, free indices and sums of reads most in word 0, some past it.
    const { store, rows } = sortStressStore(1500);
    const ctx = new QueryContext(store);
    for (const [name, sel] of selectionsOf(store.numObjects)) {
      for (const column of ['address', 'size', 'freeIndex', 'reads', 'pid', 'slab', 'allocIp', 'allocIndex', 'accessLines', 'writes'] as ObjectColumn[]) {
        for (const desc of [false, true]) {
          const want = sortedByRows(rows, sel, column, desc);
          // Words of at most 0 objects sorted whole (each counted), and of the default.
          for (const [block, sortedMax] of [[1, 0], [7, 0], [1 << 16, 0], [7, 4096]]) {
            const windows = new WindowInOrder(ctx, Uint32Array.from(sel), { key: column, desc }, { block, sortedWordMax: sortedMax });
            for (const [from, count] of [...windowsOf(sel.length), [100, 700]] as [number, number][]) {
              const got = windows.rows(from, count);
              const label = `${name} ${column} ${desc ? 'desc' : 'asc'} [${from}, +${count}) block=${block} sorted<=${sortedMax}`;
              expect(got, label).not.toBeNull();
              expect(Array.from(got!), label).toEqual(want.slice(from, from + count));
            }
          }
        }
      }
    }
  });

  it('reads addresses of big and small high words, across them, counted ahead in steps, the words used longest ago let go', () => {
    // Six high words of 1 to 3,000 objects, scattered through the file; low words with ties.
    const r = rng(3);
    const sizes = [3000, 2, 500, 1, 1200, 40];
    const words = sizes.flatMap((m, w) => Array.from({ length: m }, () => w));
    for (let i = words.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [words[i], words[j]] = [words[j], words[i]];
    }
    const his = ['ffff8880', 'ffffc900', 'ffff8881', 'ffffffff', 'ffff8882', '00008880'];
    const kmap = words
      .map((w, i) => `ffffffff81000010,1,${his[w]}${(Math.floor(r() * 900) * 64).toString(16).padStart(8, '0')},64,${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,\n`)
      .join('');
    const store = parseKmapBytes(new TextEncoder().encode(kmap));
    const rows = Array.from({ length: store.numObjects }, (_, i) => objectRow(store, i));
    const ctx = new QueryContext(store);
    for (const [name, sel] of selectionsOf(store.numObjects)) {
      for (const desc of [false, true]) {
        const want = sortedByRows(rows, sel, 'address', desc);
        for (const [block, sortedMax] of [[7, 50], [1 << 16, 4096], [1 << 16, 0]]) {
          for (const ahead of [false, true]) {
            const windows = new WindowInOrder(ctx, Uint32Array.from(sel), { key: 'address', desc }, { block, sortedWordMax: sortedMax, keptWindows: 2 });
            if (ahead) {
              let steps = 0;
              while (!windows.prepare(0)) steps++;
              expect(windows.prepared).toBe(true);
              if (block === 7 && name === 'all') expect(steps).toBeGreaterThan(sel.length / 7);
            }
            // Every word in turn and again (more than the three kept), windows across words, the whole selection.
            const starts = [0, 40, 2990, 3000, 3200, 4000, 4500, 4700, 3000, 10, sel.length - 30, sel.length >> 1, 0];
            for (const from of starts) {
              for (const count of [1, 64, 600]) {
                const label = `${name} ${desc ? 'desc' : 'asc'} [${from}, +${count}) block=${block} sorted<=${sortedMax} ahead=${ahead}`;
                expect(Array.from(windows.rows(from, count)!), label).toEqual(want.slice(from, from + count));
              }
            }
            expect(Array.from(windows.rows(0, sel.length)!)).toEqual(want);
            // The counts of at most two words are kept.
            const held = (windows as unknown as { words: { windows: unknown }[] }).words.filter((w) => w.windows !== null);
            expect(held.length).toBeLessThanOrEqual(2);
          }
        }
      }
    }
  });

  it("scatters again when another one's scatter on the same context took the scratch", () => {
    const { store, rows } = sortStressStore(1500);
    const ctx = new QueryContext(store);
    const all = Array.from({ length: store.numObjects }, (_, i) => i);
    const late = all.filter((i) => i >= 10);
    const first = new WindowInOrder(ctx, Uint32Array.from(all), { key: 'address', desc: false }, { sortedWordMax: 0 });
    const want = sortedByRows(rows, all, 'address', false);
    expect(Array.from(first.rows(0, 5)!)).toEqual(want.slice(0, 5));
    const second = new WindowInOrder(ctx, Uint32Array.from(late), { key: 'address', desc: false }, { sortedWordMax: 0 });
    expect(Array.from(second.rows(0, 5)!)).toEqual(sortedByRows(rows, late, 'address', false).slice(0, 5));
    for (const from of [0, 700, 1400]) expect(Array.from(first.rows(from, 90)!), `from ${from}`).toEqual(want.slice(from, from + 90));
  });

  it('gives null past the most high words it counts, as soon as it meets them', () => {
    const kmap = Array.from({ length: 4097 }, (_, i) => `ffffffff81000010,1,${(0x10000 + i).toString(16).padStart(8, '0')}00000040,64,${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,\n`).join('');
    const store = parseKmapBytes(new TextEncoder().encode(kmap));
    const all = Uint32Array.from({ length: store.numObjects }, (_, i) => i);
    const windows = new WindowInOrder(new QueryContext(store), all, { key: 'address', desc: false }, { block: 1000 });
    expect(windows.rows(10, 10)).toBeNull();
    expect(windows.prepared).toBe(true);
    expect(windows.prepare()).toBe(true);
    // One fewer word (the most) is counted.
    const fewer = new WindowInOrder(new QueryContext(store), all.subarray(0, 4096), { key: 'address', desc: true }, { block: 1000 });
    expect(Array.from(fewer.rows(0, 3)!)).toEqual([4095, 4094, 4093]);
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
          const windows = new WindowInOrder(ctx, Uint32Array.from(sel), { key: 'size', desc }, { block });
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
          const windows = new WindowInOrder(new QueryContext(store), all, { key: column, desc }, { block: 7 });
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
    const windows = new WindowInOrder(ctx, all, { key: 'size', desc: true }, { block: 7 });
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
