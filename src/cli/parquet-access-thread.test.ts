// The accesses and capmap rows computed in a thread of their own
// (./parquet-access-thread.ts) against the same rows computed on the JS
// thread: every file the export writes is byte for byte the same, for every
// variant with damage, the sample with its symbols, values past 2^53 - 1
// and the radix sort's path, in files that span several pieces (so pieces
// are asked for ahead, and taken out of order by the two COPYs); the same
// rows when the thread runs the built CLI bundle. And a failure in the
// thread reaches the caller as an error, every time it asks; a thread out
// of heap ends the wait; a thread that never serves fails before anything
// waits on it.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { QueryContext } from '../query/context.ts';
import { AccessRows } from '../query/parquet-access-rows.ts';
import { ParquetTables } from '../query/parquet-tables.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import { parseSymbolMap } from '../symbols/symbol-map.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { AccessRowsThread } from './parquet-access-thread.ts';
import { exportParquet } from './parquet-export.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'kmap-access-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string, symbolMap: string | null = null): QueryContext {
  const store = parseKmapBytes(new TextEncoder().encode(text));
  return new QueryContext(store, symbolMap ? new IpSymbols(parseSymbolMap(symbolMap), store.ips) : null);
}

/** Every file under a dataset, by its path inside it, with its bytes. */
function filesOf(ds: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(ds, p), readFileSync(p));
    }
  };
  walk(ds);
  return out;
}

async function bothWays(name: string, ctx: QueryContext, opts: { blockRows?: number; pieceRows?: number; keyBucketsMax?: number } = {}): Promise<void> {
  const here = join(dir, `${name}-here`);
  const there = join(dir, `${name}-thread`);
  const { keyBucketsMax, ...sizes } = opts;
  const a = await exportParquet(new ParquetTables(ctx, keyBucketsMax), here, name, { ...sizes, accessThread: false });
  const b = await exportParquet(new ParquetTables(ctx, keyBucketsMax), there, name, { ...sizes, accessThread: true });
  expect(b).toEqual(a);
  const want = filesOf(here);
  const got = filesOf(there);
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  expect(want.size).toBeGreaterThanOrEqual(3);
  for (const [f, bytes] of want) expect(got.get(f)!.equals(bytes), `${f} differs`).toBe(true);
}

