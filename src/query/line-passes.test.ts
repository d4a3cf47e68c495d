// The passes over every access line that the site index begins with
// (line-passes.ts): made in pieces of any size they equal their plain
// definitions (the dense pid ids numbered as codes first occur, null past
// 2^24; each site's grid row from its reads + writes and lines); a store that
// grew starts a new pass; and the index's warm-up makes them in turns before
// its first object.

import { describe, expect, it } from 'vitest';
import { KmapParser, parseKmapBytes } from '../format/parser.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { compareBytes } from './compare.ts';
import { QueryContext } from './context.ts';
import { gridRows, gridRowsPass } from './matrix-grid.ts';
import { siteCells, warmSiteCells } from './site-cells.ts';
import { densePidIds, densePidPass } from './sites.ts';

const enc = (s: string) => new TextEncoder().encode(s);

/** The plain definition: a look-up over 0..max code, ids as codes first occur. */
function plainDensePids(store: KmapStore): { idOf: number[]; count: number } | null {
  const pid = store.accesses.pid.data;
  let max = 0;
  for (let a = 0; a < store.numAccesses; a++) max = Math.max(max, pid[a]);
  if (max >= 1 << 24) return null;
  const idOf: number[] = new Array(max + 1).fill(-1);
  let count = 0;
  for (let a = 0; a < store.numAccesses; a++) if (idOf[pid[a]] < 0) idOf[pid[a]] = count++;
  return { idOf, count };
}

/** The plain definition: sites by reads + writes, then lines, most first, then key. */
function plainGridRows(ctx: QueryContext): number[] {
  const store = ctx.store;
  const sites = ctx.sites();
  const rw = new Array(sites.numSites).fill(0);
  const lines = new Array(sites.numSites).fill(0);
  for (let a = 0; a < store.numAccesses; a++) {
    const s = sites.siteOf[store.accesses.ip.data[a]];
    rw[s] += store.accesses.reads.data[a] + store.accesses.writes.data[a];
    lines[s]++;
  }
  const order = Array.from({ length: sites.numSites }, (_, s) => s).sort((x, y) => rw[y] - rw[x] || lines[y] - lines[x] || compareBytes(sites.key(x), sites.key(y)));
  const rows: number[] = new Array(sites.numSites);
  order.forEach((s, row) => (rows[s] = row));
  return rows;
}

const plain = (d: { idOf: Int32Array; count: number } | null) => (d ? { idOf: Array.from(d.idOf), count: d.count } : null);

describe('the passes over every line', () => {
  const store = parseKmapBytes(enc(writeKmap({ variant: 'E', objects: 3000, seed: 4 })));

  it.each([1, 7, 1000, 1 << 20])('in pieces of %i lines: the dense pid ids and the grid rows equal their plain definitions', (piece) => {
    expect(store.numAccesses).toBeGreaterThan(3000);
    const ctx = new QueryContext(store);
    const dense = densePidPass(ctx);
    const grid = gridRowsPass(ctx);
    let turns = 0;
    while (!dense.step(piece)) turns++;
    while (!grid.step(piece)) turns++;
    expect(turns).toBeGreaterThanOrEqual(2 * Math.floor(store.numAccesses / piece) - 2);
    const want = plainDensePids(store);
    expect(want!.count).toBeGreaterThan(100); // pids past the table's first 1,024 codes: it grew
    expect(plain(densePidIds(ctx))).toEqual(want);
    expect(Array.from(gridRows(ctx))).toEqual(plainGridRows(ctx));
  });

  it('a pid code of 2^24 or more anywhere: null (the hash paths count those pids)', () => {
    const kmap = ['ffffffff81000000,7,ffff888000000000,64,1,0,0,ffffffff81000001,KMALLOC,sh,kmalloc-64,KMALLOC', '  from:ffffffff81000002,1,2,5', '  from:ffffffff81000003,1,2,20000000', '  from:ffffffff81000004,1,2,6'].join('\n') + '\n';
    const s = parseKmapBytes(enc(kmap));
    expect(s.numAccesses).toBe(3);
    expect(densePidIds(new QueryContext(s))).toBeNull();
    const inPieces = densePidPass(new QueryContext(s));
    while (!inPieces.step(1));
    expect(inPieces.result()).toBeNull();
  });

  it('a store that grew (a file loading) starts a new pass over all its lines', () => {
    const bytes = enc(writeKmap({ variant: 'E', objects: 2000, seed: 8 }));
    const parser = new KmapParser();
    parser.push(bytes.subarray(0, bytes.length >> 1));
    const ctx = new QueryContext(parser.store);
    const half = densePidPass(ctx);
    half.step(100);
    parser.push(bytes.subarray(bytes.length >> 1));
    parser.finish();
    expect(densePidPass(ctx)).not.toBe(half);
    expect(plain(densePidIds(ctx))).toEqual(plainDensePids(parser.store));
    expect(Array.from(gridRows(ctx))).toEqual(plainGridRows(ctx));
  });

  it("the site index's warm-up makes both passes in turns before its first object", () => {
    const ctx = new QueryContext(store);
    const lines = 1000;
    let turns = 0;
    while (!warmSiteCells(ctx, 500, lines)) {
      turns++;
      // No object is indexed before both passes are done: the index's own first step comes after them.
      if (turns <= 2 * Math.floor(store.numAccesses / lines)) expect(gridRowsPass(ctx).step(0) && densePidPass(ctx).step(0)).toBe(false);
    }
    expect(turns).toBeGreaterThanOrEqual(2 * Math.floor(store.numAccesses / lines) + Math.floor(store.numObjects / 500) - 1);
    expect(densePidPass(ctx).step(0)).toBe(true);
    expect(gridRowsPass(ctx).step(0)).toBe(true);
    expect(siteCells(ctx).usable).toBe(true);
  });
});
