// `kmap stats` with filters and symbols: the same keys as the unfiltered
// summary (summary.ts, statsJson) computed over the kept objects, plus how
// much of the capture a symbol file resolves. The resolution fractions are
// the one definition used by the CLI's JSON, its "does not belong to this
// capture" warning and the dashboard's.

import { countsByName } from '../store/kmap-store.ts';
import { exactJson } from '../store/exact.ts';
import { LAYOUTS } from '../format/variants.ts';
import type { QueryContext } from './context.ts';
import { filteredTotals } from './breakdown.ts';
import { sentinelIpMask } from './filter.ts';
import type { KmapSummary } from './summary.ts';
import { FOLD_WITHOUT_CELLS } from './cell-queries.ts';

/** Below this fraction of resolved alloc IPs, a symbol file is taken not to belong to the capture. */
export const SYMBOLS_MATCH_THRESHOLD = 0.5;

export interface Resolution {
  /** Fraction of the distinct non-sentinel alloc IPs that resolve; null when there are none. */
  allocResolved: number | null;
  /** Fraction of the distinct access IPs that resolve; null when there are none. */
  accessResolved: number | null;
  distinctAllocIps: number;
  distinctAccessIps: number;
}

/** Resolution of the distinct IPs of the kept objects (all objects when `indices` is null). */
export function resolution(ctx: QueryContext, indices: Uint32Array | null): Resolution {
  const store = ctx.store;
  const symbols = ctx.symbols;
  symbols?.update();
  const numIps = store.ips.size;
  const sentinel = sentinelIpMask(store);
  const seenAlloc = new Uint8Array(numIps);
  const seenAccess = new Uint8Array(numIps);
  const allocIp = store.objects.allocIp.data;
  const accIp = store.accesses.ip.data;
  const n = indices ? indices.length : store.numObjects;
  const fold = store.fold;
  if (fold && !fold.keepsCells) throw new Error(FOLD_WITHOUT_CELLS);
  for (let p = 0; p < n; p++) {
    const i = indices ? indices[p] : p;
    if (!sentinel[allocIp[i]]) seenAlloc[allocIp[i]] = 1;
    if (fold) continue;
    const [start, end] = store.accessRange(i);
    for (let a = start; a < end; a++) seenAccess[accIp[a]] = 1;
  }
  // An aggregate-only store knows its access IPs by cell, not by object: those of every object
  // (the data worker asks for all; the CLI, which asks for kept objects, never folds).
  if (fold) for (let c = 0; c < fold.numCells; c++) seenAccess[fold.cellIp[c]] = 1;
  let allocN = 0;
  let allocR = 0;
  let accN = 0;
  let accR = 0;
  for (let id = 0; id < numIps; id++) {
    const ok = symbols ? symbols.fnOf(id) >= 0 : false;
    if (seenAlloc[id]) {
      allocN++;
      if (ok) allocR++;
    }
    if (seenAccess[id]) {
      accN++;
      if (ok) accR++;
    }
  }
  return {
    allocResolved: allocN === 0 ? null : allocR / allocN,
    accessResolved: accN === 0 ? null : accR / accN,
    distinctAllocIps: allocN,
    distinctAccessIps: accN,
  };
}

/**
 * A store's distinct non-sentinel alloc IPs (their 64 bits), each with
 * whether it resolves: what Resolution.allocResolved counts, for a capture
 * read in slices (`kmap export`), whose slices' IPs are joined in `into` and
 * counted once by allocResolution(). One entry per allocating IP of the
 * capture (code sites: thousands, not millions, in a real capture).
 */
export function allocIpsResolved(ctx: QueryContext, into: Map<bigint, boolean>): void {
  const store = ctx.store;
  ctx.symbols?.update();
  const sentinel = sentinelIpMask(store);
  const seen = new Uint8Array(store.ips.size);
  const allocIp = store.objects.allocIp.data;
  for (let i = 0; i < store.numObjects; i++) if (!sentinel[allocIp[i]]) seen[allocIp[i]] = 1;
  const { hi, lo } = store.ips;
  for (let id = 0; id < store.ips.size; id++) {
    if (seen[id]) into.set((BigInt(hi.data[id]) << 32n) | BigInt(lo.data[id]), ctx.symbols ? ctx.symbols.fnOf(id) >= 0 : false);
  }
}

/** The alloc part of a Resolution from allocIpsResolved()'s IPs (the access part is not counted: null, 0). */
export function allocResolution(ips: ReadonlyMap<bigint, boolean>): Resolution {
  let resolved = 0;
  for (const ok of ips.values()) if (ok) resolved++;
  return { allocResolved: ips.size === 0 ? null : resolved / ips.size, accessResolved: null, distinctAllocIps: ips.size, distinctAccessIps: 0 };
}

/** Whether a resolution says the symbol file belongs to another kernel build. */
export function symbolsMismatch(r: Resolution): boolean {
  return r.allocResolved !== null && r.allocResolved < SYMBOLS_MATCH_THRESHOLD;
}

/** The sentence both the CLI (stderr) and the dashboard show for a mismatched symbol file. */
export function mismatchMessage(symbolsName: string, r: Resolution): string {
  const pct = Math.round((r.allocResolved ?? 0) * 100);
  return (
    `${symbolsName} does not belong to this capture: only ${pct}% of its ${r.distinctAllocIps} distinct allocation IPs resolve ` +
    `(a kmap's own System.map resolves nearly all). Use the System.map of the kernel that made the kmap.`
  );
}

/** `stats --json` over the kept objects: the keys of statsJson, with filtered totals and counts. */
export function filteredStatsJson(ctx: QueryContext, indices: Uint32Array, s: KmapSummary) {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const t = filteredTotals(ctx, indices);
  const bySlab = new Array<number>(store.slabs.size).fill(0);
  const byType = new Array<number>(store.types.size).fill(0);
  const byCommand = new Array<number>(store.commands.size).fill(0);
  const o = store.objects;
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    bySlab[o.slab.data[i]]++;
    byType[o.type.data[i]]++;
    byCommand[o.command.data[i]]++;
  }
  return {
    format: s.format,
    objects: t.objects,
    accesses: t.accesses,
    liveObjects: t.liveObjects,
    reads: exactJson(t.reads),
    writes: exactJson(t.writes),
    bytes: exactJson(t.bytes),
    badLines: s.badLines,
    bySlab: layout.hasSlab ? countsByName(store.slabs.names(), bySlab) : {},
    byType: layout.hasType ? countsByName(store.types.names(), byType) : {},
    byCommand: countsByName(store.commands.names(), byCommand),
  };
}
