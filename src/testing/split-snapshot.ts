// Test helpers for the split CSV pair: read a pair at every chunk size (and
// check that they agree), and the store as raw data, ids included, to check
// that a pair gives exactly the store its equivalent kmap gives.

import { expect } from 'vitest';
import { parseSplitCsvBytes, type SplitCsvOptions } from '../format/split-csv.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { CHUNK_SIZES, fullView, toBytes, type FullView } from './snapshot.ts';

export function parsePairAt(allocations: string | Uint8Array, accesses: string | Uint8Array, chunkSize: number, options: SplitCsvOptions = {}): KmapStore {
  const a = toBytes(allocations);
  const c = toBytes(accesses);
  return parseSplitCsvBytes(a, c, chunkSize === 0 ? Math.max(1, a.length, c.length) : chunkSize, options);
}

/** The pair read at every chunk size of CHUNK_SIZES; asserts they all give the same store. */
export function parsePairAllChunkSizes(
  allocations: string | Uint8Array,
  accesses: string | Uint8Array,
  options: SplitCsvOptions = {},
): { view: FullView; store: KmapStore } {
  const whole = parsePairAt(allocations, accesses, 0, options);
  const view = fullView(whole);
  const raw = rawStore(whole);
  for (const size of CHUNK_SIZES) {
    if (size === 0) continue;
    const other = parsePairAt(allocations, accesses, size, options);
    expect(fullView(other), `chunk size ${size} differs from the whole-file read`).toEqual(view);
    expect(rawStore(other), `chunk size ${size}: ids differ`).toEqual(raw);
    expect(other.split, `chunk size ${size}: join counts differ`).toEqual(whole.split);
  }
  return { view, store: whole };
}

/**
 * Every column's values (ids as stored), the interning tables and the
 * totals: two stores with equal raw data answer every query the same.
 */
export function rawStore(store: KmapStore) {
  const n = store.numObjects;
  const m = store.numAccesses;
  const col = (c: { data: ArrayLike<number>; wide?: Map<number, bigint> | null }, len: number) => ({
    values: Array.from({ length: len }, (_, i) => c.data[i]),
    wide: c.wide ? [...c.wide.entries()].sort((x, y) => x[0] - y[0]) : [],
  });
  const o = store.objects;
  const a = store.accesses;
  return {
    variant: store.variant,
    objects: Object.fromEntries(
      (['allocIp', 'freeIp', 'vaHi', 'vaLo', 'size', 'pid', 'allocIndex', 'freeIndex', 'type', 'newType', 'command', 'slab', 'accessStart'] as const).map((k) => [k, col(o[k], n)]),
    ),
    accesses: Object.fromEntries((['ip', 'pid', 'writes', 'reads'] as const).map((k) => [k, col(a[k], m)])),
    callers: [...a.callers.entries()],
    ips: Array.from({ length: store.ips.size }, (_, id) => store.ips.hex(id)),
    commands: store.commands.names().slice(),
    slabs: store.slabs.names().slice(),
    types: store.types.names().slice(),
    objectsBySlab: store.objectsBySlab.slice(),
    objectsByType: store.objectsByType.slice(),
    objectsByCommand: store.objectsByCommand.slice(),
    numLive: store.numLive,
    bytes: store.bytes,
    reads: store.reads,
    writes: store.writes,
  };
}
