// One object as the line `kmap dump` prints (NDJSON): the object's fields
// with its access lines, function names added when symbols are given. The
// CLI prints it and the reference tests read it (src/testing/), so the one
// definition here is what both see.

import type { KmapStore } from '../store/kmap-store.ts';
import type { QueryContext } from './context.ts';
import { jsonText } from './csv.ts';
import { accessRows, objectRow } from './rows.ts';

/** The dump line of object i (with its '\n'); `ctx` (with symbols) adds allocFn, freeFn and each access's fn. */
export function dumpLine(store: KmapStore, i: number, ctx: QueryContext | null = null): string {
  const row = objectRow(store, i, ctx ?? undefined);
  const accesses = accessRows(store, i, ctx ?? undefined).map(({ ip, pid, reads, writes, caller, fn }) => ({
    ip,
    pid,
    reads,
    writes,
    ...(caller === null ? {} : { caller }),
    ...(ctx ? { fn } : {}),
  }));
  return (
    jsonText({
      idx: row.idx,
      allocIp: row.allocIp,
      ...(ctx ? { allocFn: row.allocFn } : {}),
      pid: row.pid,
      address: row.address,
      size: row.size,
      allocIndex: row.allocIndex,
      freeIndex: row.freeIndex,
      freeIp: row.freeIp,
      ...(ctx ? { freeFn: row.freeFn } : {}),
      type: row.type,
      command: row.command,
      slab: row.slab,
      newType: row.newType,
      live: row.live,
      accesses,
    }) + '\n'
  );
}

/** The whole `kmap dump` (without symbols) of a store: for tests of small stores. */
export function dumpText(store: KmapStore): string {
  const out: string[] = [];
  for (let i = 0; i < store.numObjects; i++) out.push(dumpLine(store, i));
  return out.join('');
}
