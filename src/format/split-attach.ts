// The last step of reading the split CSV pair: the access rows, read in the
// accesses file's order and kept apart from the store while that file loads,
// become the store's access columns in the order a kmap gives them (each
// object's rows together, objects in the allocations order, an object's
// rows in their file order), and the IPs get the ids a kmap's order of lines
// gives them. The store is then the store of the equivalent variant-E kmap,
// column for column and id for id.
//
// Why rows wait apart: the store's invariant (object o owns access lines
// [accessStart[o], accessStart[o + 1])) cannot hold for rows in any order
// while they arrive, and the page queries the store while it loads. Until
// this step its objects have no access lines.
//
// Memory: the grouping is a counting sort. Rows arrive with the object they
// joined (`owners`); when the owners never decrease (Memorizer prints both
// files by one walk, so they usually do not) the rows are in place already
// and only the per-object counts are needed. Otherwise each column is
// scattered once through one Uint32Array of destinations (4 bytes a row,
// made in place of the owners), holding one extra column at a time. The IP
// renumbering holds 4 bytes per distinct IP.

import type { AccessColumns, KmapStore } from '../store/kmap-store.ts';
import type { AdaptiveUintColumn } from '../store/columns.ts';

export interface PendingAccesses {
  readonly columns: AccessColumns;
  /** Rows per object, by object index (numObjects entries). */
  readonly counts: Uint32Array;
  /** The object of every row, in row order; null when they never decreased (rows already grouped). */
  readonly owners: Uint32Array | null;
  readonly readsNear: number;
  readonly writesNear: number;
}

/** Makes `pending` the store's access columns, grouped by object, and renumbers the IPs in kmap order. */
export function attachAccesses(store: KmapStore, pending: PendingAccesses): void {
  const n = store.numObjects;
  const rows = pending.columns.ip.length;
  // counts -> each object's first row (exclusive prefix sums), set as accessStart.
  const next = pending.counts;
  let at = 0;
  const start = store.objects.accessStart;
  for (let o = 0; o < n; o++) {
    const c = next[o];
    next[o] = at;
    start.set(o, at);
    at += c;
  }
  if (at !== rows) throw new Error(`split CSV: ${rows} access rows but ${at} counted`);
  if (pending.owners) {
    // Stable: rows of one object keep their file order.
    const dest = pending.owners;
    for (let i = 0; i < rows; i++) dest[i] = next[dest[i]]++;
    for (const c of pending.columns.all()) c.scatter(dest);
  }
  store.accesses = pending.columns;
  store.readsNear += pending.readsNear;
  store.writesNear += pending.writesNear;
  renumberIps(store);
}

const UNSEEN = 0xffffffff;

/**
 * Gives the IPs the ids a kmap parse gives them: first-seen order over the
 * objects in order, each object's alloc IP, free IP, then its access IPs.
 */
export function renumberIps(store: KmapStore): void {
  const ips = store.ips;
  const size = ips.size;
  const newIdOf = new Uint32Array(size).fill(UNSEEN);
  let next = 0;
  const o = store.objects;
  const allocIp = o.allocIp.data;
  const freeIp = o.freeIp.data;
  const accessIp = store.accesses.ip.data;
  for (let i = 0; i < store.numObjects; i++) {
    if (newIdOf[allocIp[i]] === UNSEEN) newIdOf[allocIp[i]] = next++;
    if (newIdOf[freeIp[i]] === UNSEEN) newIdOf[freeIp[i]] = next++;
    const [s, e] = store.accessRange(i);
    for (let a = s; a < e; a++) if (newIdOf[accessIp[a]] === UNSEEN) newIdOf[accessIp[a]] = next++;
  }
  // Every interned IP is in a column; should one not be, it keeps its order after the others.
  let identity = true;
  for (let id = 0; id < size; id++) {
    if (newIdOf[id] === UNSEEN) newIdOf[id] = next++;
    if (newIdOf[id] !== id) identity = false;
  }
  if (identity) return;
  ips.renumber(newIdOf);
  remap(o.allocIp, store.numObjects, newIdOf);
  remap(o.freeIp, store.numObjects, newIdOf);
  remap(store.accesses.ip, store.numAccesses, newIdOf);
}

function remap(col: AdaptiveUintColumn, n: number, newIdOf: Uint32Array): void {
  for (let i = 0; i < n; i++) col.set(i, newIdOf[col.data[i]]);
}
