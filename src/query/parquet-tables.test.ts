// The accesses table's rows (ParquetTables.accessesBlock) against a plain
// reference: every access line, sorted with a comparator by slab name, then
// access_fn (byte order of their UTF-8), ties in file order, each value read
// from the store by its line. Both sorts are run: the counting sort and the
// radix sort that a key space too large for a count array takes (forced here
// with a bucket limit of 1). Blocks are cut at odd sizes, so that a block
// boundary falls inside a (slab, function) run.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE } from '../store/kmap-store.ts';
import { bigSeeds, writerSeeds } from '../testing/fuzz-kmaps.ts';
import { compareBytes } from './compare.ts';
import { QueryContext } from './context.ts';
import { ParquetTables } from './parquet-tables.ts';
import { rowsOf } from '../testing/parquet-rows.ts';


function allRows(tables: ParquetTables, step: number): unknown[][] {
  const n = tables.numRows('accesses');
  const out: unknown[][] = [];
  for (let s = 0; s < n; s += step) out.push(...rowsOf(tables.accessesBlock(s, Math.min(n, s + step))));
  return out;
}

/** The reference: each line's row from the store, sorted by comparator. */
function referenceRows(ctx: QueryContext): unknown[][] {
  const s = ctx.store;
  const layout = LAYOUTS[s.variant ?? 'E'];
  const sites = ctx.sites();
  const ip64 = (id: number) => BigInt.asIntN(64, (BigInt(s.ips.hi.data[id]) << 32n) | BigInt(s.ips.lo.data[id]));
  const exact = (col: typeof s.accesses.reads, j: number) => col.wide?.get(j) ?? BigInt(col.data[j]);
  const lines: { slab: string; fn: string; j: number; row: unknown[] }[] = [];
  for (let i = 0; i < s.numObjects; i++) {
    const [ls, le] = s.accessRange(i);
    const slab = layout.hasSlab ? s.slabs.names()[s.objects.slab.data[i]] : null;
    for (let j = ls; j < le; j++) {
      const ip = s.accesses.ip.data[j];
      const fn = sites.key(sites.siteOf[ip]);
      const stored = s.accesses.pid.data[j];
      lines.push({
        slab: slab ?? '',
        fn,
        j,
        row: [
          BigInt(i),
          ip64(ip),
          fn,
          stored === ACCESS_PID_NONE ? null : BigInt(stored - ACCESS_PID_BIAS),
          BigInt.asIntN(64, exact(s.accesses.reads, j)),
          BigInt.asIntN(64, exact(s.accesses.writes, j)),
          slab,
          layout.hasType ? s.types.names()[s.objects.type.data[i]] : null,
          sites.key(sites.siteOf[s.objects.allocIp.data[i]]),
          s.commands.names()[s.objects.command.data[i]],
        ],
      });
    }
  }
  lines.sort((a, b) => compareBytes(a.slab, b.slab) || compareBytes(a.fn, b.fn) || a.j - b.j);
  return lines.map((l) => l.row);
}

const load = (text: string) => new QueryContext(parseKmapBytes(new TextEncoder().encode(text)));

