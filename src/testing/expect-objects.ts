// Builders for expected object and access views in tests: every field is
// spelled out by the caller; only fields a variant does not have default
// (to null / 0), so that a test states exactly what it expects.

import type { AccessView, ObjectView } from './snapshot.ts';

export function acc(ip: string, pid: number | null, writes: number, reads: number, caller: string | null = null): AccessView {
  return { ip, pid, writes, reads, caller };
}

export interface ObjectSpec {
  allocIp: string;
  freeIp: string;
  va: string;
  size: number;
  pid: number;
  allocIndex?: number;
  freeIndex?: number;
  type?: string | null;
  command: string;
  slab?: string | null;
  newType?: string | null;
  live: boolean;
  accesses?: AccessView[];
}

export function obj(spec: ObjectSpec): ObjectView {
  return {
    allocIp: spec.allocIp,
    freeIp: spec.freeIp,
    va: spec.va,
    size: spec.size,
    pid: spec.pid,
    allocIndex: spec.allocIndex ?? 0,
    freeIndex: spec.freeIndex ?? 0,
    type: spec.type ?? null,
    command: spec.command,
    slab: spec.slab ?? null,
    newType: spec.newType ?? null,
    live: spec.live,
    accesses: spec.accesses ?? [],
  };
}

export const ZERO = '0000000000000000';

/** Joins lines with '\n' and ends the text with one. */
export function lines(...ls: string[]): string {
  return ls.join('\n') + '\n';
}
