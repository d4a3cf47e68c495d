// The five kmap variants (see ../../docs/kmap-format.md) and how each lays out its lines.

import type { VariantLetter } from '../store/kmap-store.ts';

export type Variant = VariantLetter;

/** What a fixed (non-command) object-line field holds. */
export enum Field {
  AllocIp,
  FreeIp,
  Va,
  Size,
  Pid,
  AllocIndex,
  FreeIndex,
  Type,
  Slab,
  NewType,
}

export interface VariantLayout {
  readonly variant: Variant;
  /** Object-line fields before the command, in order. */
  readonly leading: readonly Field[];
  /** Object-line fields after the command, in order. */
  readonly trailing: readonly Field[];
  /** Where the access line keeps its pid: after the IP (A, B), last (E) or nowhere (C, D). */
  readonly accessPid: 'second' | 'last' | 'none';
  /** Whether objects carry alloc/free indices (B-E) or only IPs (A). */
  readonly hasIndices: boolean;
  readonly hasType: boolean;
  readonly hasSlab: boolean;
  readonly hasNewType: boolean;
  readonly description: string;
}

const F = {
  allocIp: Field.AllocIp,
  freeIp: Field.FreeIp,
  va: Field.Va,
  size: Field.Size,
  pid: Field.Pid,
  allocIndex: Field.AllocIndex,
  freeIndex: Field.FreeIndex,
  type: Field.Type,
  slab: Field.Slab,
  newType: Field.NewType,
};

const B_LEADING = [F.allocIp, F.pid, F.va, F.size, F.allocIndex, F.freeIndex, F.freeIp];

export const LAYOUTS: Readonly<Record<Variant, VariantLayout>> = {
  A: {
    variant: 'A',
    leading: [F.allocIp, F.freeIp, F.va, F.size, F.pid],
    trailing: [],
    accessPid: 'second',
    hasIndices: false,
    hasType: false,
    hasSlab: false,
    hasNewType: false,
    description: 'A: early 4.x memorizer_log (6 fields)',
  },
  B: {
    variant: 'B',
    leading: B_LEADING,
    trailing: [],
    accessPid: 'second',
    hasIndices: true,
    hasType: false,
    hasSlab: false,
    hasNewType: false,
    description: 'B: 4.x kmap (8 fields)',
  },
  C: {
    variant: 'C',
    leading: [...B_LEADING, F.type],
    trailing: [],
    accessPid: 'none',
    hasIndices: true,
    hasType: true,
    hasSlab: false,
    hasNewType: false,
    description: 'C: 4.x kmap with alloc type (9 fields)',
  },
  D: {
    variant: 'D',
    leading: [...B_LEADING, F.type],
    trailing: [F.slab],
    accessPid: 'none',
    hasIndices: true,
    hasType: true,
    hasSlab: true,
    hasNewType: false,
    description: 'D: 4.x kmap with alloc type and slab cache (10 fields)',
  },
  E: {
    variant: 'E',
    leading: [...B_LEADING, F.type],
    trailing: [F.slab, F.newType],
    accessPid: 'last',
    hasIndices: true,
    hasType: true,
    hasSlab: true,
    hasNewType: true,
    description: 'E: 6.x kmap (11 fields)',
  },
};

/** Number of fields an object line of the variant has when its command holds no comma. */
export function fieldCount(v: Variant): number {
  const l = LAYOUTS[v];
  return l.leading.length + 1 + l.trailing.length;
}

/** Fewest fields an object line of any variant has (A). */
export const MIN_OBJECT_FIELDS = 6;

/** How many object lines the variant is detected from (../../docs/kmap-format.md, "Detecting the variant"). */
export const DETECT_OBJECT_LINES = 2000;

/** The variant an object line of `numFields` fields belongs to: 6 or 7 -> A, 8 -> B, 9 -> C, 10 -> D, 11 or more -> E; null below 6. */
export function variantOfFieldNum(numFields: number): Variant | null {
  if (numFields < MIN_OBJECT_FIELDS) return null;
  if (numFields <= 7) return 'A';
  if (numFields === 8) return 'B';
  if (numFields === 9) return 'C';
  if (numFields === 10) return 'D';
  return 'E';
}

/**
 * Picks the variant from a histogram of object-line field counts (the parser
 * counts only the lines that vote, ../../docs/kmap-format.md): the most
 * common count wins, ties go to the smaller count, and the count names the
 * variant (variantOfFieldNum). Counts below 6 are not candidates (no variant
 * has such object lines: they are damage, or the file is no kmap), so a few
 * broken lines cannot outvote the real ones. Returns null when no line has 6
 * or more fields.
 */
export function detectVariant(countsByFieldNum: ReadonlyMap<number, number>): Variant | null {
  let best = -1;
  let bestNum = 0;
  for (const [fieldNum, n] of countsByFieldNum) {
    if (fieldNum < MIN_OBJECT_FIELDS) continue;
    if (n > bestNum || (n === bestNum && fieldNum < best)) {
      best = fieldNum;
      bestNum = n;
    }
  }
  return best < 0 ? null : variantOfFieldNum(best);
}