describe('the accesses rows', () => {
  const sample = { name: 'public/sample.kmap', text: readFileSync(join(import.meta.dirname, '..', '..', 'public', 'sample.kmap'), 'utf8') };
  const seeds = [...writerSeeds(3), ...bigSeeds(600), sample];
  it('are tested on kmaps with access lines', () => {
    expect(seeds.filter((s) => load(s.text).store.numAccesses > 100).length).toBeGreaterThanOrEqual(6);
  });
  it.each(seeds.map((s) => [s.name, s.text]))('%s: both sorts give the reference rows, at any block size', (_name, text) => {
    const ctx = load(text);
    const want = referenceRows(ctx);
    for (const buckets of [undefined, 1]) {
      for (const step of [1, 7, 1000]) expect(allRows(new ParquetTables(ctx, buckets), step)).toEqual(want);
    }
  });

  it.each(seeds.map((s) => [s.name, s.text]))('%s: the sort keys of any range of rows are the names those rows hold', (_name, text) => {
    const ctx = load(text);
    const want = referenceRows(ctx);
    const n = want.length;
    const tables = new ParquetTables(ctx);
    // Names of a range, in row order, each once (slab is column 6, access_fn column 2 of a row).
    const namesIn = (col: number, s: number, e: number) => [...new Set(want.slice(s, e).map((r) => r[col]))].filter((v) => v !== null);
    const sites = ctx.sites();
    const dicts = { slab: ctx.store.slabs.names(), access_fn: Array.from({ length: sites.numSites }, (_, k) => sites.key(k)) };
    for (const [s, e] of [[0, n], [0, 1], [n >> 1, n], [3, Math.min(n, 40)], [n - 1, n]]) {
      if (s < 0 || s >= e || e > n) continue;
      for (const [name, col] of [['slab', 6], ['access_fn', 2]] as const) {
        const got = [...tables.accessesKeyIds(name, s, e)].map((id) => dicts[name][id]);
        expect(got, `${name} in rows [${s}, ${e})`).toEqual(namesIn(col, s, e));
      }
    }
  });

  it.each(seeds.map((s) => [s.name, s.text]))('%s: the capmap counted in the sort is the capmap counted on its own', (_name, text) => {
    const ctx = load(text);
    const alone = rowsOf(new ParquetTables(ctx).capmapBlock());
    const inSort = new ParquetTables(ctx);
    inSort.accessesBlock(0, 0); // sorts the lines, and counts the capmap on the way
    const radix = new ParquetTables(ctx, 1);
    radix.accessesBlock(0, 0);
    expect(rowsOf(inSort.capmapBlock())).toEqual(alone);
    expect(rowsOf(radix.capmapBlock())).toEqual(alone);
    // The reference: the accesses rows grouped by (access_fn, slab, alloc_type), in their order.
    const cells = new Map<string, { row: unknown[]; objs: Set<unknown> }>();
    for (const r of referenceRows(ctx)) {
      const key = JSON.stringify([r[2], r[6], r[7]]);
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { row: [r[2], r[6], r[7], 0n, 0n, 0n, 0n], objs: new Set() }));
      cell.row[3] = BigInt.asIntN(64, (cell.row[3] as bigint) + (r[4] as bigint));
      cell.row[4] = BigInt.asIntN(64, (cell.row[4] as bigint) + (r[5] as bigint));
      cell.row[5] = (cell.row[5] as bigint) + 1n;
      cell.objs.add(r[0]);
    }
    const want = [...cells.values()].map((c) => [...c.row.slice(0, 6), BigInt(c.objs.size)]);
    expect(new Set(alone.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))))).toEqual(
      new Set(want.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))),
    );
  });

  it('keep values past 2^53 - 1 exact in both sorts (looked up by their file-order line)', () => {
    const ctx = load(
      [
        'ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
        '  ffffffff81004010,9007199254740993,1,100',
        '  ffffffff81004000,1,18446744073709551615,100',
        'ffffffff81001010,100,ffff888000002000,64,11,0,0000000000000000,KMALLOC,cat,dentry,',
        '  ffffffff81004010,1,2,100',
        '',
      ].join('\n'),
    );
    expect(ctx.store.numBadLines).toBe(0);
    const want = referenceRows(ctx);
    // An access line is ip, writes, reads, pid: the rows' (reads, writes).
    expect(want.map((r) => [r[4], r[5]])).toEqual([
      [2n, 1n],
      [-1n, 1n],
      [1n, 9007199254740993n],
    ]);
    for (const buckets of [undefined, 1]) expect(allRows(new ParquetTables(ctx, buckets), 2)).toEqual(want);
  });

  it('keep values past 2^32 and pids past 2^32 whole (the columns of doubles: their high words are written)', () => {
    const ctx = load(
      [
        'ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
        '  ffffffff81004010,5000000000,1,7000000000',
        '  ffffffff81004000,3,4294967296,100',
        '',
      ].join('\n'),
    );
    expect(ctx.store.numBadLines).toBe(0);
    const want = referenceRows(ctx);
    // (pid, reads, writes) of each row, in the table's order.
    expect(want.map((r) => [r[3], r[4], r[5]])).toEqual([
      [100n, 4294967296n, 3n],
      [7000000000n, 1n, 5000000000n],
    ]);
    for (const buckets of [undefined, 1]) expect(allRows(new ParquetTables(ctx, buckets), 1)).toEqual(want);
  });
});
