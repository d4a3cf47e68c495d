// The summary of a store: the numbers the summary strip and the CLI's
// `stats` print. Pure; cheap (the store keeps running totals) but for the
// index kind, a read of every alloc index (the data worker keeps the
// summary of a loaded file).

import { countsByName, topCountPairs, type BadLine, type KmapStore, type SplitSource } from '../store/kmap-store.ts';
import { LAYOUTS, type Variant } from '../format/variants.ts';
import { exactJson, type Exact } from '../store/exact.ts';

export interface KmapSummary {
  format: Variant | null;
  formatDescription: string;
  objects: number;
  accesses: number;
  liveObjects: number;
  /** 64-bit sums: a number up to 2^53 - 1, a bigint above (../store/exact.ts). */
  reads: Exact;
  writes: Exact;
  bytes: Exact;
  badLines: number;
  blankLines: number;
  firstBadLines: BadLine[];
  bySlab: Record<string, number>;
  byType: Record<string, number>;
  byCommand: Record<string, number>;
  /** Whether the variant's access lines carry a pid (A, B, E). */
  accessHasPid: boolean;
  hasIndices: boolean;
  /**
   * What the alloc/free indices count: a serial event counter (the default),
   * kernel jiffies (memorizer_index_type=time), or nothing (variant A).
   * Serial indices have no wall-clock unit and must not be shown with one.
   */
  indexKind: IndexKind;
  hasType: boolean;
  hasSlab: boolean;
  /** Bytes of the rows the store holds (KmapStore.rowBytes: however the file was read) and of its interning tables. */
  memory: { objectBytes: number; accessBytes: number; internBytes: number };
  /** The two files and the join's counts when the data came from the split CSV pair; null for a kmap. Not in statsJson. */
  split: SplitSource | null;
  /**
   * True for an aggregate-only load: the access lines were summed as they
   * were read (store/access-fold.ts), not kept, so no object lists its
   * lines and the sites and the matrix narrow by cache, type, liveness, sentinels and other
   * tasks only (query/cell-queries.ts). Not in statsJson.
   */
  aggregateOnly: boolean;
}

export type IndexKind = 'serial' | 'jiffies' | 'none';

/** Jiffies start at 2^32 - 300 * HZ (HZ <= 1000), so a capture by time has no smaller index. */
const JIFFIES_FLOOR = 2 ** 32 - 300 * 1000;

export function indexKind(store: KmapStore): IndexKind {
  if (!store.variant || !LAYOUTS[store.variant].hasIndices) return 'none';
  const alloc = store.objects.allocIndex.data;
  let min = Infinity;
  for (let i = 0; i < store.numObjects; i++) if (alloc[i] !== 0 && alloc[i] < min) min = alloc[i];
  return min !== Infinity && min >= JIFFIES_FLOOR ? 'jiffies' : 'serial';
}

/** `maxNames`: at most that many names per count list (the biggest); the CLI prints them all. */
export function summarize(store: KmapStore, maxNames = Number.POSITIVE_INFINITY): KmapSummary {
  const layout = store.variant ? LAYOUTS[store.variant] : null;
  const counts = (names: readonly string[], c: readonly number[]) =>
    maxNames === Number.POSITIVE_INFINITY ? countsByName(names, c) : Object.fromEntries(topCountPairs(names, c, maxNames).pairs);
  return {
    format: store.variant,
    formatDescription: layout?.description ?? 'unknown',
    objects: store.numObjects,
    accesses: store.numAccesses,
    liveObjects: store.numLive,
    reads: store.reads,
    writes: store.writes,
    bytes: store.bytes,
    badLines: store.numBadLines,
    blankLines: store.numBlankLines,
    firstBadLines: store.badLines.slice(),
    bySlab: layout?.hasSlab ? counts(store.slabs.names(), store.objectsBySlab) : {},
    byType: layout?.hasType ? counts(store.types.names(), store.objectsByType) : {},
    byCommand: counts(store.commands.names(), store.objectsByCommand),
    accessHasPid: layout ? layout.accessPid !== 'none' : false,
    hasIndices: layout?.hasIndices ?? false,
    indexKind: indexKind(store),
    hasType: layout?.hasType ?? false,
    hasSlab: layout?.hasSlab ?? false,
    memory: { objectBytes: store.rowBytes().objects, accessBytes: store.rowBytes().accesses, internBytes: store.internBytes },
    split: store.split ? { ...store.split } : null,
    aggregateOnly: store.fold !== null,
  };
}

/**
 * The exact JSON object `kmap stats --json` prints (the CLI contract). A
 * value above 2^53 - 1 (which a JSON number cannot hold exactly in most
 * readers) is a string with its exact decimal.
 */
export function statsJson(s: KmapSummary) {
  return {
    format: s.format,
    objects: s.objects,
    accesses: s.accesses,
    liveObjects: s.liveObjects,
    reads: exactJson(s.reads),
    writes: exactJson(s.writes),
    bytes: exactJson(s.bytes),
    badLines: s.badLines,
    bySlab: s.bySlab,
    byType: s.byType,
    byCommand: s.byCommand,
  };
}
