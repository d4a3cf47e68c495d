// Materialises rows of the store as small plain objects: the only form in
// which data leaves the worker (a visible window, one object's accesses) and
// the form the CLI's `dump` prints.

import { allocIpSentinel, freeIpSentinel, type Sentinel } from '../format/sentinels.ts';
import { hex64 } from '../store/interners.ts';
import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import type { QueryContext } from './context.ts';
import { radixSortSelection } from './radix-sort.ts';
import { exactSumRange, keyWords } from '../store/columns.ts';
import type { Exact } from '../store/exact.ts';

export type SentinelInfo = Sentinel;

export interface ObjectRow {
  /** 0-based object index in file order (stable for a given file). */
  idx: number;
  /** 16 hex digits, no 0x. */
  allocIp: string;
  allocIpSentinel: SentinelInfo | null;
  /** `name+0xoff` when symbols are loaded and the IP resolves, else null. */
  allocFn: string | null;
  pid: number;
  address: string;
  /** 64-bit: a number up to 2^53 - 1, a bigint above. */
  size: Exact;
  /** Decimal strings ('' in variant A, which has no indices). */
  allocIndex: string;
  freeIndex: string;
  freeIp: string;
  freeIpSentinel: SentinelInfo | null;
  freeFn: string | null;
  live: boolean;
  type: string;
  command: string;
  slab: string;
  newType: string;
  accessLines: number;
  reads: Exact;
  writes: Exact;
}

export interface AccessRow {
  ip: string;
  /** null when the variant's access lines carry no pid (C, D) or a from: line had none. */
  pid: number | null;
  reads: Exact;
  writes: Exact;
  /** Caller IP of a `from:IP,caller:IP,w,r` line. */
  caller: string | null;
  /** `name+0xoff` of the IP when symbols resolve it. */
  fn: string | null;
  /** The site key (function name, or the hex IP): what the Access-sites view groups by. */
  site: string;
  /** Task name of the access pid (from the objects that pid allocated), when known. */
  pidCommand?: string | null;
}

/** One object as a row; `ctx` adds function names when it has symbols. */
export function objectRow(store: KmapStore, idx: number, ctx?: QueryContext): ObjectRow {
  const o = store.objects;
  const ips = store.ips;
  const allocIpId = o.allocIp.data[idx];
  const freeIpId = o.freeIp.data[idx];
  const live = store.isLive(idx);
  const [start, end] = store.accessRange(idx);
  const fold = store.fold;
  const reads = fold ? fold.reads.exact(idx) : exactSumRange(store.accesses.reads, start, end);
  const writes = fold ? fold.writes.exact(idx) : exactSumRange(store.accesses.writes, start, end);
  const layout = LAYOUTS[store.variant ?? 'E'];
  const hasIndices = layout.hasIndices;
  return {
    idx,
    allocIp: ips.hex(allocIpId),
    allocIpSentinel: allocIpSentinel(ips.hi.data[allocIpId], ips.lo.data[allocIpId]),
    allocFn: ctx?.ipLabel(allocIpId) ?? null,
    pid: o.pid.data[idx] - OBJECT_PID_BIAS,
    address: hex64(o.vaHi.data[idx], o.vaLo.data[idx]),
    size: o.size.exact(idx),
    allocIndex: hasIndices ? String(o.allocIndex.exact(idx)) : '',
    freeIndex: hasIndices ? String(o.freeIndex.exact(idx)) : '',
    freeIp: ips.hex(freeIpId),
    freeIpSentinel: freeIpSentinel(ips.hi.data[freeIpId], ips.lo.data[freeIpId], live),
    freeFn: ctx?.ipLabel(freeIpId) ?? null,
    live,
    type: layout.hasType ? store.types.name(o.type.data[idx]) : '',
    command: store.commands.name(o.command.data[idx]),
    slab: layout.hasSlab ? store.slabs.name(o.slab.data[idx]) : '',
    newType: layout.hasNewType ? store.types.name(o.newType.data[idx]) : '',
    accessLines: end - start,
    reads,
    writes,
  };
}

/** One object's access lines; `ctx` adds function names and site keys by symbols. */
export function accessRows(store: KmapStore, idx: number, ctx?: QueryContext): AccessRow[] {
  // An aggregate-only store has no lines to list (its summary says so).
  if (store.fold) return [];
  const [start, end] = store.accessRange(idx);
  return buildAccessRows(store, start, end - start, null, ctx);
}

/**
 * The first `limit` access lines of one object in the order of `sort` (ties
 * in file order), sorted over the typed columns (a radix sort: an object with
 * millions of lines sorts in tens of milliseconds) so that row objects are
 * built for the window only. Same order as sortAccessRows over all rows.
 */
export function accessRowsWindow(
  store: KmapStore,
  idx: number,
  sort: { key: AccessSortKey; desc: boolean } | null,
  limit: number,
  ctx?: QueryContext,
): AccessRow[] {
  if (store.fold) return [];
  const [start, end] = store.accessRange(idx);
  const n = end - start;
  if (!sort || n < 2) return buildAccessRows(store, start, Math.min(n, limit), null, ctx);
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  const a = store.accesses;
  const lo = new Uint32Array(n);
  let hi: Uint32Array | null = null;
  if (sort.key === 'ip') {
    // IPs as 64-bit numbers: the order of their fixed-width hex.
    hi = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const id = a.ip.data[start + k];
      lo[k] = store.ips.lo.data[id];
      hi[k] = store.ips.hi.data[id];
    }
  } else {
    // The stored pid code orders "no pid" < -1 < 0 < 1 ..., as sortAccessRows does.
    // Counts are 64-bit: keyWords splits them into exact 32-bit words.
    hi = keyWords(sort.key === 'pid' ? a.pid : sort.key === 'reads' ? a.reads : a.writes, start, n, lo, null);
  }
  radixSortSelection(order, lo, hi, sort.desc);
  return buildAccessRows(store, start, Math.min(n, limit), order, ctx);
}

/** Rows for positions [0, count) of `order` (or of file order) within an object's access range. */
function buildAccessRows(store: KmapStore, start: number, count: number, order: Uint32Array | null, ctx?: QueryContext): AccessRow[] {
  const a = store.accesses;
  const rows: AccessRow[] = [];
  const sites = ctx?.sites();
  for (let k = 0; k < count; k++) {
    const i = start + (order ? order[k] : k);
    const pidCode = a.pid.data[i];
    const caller = a.callers.get(i);
    const ipId = a.ip.data[i];
    rows.push({
      ip: store.ips.hex(a.ip.data[i]),
      pid: pidCode === ACCESS_PID_NONE ? null : pidCode - ACCESS_PID_BIAS,
      reads: a.reads.exact(i),
      writes: a.writes.exact(i),
      caller: caller === undefined ? null : store.ips.hex(caller),
      fn: ctx?.ipLabel(ipId) ?? null,
      site: sites ? sites.key(sites.siteOf[ipId]) : store.ips.hex(ipId),
    });
  }
  return rows;
}

export type AccessSortKey = 'ip' | 'pid' | 'reads' | 'writes';

/** Sorts access rows in place; IPs are fixed-width hex, so text order is numeric order. */
export function sortAccessRows(rows: AccessRow[], key: AccessSortKey, desc: boolean): AccessRow[] {
  const dir = desc ? -1 : 1;
  const value = (r: AccessRow): Exact | string => (key === 'ip' ? r.ip : key === 'pid' ? (r.pid ?? -2) : r[key]);
  return rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    return va < vb ? -dir : va > vb ? dir : 0;
  });
}
