// The name index that filters on a few slab caches, types or commands use:
// its candidates are exactly the objects a scan keeps, in ascending order,
// on a store with skewed names, while that store grows (as it does while a
// file loads, the index then covering a prefix), and filterObjects with it
// equals the reference filter.

import { describe, expect, it } from 'vitest';
import { KmapParser, parseKmapBytes } from '../format/parser.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { refCapture, refFilter } from '../testing/reference-queries.ts';
import { rng, writeKmap } from '../testing/kmap-writer.ts';
import { candidatesByName, PROFITABLE_SHARE, type IndexedColumn } from './column-index.ts';
import { QueryContext } from './context.ts';
import { dumpText } from './dump.ts';
import { filterObjects } from './filter.ts';
import { emptyFilter, type ObjectFilter } from './types.ts';

/** A variant-E kmap whose slab caches (40, Zipf-like) and commands (12) are skewed: some names hold a few objects, one most of them. */
function skewedKmap(seed: number, objects: number): string {
  const r = rng(seed);
  const zipf = (n: number) => Math.min(n - 1, Math.floor(n ** r() - 1));
  return writeKmap({ variant: 'E', objects, seed })
    .split('\n')
    .map((line) => {
      if (line === '' || line[0] === ' ' || line[0] === '\t') return line;
      const f = line.split(',');
      if (f.length !== 11) return line;
      f[9] = `cache-${zipf(40)}`;
      f[8] = `task-${zipf(12)}`;
      return f.join(',');
    })
    .join('\n');
}

const enc = (s: string) => new TextEncoder().encode(s);

function scan(store: KmapStore, column: IndexedColumn, mask: Uint8Array): number[] {
  const ids = store.objects[column].data;
  const out: number[] = [];
  for (let i = 0; i < store.numObjects; i++) if (mask[ids[i]] === 1) out.push(i);
  return out;
}

function maskOf(names: readonly string[], keep: (name: string) => boolean): Uint8Array {
  return Uint8Array.from(names, (n) => (keep(n) ? 1 : 0));
}

function namesOf(store: KmapStore, column: IndexedColumn): readonly string[] {
  return column === 'slab' ? store.slabs.names() : column === 'type' ? store.types.names() : store.commands.names();
}

/** Every mask of one or two names of the column, and a few larger ones. */
function masks(store: KmapStore, column: IndexedColumn): Uint8Array[] {
  const names = namesOf(store, column);
  const out: Uint8Array[] = [new Uint8Array(names.length)];
  for (let a = 0; a < names.length; a++) {
    out.push(maskOf(names, (n) => n === names[a]));
    if (a + 7 < names.length) out.push(maskOf(names, (n) => n === names[a] || n === names[a + 7]));
  }
  out.push(maskOf(names, (n) => /[13579]$/.test(n)));
  out.push(maskOf(names, () => true));
  return out;
}

describe('candidatesByName', () => {
  const store = parseKmapBytes(enc(skewedKmap(5, 4000)));

  it.each(['slab', 'type', 'command'] as const)('%s: the objects a scan keeps, in order; null only when they are too many', (column) => {
    const ctx = new QueryContext(store);
    let used = 0;
    for (const mask of masks(store, column)) {
      const want = scan(store, column, mask);
      const got = candidatesByName(ctx, [[column, mask]]);
      if (got === null) expect(want.length).toBeGreaterThan(store.numObjects * PROFITABLE_SHARE);
      else {
        used++;
        expect(Array.from(got)).toEqual(want);
      }
    }
    if (column !== 'type') expect(used).toBeGreaterThan(10); // the index was used, not only the scan
  });

  it('of several masks, the one keeping the fewest objects gives the candidates (a superset of what all keep)', () => {
    const ctx = new QueryContext(store);
    const slabs = store.slabs.names();
    const cmds = store.commands.names();
    const rare = maskOf(slabs, (n) => n === 'cache-30' || n === 'cache-31');
    const common = maskOf(cmds, (n) => n === 'task-0');
    const got = candidatesByName(ctx, [['slab', rare], ['command', common], ['type', null]]);
    expect(got).not.toBeNull();
    expect(Array.from(got!)).toEqual(scan(store, 'slab', rare));
  });

  it('a store growing while it loads: the index covers a prefix, the rest is scanned, and it is rebuilt as the store grows', () => {
    const bytes = enc(skewedKmap(9, 6000));
    const parser = new KmapParser();
    // The context stays while the store grows, as the data worker's does during a load.
    let ctx: QueryContext | null = null;
    const step = Math.ceil(bytes.length / 23);
    for (let at = 0; at < bytes.length; at += step) {
      parser.push(bytes.subarray(at, at + step));
      const s = parser.store;
      if (s.numObjects === 0) continue;
      ctx ??= new QueryContext(s);
      for (const column of ['slab', 'command'] as const) {
        for (const mask of masks(s, column).slice(0, 12)) {
          const got = candidatesByName(ctx, [[column, mask]]);
          if (got !== null) expect(Array.from(got)).toEqual(scan(s, column, mask));
        }
      }
    }
  });
});

describe('filterObjects through the name index', () => {
  const store = parseKmapBytes(enc(skewedKmap(7, 3000)));
  const ctx = new QueryContext(store);
  const cap = refCapture('E', dumpText(store), null);
  const slabs = store.slabs.names();
  const rare = slabs.filter((n) => store.objectsBySlab[slabs.indexOf(n)] < store.numObjects / 20);
  const f = (over: Partial<ObjectFilter>): ObjectFilter => ({ ...emptyFilter(), ...over });
  const cases: [string, ObjectFilter][] = [
    ['one rare cache', f({ slabs: rare.slice(0, 1) })],
    ['three rare caches, live', f({ slabs: rare.slice(0, 3), state: 'live' })],
    ['rare caches and a command', f({ slabs: rare.slice(0, 5), commands: ['task-1', 'task-2'] })],
    ['a rare command by search', f({ search: 'comm:task-9' })],
    ['rare caches by glob, minimum size', f({ search: 'slab:cache-3*', minSize: 64 })],
    ['a rare cache and a free word', f({ slabs: rare.slice(0, 2), search: 'kmalloc' })],
    ['a rare cache and an unknown one', f({ slabs: [rare[0], 'no-such-cache'] })],
    ['the most common cache', f({ slabs: ['cache-0'] })],
  ];
  it.each(cases)('%s: the reference filter keeps the same objects', (_name, filter) => {
    expect(rare.length).toBeGreaterThan(5);
    expect(Array.from(filterObjects(ctx, filter).indices)).toEqual(refFilter(cap, filter));
  });
});
