// The cap on distinct names (docs/kmap-format.md, "Bad lines"): each name
// table (commands, slab caches, alloc types with new alloc types) holds at
// most maxNames names. The object line that would add a name past the cap is
// a bad line, so a hostile file (millions of made-up commands) cannot grow the
// tables, the pickers or a breakdown without bound, and the lines that
// introduced the first names keep them.
//
// The rule is applied in file order as objects are appended, so it gives the
// same answer at any chunk size. Lines far from the cap never come here: the
// parser asks nearNameCap() (three size checks) first and only then this
// careful pass, which interns nothing (a bad line must leave no name behind).

import type { KmapStore } from '../store/kmap-store.ts';
import type { NameInterner } from '../store/interners.ts';

/** Distinct names kept per table; real captures hold hundreds of commands and caches, and about ten alloc types. */
export const MAX_DISTINCT_NAMES = 1 << 20;

/** Which table a name of an object line goes to, and what the table holds (plural, for the reason). */
export type NameTable = 'commands' | 'slabs' | 'types';
const WHAT: Record<NameTable, [string, string]> = {
  commands: ['command', 'commands'],
  slabs: ['slab cache', 'slab caches'],
  types: ['alloc type', 'alloc types'],
};

/**
 * True when one more object line could pass the cap: a line adds at most one
 * command, one slab cache and two alloc types (its type and new type).
 */
export function nearNameCap(store: KmapStore, maxNames: number): boolean {
  return store.commands.size >= maxNames || store.slabs.size >= maxNames || store.types.size >= maxNames - 1;
}

/**
 * Why the names b[starts[k], ends[k]) of one object line (going to tables[k])
 * cannot all be interned under the cap, or null when they can.
 */
export function nameCapReason(
  store: KmapStore, maxNames: number, b: Uint8Array,
  tables: readonly NameTable[], starts: ArrayLike<number>, ends: ArrayLike<number>,
): string | null {
  for (const table of ['commands', 'slabs', 'types'] as const) {
    const interner: NameInterner = store[table];
    let added = 0;
    for (let k = 0; k < tables.length; k++) {
      if (tables[k] !== table || interner.lookup(b, starts[k], ends[k]) >= 0) continue;
      // A name that this line already adds (its type equal to its new type) is added once.
      let repeat = false;
      for (let j = 0; j < k && !repeat; j++) repeat = tables[j] === table && sameBytes(b, starts[j], ends[j], starts[k], ends[k]);
      if (!repeat) added++;
    }
    if (interner.size + added > maxNames) {
      const [one, many] = WHAT[table];
      return `a new ${one} past the limit of ${maxNames.toLocaleString('en-US')} distinct ${many}`;
    }
  }
  return null;
}

function sameBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = 0; i < e1 - s1; i++) if (b[s1 + i] !== b[s2 + i]) return false;
  return true;
}
