// What a store holds in memory, and what it will hold once a whole file is
// read: the one definition the data worker's memory budget uses, both for the
// check while loading and for the estimate it makes from a file's first
// megabytes before reading the rest.
//
// The estimate scales the rows of the part read by the file's size (a kmap's
// lines are alike from start to end) and prices each row at its columns'
// widths (an index column at the width its scaled largest value needs: a
// serial index grows with the file, and jiffies start just below 2^32);
// whether it fits is judged as the running check will judge it (columns at
// their capacity after doubling, with GROWTH_HEADROOM). It is an estimate: a
// file whose head differs from its body moves it.
//
// The same for an aggregate-only load (./access-fold.ts): the object columns,
// the fold's three per-object columns at the widths the part read gives them,
// and its cells. Cells are (IP, slab, type) triples, which saturate as a
// capture goes on, so their count is extrapolated by Heaps' law from their
// growth over the part read (count ~ bytes^beta, beta from the counts at its
// half and at its end: measured on the 1 GB benchmark file, 2,114 cells
// after 1 MiB extrapolate to about 25,000 against 9,152 in the whole file;
// a linear extrapolation gives 927,000).

import { AccessFold, CELL_BYTES, MAX_DENSE_BYTES } from './access-fold.ts';
import type { KmapStore } from './kmap-store.ts';

/** Slack allowed for growth: a column doubles when full, so a store holds up to twice its rows. */
export const GROWTH_HEADROOM = 1.5;

/** Bytes a store holds now: its typed columns (with growth slack) and interning tables. */
export function storeBytes(store: KmapStore): number {
  return store.objectBytes + store.accessBytes + store.internBytes;
}

/** Bytes a store holding rows of `store`'s shape takes as the budget sees it. */
export function budgetBytes(store: KmapStore): number {
  return storeBytes(store) * GROWTH_HEADROOM;
}

export interface StoreEstimate {
  /** Bytes the data will hold once the whole file is read (columns trimmed, interning tables). */
  bytes: number;
  objects: number;
  accessLines: number;
  /**
   * The fraction of the file (0 to 1) that can be read before the data, as
   * budgetBytes() sees it, passes `limit`.
   */
  fitFraction: number;
  /** The same file loaded aggregates only: the bytes it will hold, its cells, and whether it stays under `limit` as budgetBytes() sees it. */
  aggregate: { bytes: number; cells: number; fits: boolean };
}

type Column = KmapStore['objects']['allocIp'] | KmapStore['objects']['vaHi'];

/**
 * Bytes per entry of a column once the file is read. Columns whose values
 * grow through the file (alloc and free indices, the first access line of
 * each object) take the width their largest value so far, scaled, will need;
 * the others keep the width they have.
 */
function widthAfter(column: Column, scale: number, grows: boolean): number {
  const now = column.data.BYTES_PER_ELEMENT;
  if (!grows || now === 8) return now;
  let max = 0;
  for (let i = 0; i < column.length; i++) if (column.data[i] > max) max = column.data[i];
  const projected = max * scale;
  const need = projected <= 0xff ? 1 : projected <= 0xffff ? 2 : projected <= 0xffffffff ? 4 : 8;
  return Math.max(now, need);
}

/** A column's capacity once it holds `rows` entries: it doubles from its present `capacity` when full. */
function capacityFor(capacity: number, rows: number): number {
  capacity = Math.max(1, capacity);
  while (capacity < rows) capacity *= 2;
  return capacity;
}

/** The largest id in data[start, end) plus one: how many ids (first-seen order) those rows had met. */
function idsSeen(column: Column, start: number, end: number): number {
  let max = -1;
  for (let i = start; i < end; i++) if (column.data[i] > max) max = column.data[i];
  return max + 1;
}

/**
 * Bytes the interning tables gained over the second half of the rows read:
 * ids are given in first-seen order, so the ids the first half's rows never
 * reach were new in the second half. A file whose names and IPs repeat (a real
 * capture) gains almost nothing; one with a new command per object gains per
 * object.
 */
function internGrowthOfSecondHalf(store: KmapStore): number {
  const o = store.objects;
  const half = Math.floor(store.numObjects / 2);
  if (half === 0) return 0;
  const halfAccesses = o.accessStart.data[half];
  const share = (size: number, seen: number) => (size > 0 ? (size - Math.min(seen, size)) / size : 0);
  const ipsSeen = Math.max(idsSeen(o.allocIp, 0, half), idsSeen(o.freeIp, 0, half), idsSeen(store.accesses.ip, 0, halfAccesses));
  const typesSeen = Math.max(idsSeen(o.type, 0, half), idsSeen(o.newType, 0, half));
  return (
    store.ips.byteLength * share(store.ips.size, ipsSeen) +
    store.commands.byteLength * share(store.commands.size, idsSeen(o.command, 0, half)) +
    store.slabs.byteLength * share(store.slabs.size, idsSeen(o.slab, 0, half)) +
    store.types.byteLength * share(store.types.size, typesSeen)
  );
}

/**
 * The memory a file of `fileBytes` bytes will take once read, from `store`
 * holding its first `bytesParsed` bytes, and how much of it fits under
 * `limit` bytes as the budget counts them (budgetBytes()). A megabyte or more
 * read gives a stable figure.
 */
