// Materialises rows of the store as small plain objects: the only form in
// which data leaves the worker (a visible window, one object's accesses) and
// the form the CLI's `dump` prints.

import { allocIpSentinel, freeIpSentinel, type Sentinel } from '../format/sentinels.ts';
import { hex64 } from '../store/interners.ts';
import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, type KmapStore } from '../store/kmap-store.ts';

export type SentinelInfo = Sentinel;

export interface ObjectRow {
  /** 0-based object index in file order (stable for a given file). */
  idx: number;
  /** 16 hex digits, no 0x. */
  allocIp: string;
  allocIpSentinel: SentinelInfo | null;
  pid: number;
  address: string;
  size: number;
  /** Decimal strings ('' in variant A, which has no indices). */
  allocIndex: string;
  freeIndex: string;
  freeIp: string;
  freeIpSentinel: SentinelInfo | null;
  live: boolean;
  type: string;
  command: string;
  slab: string;
  newType: string;
  accessLines: number;
  reads: number;
  writes: number;
}

export interface AccessRow {
  ip: string;
  /** null when the variant's access lines carry no pid (C, D) or a from: line had none. */
  pid: number | null;
  reads: number;
  writes: number;
  /** Caller IP of a `from:IP,caller:IP,w,r` line. */
  caller: string | null;
}

export function objectRow(store: KmapStore, idx: number): ObjectRow {
  const o = store.objects;
  const ips = store.ips;
  const allocIpId = o.allocIp.data[idx];
  const freeIpId = o.freeIp.data[idx];
  const live = store.isLive(idx);
  const [start, end] = store.accessRange(idx);
  let reads = 0;
  let writes = 0;
  const r = store.accesses.reads.data;
  const w = store.accesses.writes.data;
  for (let a = start; a < end; a++) {
    reads += r[a];
    writes += w[a];
  }
  const layout = LAYOUTS[store.variant ?? 'E'];
  const hasIndices = layout.hasIndices;
  return {
    idx,
    allocIp: ips.hex(allocIpId),
    allocIpSentinel: allocIpSentinel(ips.hi.data[allocIpId], ips.lo.data[allocIpId]),
    pid: o.pid.data[idx],
    address: hex64(o.vaHi.data[idx], o.vaLo.data[idx]),
    size: o.size.data[idx],
    allocIndex: hasIndices ? String(o.allocIndex.data[idx]) : '',
    freeIndex: hasIndices ? String(o.freeIndex.data[idx]) : '',
    freeIp: ips.hex(freeIpId),
    freeIpSentinel: freeIpSentinel(ips.hi.data[freeIpId], ips.lo.data[freeIpId], live),
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

export function accessRows(store: KmapStore, idx: number): AccessRow[] {
  const [start, end] = store.accessRange(idx);
  const a = store.accesses;
  const rows: AccessRow[] = [];
  for (let i = start; i < end; i++) {
    const pidCode = a.pid.data[i];
    const caller = a.callers.get(i);
    rows.push({
      ip: store.ips.hex(a.ip.data[i]),
      pid: pidCode === ACCESS_PID_NONE ? null : pidCode - ACCESS_PID_BIAS,
      reads: a.reads.data[i],
      writes: a.writes.data[i],
      caller: caller === undefined ? null : store.ips.hex(caller),
    });
  }
  return rows;
}

export type AccessSortKey = 'ip' | 'pid' | 'reads' | 'writes';

/** Sorts access rows in place; IPs are fixed-width hex, so text order is numeric order. */
export function sortAccessRows(rows: AccessRow[], key: AccessSortKey, desc: boolean): AccessRow[] {
  const dir = desc ? -1 : 1;
  const value = (r: AccessRow): number | string => (key === 'ip' ? r.ip : key === 'pid' ? (r.pid ?? -2) : r[key]);
  return rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    return va < vb ? -dir : va > vb ? dir : 0;
  });
}
