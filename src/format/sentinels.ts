// Sentinel values a viewer must explain instead of showing raw hex.
// See ../../docs/kmap-format.md, "Sentinels".

import { allocTypeName } from './alloc-types.ts';

export type SentinelKind = 'feedbeef' | 'catch-all' | 'ufo' | 'live' | 'unseen-free' | 'deadbeef' | 'fedbeef';

export interface Sentinel {
  readonly kind: SentinelKind;
  readonly label: string;
  readonly explanation: string;
}

/** Largest alloc_ip still read as a UFO type code rather than an address. */
const MAX_TYPE_CODE = 0xff;

/** Classifies an alloc_ip given as hi/lo halves; null for an ordinary code address. */
export function allocIpSentinel(hi: number, lo: number): Sentinel | null {
  if (hi !== 0) return null;
  if (lo === 0xfeedbeef) {
    return {
      kind: 'feedbeef',
      label: 'new slab',
      explanation: 'feedbeef: object pre-registered when SLUB built a new slab; not handed out since.',
    };
  }
  if (lo === 0) {
    return {
      kind: 'catch-all',
      label: 'catch-all',
      explanation: 'alloc_ip 0: a per-type catch-all object that collects accesses to memory no object covers.',
    };
  }
  if (lo <= MAX_TYPE_CODE) {
    const name = allocTypeName(lo);
    return {
      kind: 'ufo',
      label: `UFO ${name ? name.replace(/^UFO_/, '') : '#' + lo}`,
      explanation:
        `alloc_ip ${lo.toString(16)}: an object Memorizer created on a missed lookup (a "UFO"); ` +
        `the number is its type code (0x${lo.toString(16)} = ${lo}${name ? ' = ' + name : ', unknown in the 6.x numbering'}).`,
    };
  }
  return null;
}

/** Classifies a free_ip; `live` says whether the object is live (free index 0). */
export function freeIpSentinel(hi: number, lo: number, live: boolean): Sentinel | null {
  if (hi !== 0) return null;
  if (lo === 0) {
    return live
      ? { kind: 'live', label: 'live', explanation: 'Live: not freed when the kmap was read.' }
      : {
          kind: 'unseen-free',
          label: 'free unseen',
          explanation: 'free_ip 0 with a free index: freed, but Memorizer did not see the freeing instruction.',
        };
  }
  if (lo === 0xdeadbeef) {
    return {
      kind: 'deadbeef',
      label: 'overlapped',
      explanation: 'deadbeef: a later allocation overlapped this object without a free being seen.',
    };
  }
  if (lo === 0x0fedbeef) {
    return {
      kind: 'fedbeef',
      label: 'nested alloc',
      explanation: 'fedbeef: closed by a nested allocation at the same address.',
    };
  }
  return null;
}

export const NO_SLAB = 'no-slab';
export const NO_SLAB_EXPLANATION = 'no-slab: not from a slab cache (page allocator, vmalloc, globals, stack, ...).';
