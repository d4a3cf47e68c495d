// A capture's Parquet rows built slice by slice (format/kmap-slicer.ts, one
// ParquetTables per slice with its objectBase) against the rows of the whole
// store: the objects the same rows in the same order (idx included), the
// accesses the same rows (each slice sorted on its own), and the capmap
// merged from the slices' (./parquet-capmap-merge.ts) the whole capmap row
// for row, in order, with the same dictionaries. Seeds: every variant,
// damaged; the hand seeds (counts past 2^53, odd names); with symbols, so
// that many IPs share a function across slices.

import { describe, expect, it } from 'vitest';
import { KmapSlicer, type KmapSlice } from '../format/kmap-slicer.ts';
import { parseKmapBytes } from '../format/parser.ts';
import type { Variant } from '../format/variants.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import { parseSymbolMap, type SymbolTable } from '../symbols/symbol-map.ts';
import { bigSeeds } from '../testing/fuzz-kmaps.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { QueryContext } from './context.ts';
import { CapmapMerge } from './parquet-capmap-merge.ts';
import { ParquetTables } from './parquet-tables.ts';
import { allocIpsResolved, allocResolution, resolution } from './stats.ts';
import { rowsOf } from '../testing/parquet-rows.ts';


function sliced(bytes: Uint8Array, sliceBytes: number): KmapSlice[] {
  const slicer = new KmapSlicer(sliceBytes);
  for (let i = 0; i < bytes.length; i += 65536) slicer.push(bytes.subarray(i, Math.min(bytes.length, i + 65536)));
  slicer.finish();
  return slicer.takeSlices();
}