describe('the accesses sorted and built in a thread', () => {
  for (const variant of ['A', 'C', 'E'] as const) {
    it(`variant ${variant}, damaged: the same files (7-row files in pieces of 3, counting and radix sort)`, async () => {
      const ctx = load(writeKmap({ variant, objects: 300, seed: 90 + variant.charCodeAt(0), damage: 0.02 }));
      expect(ctx.store.numAccesses).toBeGreaterThan(100);
      await bothWays(`gen-${variant}`, ctx, { blockRows: 7, pieceRows: 3 });
      await bothWays(`gen-${variant}-radix`, ctx, { blockRows: 50, pieceRows: 20, keyBucketsMax: 1 });
    });
  }

  it('the sample with its System.map: the same files', async () => {
    const ctx = load(readFileSync(join(ROOT, 'public/sample.kmap'), 'utf8'), readFileSync(join(ROOT, 'public/sample.System.map'), 'utf8'));
    await bothWays('sample', ctx, { blockRows: 5_000, pieceRows: 1_000 });
  });

  it('values past 2^53 - 1 and a capmap sum past 2^64 - 1: the same files, the wrapped sum counted', async () => {
    const text = [
      'ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81004010,9007199254740993,18446744073709551615,100',
      'ffffffff81001010,100,ffff888000002000,64,11,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81004010,1,18446744073709551615,100',
      '',
    ].join('\n');
    const ctx = load(text);
    expect(ctx.store.numBadLines).toBe(0);
    await bothWays('wide', ctx);
    const tables = new ParquetTables(ctx);
    await exportParquet(tables, join(dir, 'wide-count'), 'w', { accessThread: true });
    expect(tables.wrappedSums).toBeGreaterThan(0);
  });

  it('the built CLI runs the thread from its own bundle: the same rows, keys and capmap', async () => {
    const ctx = load(writeKmap({ variant: 'E', objects: 200, seed: 12 }));
    const source = new ParquetTables(ctx).accessRowsSource();
    const here = new AccessRows(source);
    const n = source.numAccesses;
    const thread = await AccessRowsThread.start(source, { threadUrl: pathToFileURL(inject('kmapCli')) });
    try {
      await thread.ready();
      thread.ask(n >> 1, n);
      expect(thread.keyIds('access_fn', 0, n)).toEqual(here.keyIds('access_fn', 0, n));
      expect(thread.rows(0, n >> 1)).toEqual(here.rows(0, n >> 1));
      expect(thread.rows(n >> 1, n)).toEqual(here.rows(n >> 1, n));
      expect(thread.capmap()).toEqual(here.capmap());
    } finally {
      thread.close();
    }
  });

  it('a thread that never serves fails ready() (nothing waits on it, nothing hangs)', async () => {
    const ctx = load(writeKmap({ variant: 'E', objects: 20, seed: 6 }));
    const notAnEntry = join(dir, 'not-an-entry.mjs');
    writeFileSync(notAnEntry, 'export {};\n');
    const thread = await AccessRowsThread.start(new ParquetTables(ctx).accessRowsSource(), { threadUrl: pathToFileURL(notAnEntry) });
    try {
      await expect(thread.ready()).rejects.toThrow(/did not start/);
      expect(() => thread.rows(0, 1)).toThrow(/ready\(\)/);
    } finally {
      thread.close();
    }
  });

  it('a rows thread that runs out of heap ends the wait with an error (its supervisor saw it stop)', async () => {
    // 300,000 lines of as many functions: the capmap's cells, counted in the sort, are JS arrays of that
    // many entries, past the rows' thread's 4 MB of old generation. (Its own exit hooks do not run then.)
    const n = 300_000;
    const ids = Uint32Array.from({ length: n }, (_, j) => j);
    const one = new Uint32Array(1);
    const source = {
      objectBase: 0, numObjects: 1, numAccesses: n, accessStart: one, slab: one, type: one, command: one, allocIp: one,
      ip: ids, pid: new Uint32Array(n), reads: new Uint32Array(n).fill(1), writes: new Uint32Array(n), readsWide: null, writesWide: null,
      exactSums: true, ipLo: ids, ipHi: new Uint32Array(n), siteOf: Int32Array.from(ids), allocOf: new Uint32Array(n), siteRank: ids,
      slabRank: null, numTypes: 1, hasType: false,
    };
    // Short limits: were the stop not flagged, the wait would end in 20 s with another message instead of hanging.
    const thread = await AccessRowsThread.start(source, { resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 }, noReplyLimitsMs: { first: 20_000, later: 20_000 } });
    try {
      await thread.ready();
      expect(() => thread.rows(0, 1)).toThrow(/stopped without an answer/);
    } finally {
      thread.close();
    }
  });

  it('a failure in the thread is thrown by every call that waits on it', async () => {
    const ctx = load(writeKmap({ variant: 'E', objects: 20, seed: 5 }));
    // A source the sort cannot allocate for.
    const source = { ...new ParquetTables(ctx).accessRowsSource(), numAccesses: -1 };
    const thread = await AccessRowsThread.start(source);
    try {
      await thread.ready();
      for (const call of [() => thread.rows(0, 1), () => thread.keyIds('slab', 0, 1), () => thread.capmap()]) {
        const thrown = (() => {
          try {
            call();
          } catch (e) {
            return e as Error;
          }
          return null;
        })();
        expect([thrown?.name, thrown?.message]).toEqual(['RangeError', 'Invalid typed array length: -1']);
      }
    } finally {
      thread.close();
    }
  });
});
