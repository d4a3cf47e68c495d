// The kmaps and filters the tests of answers from cells share
// (query/cell-queries.ts: an aggregate-only store's fold, a loaded store's
// site index): every variant, maps that make functions of several IPs, and
// the filters cells can answer.

import type { Variant } from '../format/variants.ts';
import { QueryContext } from '../query/context.ts';
import { emptyFilter, type ObjectFilter } from '../query/types.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import { parseSymbolMap } from '../symbols/symbol-map.ts';
import { captureLike } from './capture-like.ts';
import { writeKmap } from './kmap-writer.ts';

const enc = (s: string) => new TextEncoder().encode(s);

/** A map of a few wide functions over the writer's IPs: most functions hold several IPs of one group. */
const COARSE_MAP = ['ffffffff81000000 T _stext', ...Array.from({ length: 6 }, (_, k) => `ffffffff81${(k * 3).toString(16).padStart(2, '0')}0000 T wide_${k}`), 'ffffffff81f00000 T _etext'].join('\n') + '\n';

export interface Case {
  name: string;
  variant: Variant;
  bytes: Uint8Array;
  map: string | null;
}

/** The cases, with the bundled sample and its System.map as the test read them (src/testing/ reads no files). */
export const cellCases = (sample: Uint8Array, sampleMap: string): Case[] => [
  ...(['A', 'B', 'C', 'D', 'E'] as const).map((v, k) => ({ name: `random ${v}`, variant: v, bytes: enc(writeKmap({ variant: v, objects: 400, seed: 900 + k })), map: null })),
  { name: 'random E + a coarse map', variant: 'E', bytes: enc(writeKmap({ variant: 'E', objects: 400, seed: 911 })), map: COARSE_MAP },
  { name: 'random B + a coarse map', variant: 'B', bytes: enc(writeKmap({ variant: 'B', objects: 300, seed: 912 })), map: COARSE_MAP },
  { name: 'sample + System.map', variant: 'E', bytes: sample, map: sampleMap },
  { name: 'sample, no symbols', variant: 'E', bytes: sample, map: null },
  { name: 'capture-like (popular IPs, other tasks)', variant: 'E', bytes: captureLike(3000, 5), map: null },
];

export const contextOf = (store: KmapStore, map: string | null) => new QueryContext(store, map === null ? null : new IpSymbols(parseSymbolMap(map), store.ips));

/** The filters cells answer: none, other tasks, the commonest slab and type, and both with other tasks. */
export function cellFilters(store: KmapStore): [string, ObjectFilter][] {
  const top = (counts: number[], names: readonly string[]) => {
    let best = -1;
    counts.forEach((n, id) => (best < 0 || n > counts[best] ? (best = id) : 0));
    return best < 0 ? [] : [names[best]];
  };
  const slabs = top(store.objectsBySlab, store.slabs.names());
  const types = top(store.objectsByType, store.types.names());
  return [
    ['no filter', emptyFilter()],
    ['other tasks', { ...emptyFilter(), otherTasks: true }],
    ['top slab', { ...emptyFilter(), slabs }],
    ['top type', { ...emptyFilter(), types }],
    ['top slab and type, other tasks', { ...emptyFilter(), slabs, types, otherTasks: true }],
    ['a slab no object has', { ...emptyFilter(), slabs: ['no such cache'] }],
    ['live', { ...emptyFilter(), state: 'live' }],
    ['freed, no sentinels, other tasks', { ...emptyFilter(), state: 'freed', hideSentinels: true, otherTasks: true }],
    ['top slab, live, no sentinels', { ...emptyFilter(), slabs, state: 'live', hideSentinels: true }],
  ];
}