/** A System.map with a function every `every` distinct IPs of the store, so that functions span IPs (and slices). */
function symbolsFor(store: KmapStore, every: number): SymbolTable {
  const ips: bigint[] = [];
  for (let id = 0; id < store.ips.size; id++) ips.push((BigInt(store.ips.hi.data[id]) << 32n) | BigInt(store.ips.lo.data[id]));
  const sorted = [...new Set(ips)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = sorted.filter((_, k) => k % every === 0).map((ip, k) => `${ip.toString(16).padStart(16, '0')} T fn_${k}`);
  return parseSymbolMap(lines.join('\n') + '\n');
}

const ctxOf = (store: KmapStore, table: SymbolTable | null) => new QueryContext(store, table ? new IpSymbols(table, store.ips) : null);
const byText = (rows: unknown[][]) => rows.map((r) => r.map(String).join('|')).sort();

function expectSlicesAsWhole(bytes: Uint8Array, sliceBytes: number, withSymbols: boolean): number {
  const whole = parseKmapBytes(bytes);
  const table = withSymbols ? symbolsFor(whole, 7) : null;
  const all = new ParquetTables(ctxOf(whole, table));
  const slices = sliced(bytes, sliceBytes);
  const objects: unknown[][] = [];
  const accesses: unknown[][] = [];
  const merge = new CapmapMerge();
  for (const s of slices) {
    const t = new ParquetTables(ctxOf(s.store, table), undefined, s.objectsBefore);
    objects.push(...rowsOf(t.objectsBlock(0, t.numRows('objects'))));
    accesses.push(...rowsOf(t.accessesBlock(0, t.numRows('accesses'))));
    merge.add(t.capmapBlock(), t.capmapSums(), t.capmapWrappedSums);
  }
  expect(objects).toEqual(rowsOf(all.objectsBlock(0, all.numRows('objects'))));
  expect(byText(accesses)).toEqual(byText(rowsOf(all.accessesBlock(0, all.numRows('accesses')))));
  const want = all.capmapBlock();
  const got = merge.result();
  expect(rowsOf(got.block)).toEqual(rowsOf(want));
  for (const c of [0, 1, 2]) expect(got.block.columns[c].dict).toEqual(want.columns[c].dict);
  expect(got.wrapped).toBe(all.capmapWrappedSums);
  return slices.length;
}

const enc = new TextEncoder();

describe('Parquet rows of a capture in slices', () => {
  for (const variant of ['A', 'B', 'C', 'D', 'E'] as Variant[]) {
    it(`variant ${variant}, damaged: objects, accesses and the merged capmap are the whole store's`, () => {
      const bytes = enc.encode(writeKmap({ variant, objects: 4000, seed: 40 + variant.charCodeAt(0), damage: 0.03, blank: 0.02, crlf: 0.1, longLine: false }));
      expect(expectSlicesAsWhole(bytes, bytes.length >> 4, false)).toBeGreaterThan(4);
      expect(expectSlicesAsWhole(bytes, bytes.length >> 3, true)).toBeGreaterThan(2);
    });
  }

  it('the hand seeds (counts past 2^53, odd names), sliced, give the whole rows', () => {
    for (const seed of bigSeeds(5000)) {
      const bytes = enc.encode(seed.text);
      expect(expectSlicesAsWhole(bytes, bytes.length >> 4, false), seed.name).toBeGreaterThan(1);
    }
  });

  it("the symbol file's check over slices counts the capture's distinct allocating IPs as the whole store's does", () => {
    const bytes = enc.encode(writeKmap({ variant: 'E', objects: 4000, seed: 77, damage: 0.02, blank: 0, crlf: 0, longLine: false }));
    const whole = parseKmapBytes(bytes);
    for (const every of [1, 3, 50]) {
      const table = symbolsFor(whole, every);
      const ips = new Map<bigint, boolean>();
      const slices = sliced(bytes, bytes.length >> 4);
      expect(slices.length).toBeGreaterThan(3);
      for (const s of slices) allocIpsResolved(ctxOf(s.store, table), ips);
      const want = resolution(ctxOf(whole, table), null);
      const got = allocResolution(ips);
      expect([got.allocResolved, got.distinctAllocIps]).toEqual([want.allocResolved, want.distinctAllocIps]);
    }
  });

  it('refuses a second slice without exact sums (its block has lost what passed 2^64 - 1)', () => {
    const t = new ParquetTables(ctxOf(parseKmapBytes(enc.encode(writeKmap({ variant: 'E', objects: 50, seed: 3, damage: 0, blank: 0, crlf: 0, longLine: false }))), null));
    const block = t.capmapBlock();
    const merge = new CapmapMerge();
    merge.add(block, null, 0);
    expect(() => merge.add(block, t.capmapSums(), 0)).toThrow(/exact sums/);
  });

  it('one slice: the merged capmap is that slice\'s block itself', () => {
    const bytes = enc.encode(writeKmap({ variant: 'E', objects: 300, seed: 2, damage: 0, blank: 0, crlf: 0, longLine: false }));
    const t = new ParquetTables(ctxOf(parseKmapBytes(bytes), null));
    const merge = new CapmapMerge();
    const block = t.capmapBlock();
    merge.add(block, t.capmapSums(), 0);
    expect(merge.result().block).toBe(block);
  });

  it('a sum past 2^64 - 1 is counted once, as the whole capture counts it, and written as its low 64 bits', () => {
    const object = (reads: bigint[]) =>
      `ffffffff81000000,1,ffff888000001000,64,1,0,0000000000000000,cmd,T,slab,\n${reads.map((r) => `  ffffffff81000100,0,${r},1\n`).join('')}`;
    const big = (1n << 63n) + 5n;
    // Slice one's own sum wraps (two lines); slice two adds a third line to the same cell.
    const texts = [object([big, big]), object([big])];
    const whole = new ParquetTables(ctxOf(parseKmapBytes(enc.encode(texts.join(''))), null));
    const want = rowsOf(whole.capmapBlock());
    const merge = new CapmapMerge();
    texts.forEach((text, k) => {
      const t = new ParquetTables(ctxOf(parseKmapBytes(enc.encode(text)), null), undefined, k);
      merge.add(t.capmapBlock(), t.capmapSums(), t.capmapWrappedSums);
    });
    const got = merge.result();
    expect(rowsOf(got.block)).toEqual(want);
    expect(want[0][3]).toBe(BigInt.asIntN(64, 3n * big));
    expect(got.wrapped).toBe(whole.capmapWrappedSums);
    expect(got.wrapped).toBe(1);
  });
});