export function estimateStore(store: KmapStore, bytesParsed: number, fileBytes: number, limit: number): StoreEstimate {
  const scale = bytesParsed > 0 ? Math.max(1, fileBytes / bytesParsed) : 1;
  const o = store.objects;
  const growing = new Set<Column>([o.allocIndex, o.freeIndex, o.accessStart]);
  const widths = new Map<Column, number>();
  for (const c of [...o.all(), ...store.accesses.all()]) widths.set(c, widthAfter(c, scale, growing.has(c)));
  const objectColumns = o.all();
  const accessColumns = store.accesses.all();
  // Beside the columns: exact values past 2^53 and from:/caller: callers (per row, so scaled), and
  // the interning tables, growing at the rate of the second half of the part read.
  const wideOf = (cs: Column[]) => cs.reduce((n, c) => n + c.byteLength - c.data.byteLength, 0);
  const wide = wideOf([...objectColumns, ...accessColumns]);
  const callers = store.accesses.callers;
  const internPerByte = bytesParsed > 0 ? internGrowthOfSecondHalf(store) / (bytesParsed / 2) : 0;
  /** Bytes beside the columns when `fraction` of the file is read; with `trimmed`, without growth slack. */
  const otherAt = (fraction: number, trimmed: boolean) => {
    const more = Math.max(0, fraction * fileBytes - bytesParsed);
    // The callers' two Uint32 columns (8 bytes an entry) double like the others.
    const callerRows = Math.max(callers.size, Math.round(callers.size * scale * fraction));
    const callerBytes = callers.size === 0 ? callers.byteLength : 8 * (trimmed ? callerRows : capacityFor(callers.byteLength / 8, callerRows));
    return wide * Math.max(1, scale * fraction) + callerBytes + store.internBytes + internPerByte * more;
  };
  const rowsAt = (fraction: number) => ({
    objects: Math.max(store.numObjects, Math.round(store.numObjects * scale * fraction)),
    accessLines: Math.max(store.numAccesses, Math.round(store.numAccesses * scale * fraction)),
  });
  /** What budgetBytes() will see when `fraction` of the file is read. */
  const budgetAt = (fraction: number) => {
    const { objects, accessLines } = rowsAt(fraction);
    const columns =
      objectColumns.reduce((n, c) => n + capacityFor(c.data.length, objects) * widths.get(c)!, 0) +
      accessColumns.reduce((n, c) => n + capacityFor(c.data.length, accessLines) * widths.get(c)!, 0);
    return (columns + otherAt(fraction, false)) * GROWTH_HEADROOM;
  };
  const { objects, accessLines } = rowsAt(1);
  const perObject = objectColumns.reduce((n, c) => n + widths.get(c)!, 0);
  const perAccess = accessColumns.reduce((n, c) => n + widths.get(c)!, 0);
  let fitFraction = 1;
  if (budgetAt(1) > limit) {
    // budgetAt() grows with the fraction: the largest fraction that fits, to
    // a part in 1,000 of itself (not of the file: the text of a gzip bomb may
    // be a million times what fits). 0 when not even the part read fits.
    let lo = 0;
    let hi = 1;
    for (let step = 0; step < 200 && hi - lo > 1e-3 * hi; step++) {
      const mid = (lo + hi) / 2;
      if (budgetAt(mid) > limit) hi = mid;
      else lo = mid;
    }
    fitFraction = lo;
  }
  // Aggregate-only: the part's rows folded (a copy: the store keeps them until the user answers).
  const fold = new AccessFold();
  const half = Math.floor(store.numObjects / 2);
  store.foldRowsInto(fold, 0, half, null);
  const cellsAtHalf = fold.numCells;
  store.foldRowsInto(fold, half, store.numObjects, null);
  const beta = cellsAtHalf > 0 ? Math.min(1, Math.max(0, Math.log2(fold.numCells / cellsAtHalf))) : 1;
  const growth = Math.pow(scale, beta);
  const cells = fold.numCells * growth;
  // An object's sums do not grow through the file, but their largest does with the objects (a heavy tail):
  // the 5 GB benchmark file's head sums fit 2 bytes, the whole file's need 4. So at least 4 bytes for
  // reads and writes, 2 for other-task lines (an over-estimate for a file of small sums: the safe side).
  const perObjectFold = Math.max(4, fold.reads.data.BYTES_PER_ELEMENT) + Math.max(4, fold.writes.data.BYTES_PER_ELEMENT) + Math.max(2, fold.otherLines.data.BYTES_PER_ELEMENT);
  // The cells' arrays double as they fill; the budget sees their capacity. Their dense look-up arrays
  // (one per group, by IP id) grow with the IPs and groups met, as the cells do, up to their cap.
  const cellBytes = (trimmed: boolean) =>
    (trimmed ? cells : capacityFor(256, Math.ceil(cells))) * CELL_BYTES + Math.min(fold.denseBytes * growth, MAX_DENSE_BYTES);
  // Beside them: the object columns' exact values past 2^53 and the interning tables (no callers: not kept).
  const aggregateOther = wideOf(objectColumns) * scale + store.internBytes + internPerByte * Math.max(0, fileBytes - bytesParsed);
  const aggregateBudget =
    (objectColumns.reduce((n, c) => n + capacityFor(c.data.length, objects) * widths.get(c)!, 0) + capacityFor(1024, objects) * perObjectFold + cellBytes(false) + aggregateOther) *
    GROWTH_HEADROOM;
  return {
    bytes: objects * perObject + accessLines * perAccess + otherAt(1, true),
    objects,
    accessLines,
    fitFraction,
    aggregate: { bytes: objects * (perObject + perObjectFold) + cellBytes(true) + aggregateOther, cells, fits: aggregateBudget <= limit },
  };
}
