// An index of a loaded store's access lines for the access sites and the
// matrix: the lines summed per cell of (site, object group), where a group
// is (slab cache, alloc type, live or freed, sentinel alloc IP or not), the
// same cells an aggregate-only load keeps (store/access-fold.ts) but keyed by
// site (the function with symbols, else the IP: ctx.sites()), so that every
// figure of a site or a (site, cache) pair is a sum over cells of different
// groups, whose objects never overlap: distinct objects add up exactly.
//
// Why: the sites and the matrix otherwise read every kept object's lines
// (about 17 ns a line: 0.4-0.5 s for 30 M lines). For a filter the cells
// decide whole (caches, types, live or freed, sentinels, other tasks: the
// filters cell-queries.ts accepts) they are answered from the cells instead,
// in time proportional to the cells (15,818 for 9.9 M objects and 30 M lines
// of the benchmark's file). Other filters still read the lines.
//
// Kept besides the cells' figures (CELL_SUMS, as the fold keeps them):
// - the distinct access pids of each cell, over all its lines and over its
//   other-task lines: a bit per (cell, pid) in two bitmaps, so a site's
//   distinct pids under a filter are the popcount of its kept cells' rows
//   ORed. Past MAX_PID_BITS the bitmaps are dropped and `pidsKnown` is false
//   (the sites then read the lines; the matrix needs no pids);
// - per object, the highest grid row (matrix-grid.ts gridRows: sites in the
//   order of the view's top rows) among its lines' sites, and whether it has
//   an other-task line: what the matrix's "other" row needs, since one
//   object may reach several "other" sites;
// - per group, its objects with a line and with an other-task line: a
//   matrix column's distinct objects (an object is in one group).
//
// Built once per context (ctx.memo), in steps of objects so that the data
// worker can build it after a load between the page's questions
// (warmSiteCells); a question that needs it first has the rest built at once.
// A figure past 2^53 - 1 is summed again exactly at the end (absurd files).

import { CELL_SUMS, GROUP_LIVE, GROUP_SENTINEL, type CellSum } from '../store/access-fold.ts';
import { addEntry, resized } from '../store/columns.ts';
import { ExactSum, MAX_EXACT, type Exact } from '../store/exact.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import type { QueryContext } from './context.ts';
import { sentinelIpMask } from './filter.ts';
import { WARM_STEP_LINES } from './line-passes.ts';
import { gridRows, gridRowsPass } from './matrix-grid.ts';
import { PairCounter } from './pair-counter.ts';
import { densePidIds, densePidPass } from './sites.ts';

const NUM_SUMS = CELL_SUMS.length;
/** Most bits of each pid bitmap (cells x distinct access pids): 32 MiB. */
const MAX_PID_BITS = 1 << 28;
/** Most entries of the groups' dense (site -> cell) arrays in all, 4 bytes each; past it a group uses a Map. */
const MAX_DENSE = 1 << 24;
/**
 * Cells per access line past which the index is given up (with at least
 * MIN_CELL_CAP cells allowed): a cell takes about 100 bytes where a line
 * takes 12, so cells that sum fewer than 8 lines each cost more memory than
 * the time they save (a file of random IPs, as the browser tests generate;
 * a capture has thousands of IPs and hundreds of groups: 16,390 cells for
 * 30 M lines at 10 M objects). Checked as cells are made, and first from
 * the first lines, before anything is allocated (firstCellsSpread).
 */
const MAX_CELL_SHARE = 1 / 8;
const MIN_CELL_CAP = 1 << 16;
/** The first lines that decide, before anything is allocated, whether a file spreads too much (firstCellsSpread), and the lines a cell below which they do. */
const PROBE_LINES = 1 << 18;
const PROBE_SHARE = 4;
/** Most entries of the (slab, type, flags) -> group look-up table, 4 bytes each. */
const MAX_GROUP_TABLE = 1 << 20;
/** Most entries of the (group, highest grid row) object counts, 4 bytes each (16 MiB); past it none are kept. */
const MAX_ROW_COUNTS = 1 << 22;

interface Group {
  readonly id: number;
  readonly slab: number;
  readonly type: number;
  readonly flags: number;
  /** cell + 1 by site id (0: none yet), or null: `map`. */
  readonly dense: Int32Array | null;
  readonly map: Map<number, number> | null;
}

export class SiteCells {
  readonly numSites: number;
  numCells = 0;
  /** Per cell: its site id, slab id, type id, group flags, group id; NUM_SUMS figures each (CELL_SUMS order). */
  cellSite = new Int32Array(256);
  cellSlab = new Uint32Array(256);
  cellType = new Uint32Array(256);
  cellFlags = new Uint8Array(256);
  cellGroup = new Uint32Array(256);
  sums = new Float64Array(256 * NUM_SUMS);
  /** The cells of each site: cellsOfSite.slice(siteStart[s], siteStart[s + 1]), made when done. */
  siteStart = new Uint32Array(0);
  cellsOfSite = new Uint32Array(0);
  /** Whether the pid bitmaps were kept (false past MAX_PID_BITS, or pids too large to number densely). */
  pidsKnown: boolean;
  /** Words per cell's row of a pid bitmap. */
  readonly pidWords: number;
  /** The row counts of each group while building (null entries past MAX_ROW_COUNTS). */
  private groupRows: (Uint32Array | null)[] = [];
  /** Bit (cell, dense pid): some line of the cell is by that pid; and some other-task line. */
  pidBits: Uint32Array | null;
  otherPidBits: Uint32Array | null;
  /**
   * Per object: the highest grid row (gridRows) of its lines' sites, `noRow`
   * without lines; 2 bytes an object while the sites fit (20 MB at 10 M objects).
   */
  highestRow: Uint16Array | Uint32Array;
  readonly noRow: number;
  /** Per object, a bit: it has a line by a task other than the allocating one. */
  hasOther: Uint32Array;
  /** The groups: slab id, type id and flags of each, and how many objects of each have a line, and an other-task line. */
  numGroups = 0;
  groupSlab = new Uint32Array(0);
  groupType = new Uint32Array(0);
  groupFlags = new Uint8Array(0);
  groupObjects: number[] = [];
  groupOtherObjects: number[] = [];
  /**
   * Objects with a line by (group, highest grid row): rowCounts[g * numSites
   * + row], or null past MAX_ROW_COUNTS. When a view's top rows are the
   * grid's first rows (the whole store's view: gridRows orders sites so),
   * its "other" row's objects are those counts summed past the top rows.
   */
  rowCounts: Uint32Array | null = null;
  /** Site id -> its grid row (matrix-grid.ts gridRows), as the objects' highest rows use it. */
  readonly gridRow: Int32Array;

  /** Exact figures of the cells past 2^53 - 1, by cell * NUM_SUMS + figure (made when done). */
  private exact = new Map<number, Exact>();
  private lastObject = new Int32Array(256).fill(-1);
  private lastOtherObject = new Int32Array(256).fill(-1);
  private readonly groups = new Map<number, Group>();
  private readonly groupList: Group[] = [];
  /** Group id + 1 by (slab * tableTypes + type) * 4 + flags (0: not looked up yet), or null when the pairs are too many. */
  private groupTable: Int32Array | null;
  private readonly tableSlabs: number;
  private readonly tableTypes: number;
  private denseEntries = 0;
  private readonly pidId: Int32Array;
  private sentinel: Uint8Array;
  private next = 0;

  /** The store's size it indexes (stampOf). */
  readonly stamp: string;
  /** False once abandoned (too many cells for the lines: abandon()). */
  usable = true;
  /** Cells past which the index is abandoned. */
  private readonly maxCells: number;

  constructor(
    private readonly ctx: QueryContext,
    private readonly maxDense = MAX_DENSE,
    private readonly maxPidBits = MAX_PID_BITS,
    private readonly maxRowCounts = MAX_ROW_COUNTS,
    maxCells?: number,
  ) {
    const store = ctx.store;
    if (store.fold) throw new Error('an aggregate-only store has no access lines to index');
    this.stamp = stampOf(ctx);
    this.maxCells = maxCells ?? Math.max(MIN_CELL_CAP, store.numAccesses * MAX_CELL_SHARE);
    this.numSites = ctx.sites().numSites;
    this.gridRow = gridRows(ctx);
    const dense = densePidIds(ctx);
    this.pidId = dense?.idOf ?? new Int32Array(0);
    this.pidWords = Math.max(1, Math.ceil((dense?.count ?? 0) / 32));
    this.sentinel = sentinelIpMask(store);
    this.noRow = this.numSites < 0xffff ? 0xffff : 0xffffffff;
    // A file whose first lines already spread over too many cells is not indexed: nothing is allocated for it.
    const spread = maxCells === undefined && this.firstCellsSpread();
    // Numbered pids, and room for the first 256 cells' rows within the cap (a million pids would pass it at once).
    this.pidsKnown = !spread && dense !== null && 256 * this.pidWords * 32 <= this.maxPidBits;
    this.pidBits = this.pidsKnown ? new Uint32Array(256 * this.pidWords) : null;
    this.otherPidBits = this.pidsKnown ? new Uint32Array(256 * this.pidWords) : null;
    const objects = spread ? 0 : store.numObjects;
    this.highestRow = this.numSites < 0xffff ? new Uint16Array(objects) : new Uint32Array(objects);
    this.hasOther = new Uint32Array(Math.ceil(objects / 32));
    if (spread) this.usable = false;
    this.tableSlabs = Math.max(1, store.slabs.size);
    this.tableTypes = Math.max(1, store.types.size);
    this.groupTable = !spread && this.tableSlabs * this.tableTypes * 4 <= MAX_GROUP_TABLE ? new Int32Array(this.tableSlabs * this.tableTypes * 4) : null;
    if (spread) this.abandon();
  }

  /**
   * Whether the first PROBE_LINES lines already spread over more than
   * MIN_CELL_CAP (site, group) cells, fewer than PROBE_SHARE lines a cell:
   * a file of random IPs, whose cells would pass the cap, given up before
   * anything of the index is allocated (the transient arrays of one given up
   * on the way stayed in the tab's resident memory). Counted apart in typed
   * arrays (a JS heap grown by a quarter of a million keys stays too). A
   * capture's cells appear early too, but are far fewer: this decides on
   * many cells at a low share only, and the cap itself (maxCells) on the
   * whole build.
   */
  private firstCellsSpread(): boolean {
    const store = this.ctx.store;
    const o = store.objects;
    const siteOf = this.ctx.sites().siteOf;
    const starts = o.accessStart.data;
    const ip = store.accesses.ip.data;
    const seen = new PairCounter(1 << 12);
    const groupIds = new Map<number, number>();
    const n = store.numObjects;
    let lines = 0;
    for (let i = 0; i < n && lines < PROBE_LINES && seen.size <= MIN_CELL_CAP; i++) {
      const start = starts[i];
      const end = Math.min(i + 1 < n ? starts[i + 1] : store.numAccesses, start + PROBE_LINES - lines);
      if (end === start) continue;
      const flags = (store.isLive(i) ? GROUP_LIVE : 0) | (this.sentinel[o.allocIp.data[i]] === 1 ? GROUP_SENTINEL : 0);
      const key = (o.slab.data[i] * 0x100000 + o.type.data[i]) * 4 + flags;
      let group = groupIds.get(key);
      if (group === undefined) groupIds.set(key, (group = groupIds.size));
      for (let a = start; a < end && seen.size <= MIN_CELL_CAP; a++) seen.add(group, siteOf[ip[a]], 1);
      lines += end - start;
    }
    return seen.size > MIN_CELL_CAP && seen.size * PROBE_SHARE > lines;
  }

  get done(): boolean {
    return !this.usable || this.next >= this.highestRow.length;
  }

  /** Objects not indexed yet (0 once done). */
  get objectsToGo(): number {
    return this.done ? 0 : this.highestRow.length - this.next;
  }

  /** Indexes the next `count` objects' lines (at most: to the last); true once every object is. */
  step(count: number): boolean {
    // Done once: finish() lets go of what the build needed, and must not run again.
    if (this.done) return true;
    const store: KmapStore = this.store;
    const n = this.highestRow.length;
    const to = Math.min(n, this.next + count);
    const o = store.objects;
    const starts = o.accessStart.data;
    const objSlab = o.slab.data;
    const objType = o.type.data;
    const objPid = o.pid.data;
    const allocIp = o.allocIp.data;
    const accIp = store.accesses.ip.data;
    const accPid = store.accesses.pid.data;
    const accR = store.accesses.reads.data;
    const accW = store.accesses.writes.data;
    const siteOf = this.ctx.sites().siteOf;
    const gridRow = this.gridRow;
    const pidId = this.pidId;
    const words = this.pidWords;
    const highestRow = this.highestRow;
    const hasOther = this.hasOther;
    // The cells' arrays in locals (read again when a new cell may have grown them).
    let sums = this.sums;
    let lastObject = this.lastObject;
    let lastOtherObject = this.lastOtherObject;
    let pidBits = this.pidBits;
    let otherPidBits = this.otherPidBits;
    let group: Group | null = null;
    for (let i = this.next; i < to; i++) {
      const start = starts[i];
      const end = i + 1 < n ? starts[i + 1] : store.numAccesses;
      if (end === start) {
        highestRow[i] = this.noRow;
        continue;
      }
      const flags = (store.isLive(i) ? GROUP_LIVE : 0) | (this.sentinel[allocIp[i]] === 1 ? GROUP_SENTINEL : 0);
      if (group === null || group.slab !== objSlab[i] || group.type !== objType[i] || group.flags !== flags) group = this.groupOf(objSlab[i], objType[i], flags);
      const dense = group.dense;
      const owner = objPid[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS;
      let high = 0;
      let other = false;
      for (let a = start; a < end; a++) {
        const s = siteOf[accIp[a]];
        let cell = dense !== null ? dense[s] - 1 : (group.map!.get(s) ?? -1);
        if (cell < 0) {
          cell = this.newCell(group, s);
          if (this.numCells > this.maxCells) return this.abandon();
          sums = this.sums;
          lastObject = this.lastObject;
          lastOtherObject = this.lastOtherObject;
          pidBits = this.pidBits;
          otherPidBits = this.otherPidBits;
        }
        const base = cell * NUM_SUMS;
        const r = accR[a];
        const w = accW[a];
        sums[base]++;
        sums[base + 1] += r;
        sums[base + 2] += w;
        if (lastObject[cell] !== i) {
          lastObject[cell] = i;
          sums[base + 3]++;
        }
        const code = accPid[a];
        if (code !== ACCESS_PID_NONE) {
          const p = pidId[code];
          const bit = 1 << (p & 31);
          const word = cell * words + (p >>> 5);
          if (pidBits !== null) pidBits[word] |= bit;
          if (code !== owner) {
            other = true;
            sums[base + 4]++;
            sums[base + 5] += r;
            sums[base + 6] += w;
            if (lastOtherObject[cell] !== i) {
              lastOtherObject[cell] = i;
              sums[base + 7]++;
            }
            if (otherPidBits !== null) otherPidBits[word] |= bit;
          }
        }
        const row = gridRow[s];
        if (row > high) high = row;
      }
      highestRow[i] = high;
      this.groupObjects[group.id]++;
      const rows = this.groupRows[group.id];
      if (rows !== null) rows[high]++;
      if (other) {
        hasOther[i >>> 5] |= 1 << (i & 31);
        this.groupOtherObjects[group.id]++;
      }
    }
    this.next = to;
    if (this.done) this.finish(); // the step that indexed the last object
    return this.done;
  }

  /**
   * Too many cells for the lines (MAX_CELL_SHARE): the cells would take
   * more memory than they save time. Everything is let go, the index is
   * done and not `usable`, and the sites and the matrix read the lines.
   */
  private abandon(): true {
    this.usable = false;
    this.numCells = 0;
    this.cellSite = new Int32Array(0);
    this.cellSlab = new Uint32Array(0);
    this.cellType = new Uint32Array(0);
    this.cellFlags = new Uint8Array(0);
    this.cellGroup = new Uint32Array(0);
    this.sums = new Float64Array(0);
    this.pidBits = null;
    this.otherPidBits = null;
    this.pidsKnown = false;
    this.highestRow = new Uint16Array(0);
    this.hasOther = new Uint32Array(0);
    this.lastObject = new Int32Array(0);
    this.lastOtherObject = new Int32Array(0);
    this.groups.clear();
    this.groupList.length = 0;
    this.groupRows = [];
    this.groupTable = null;
    this.sentinel = new Uint8Array(0);
    this.next = 0;
    return true;
  }

  /** Whether object i has a line by a task other than the allocating one. */
  otherOf(i: number): boolean {
    return (this.hasOther[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** The exact value of figure `sum` of `cell`. */
  cellValue(cell: number, sum: CellSum): Exact {
    const k = CELL_SUMS.indexOf(sum);
    return this.exact.get(cell * NUM_SUMS + k) ?? this.sums[cell * NUM_SUMS + k];
  }

  private get store(): KmapStore {
    return this.ctx.store;
  }

  /** Once every object is in: the cells by site, arrays cut to their use, and exact figures where a double lost count. */
  private finish(): void {
    const c = this.numCells;
    this.cellSite = this.cellSite.slice(0, c);
    this.cellSlab = this.cellSlab.slice(0, c);
    this.cellType = this.cellType.slice(0, c);
    this.cellFlags = this.cellFlags.slice(0, c);
    this.cellGroup = this.cellGroup.slice(0, c);
    this.sums = this.sums.slice(0, c * NUM_SUMS);
    if (this.pidBits) this.pidBits = this.pidBits.slice(0, c * this.pidWords);
    if (this.otherPidBits) this.otherPidBits = this.otherPidBits.slice(0, c * this.pidWords);
    this.lastObject = new Int32Array(0);
    this.lastOtherObject = new Int32Array(0);
    this.numGroups = this.groups.size;
    this.groupSlab = new Uint32Array(this.numGroups);
    this.groupType = new Uint32Array(this.numGroups);
    this.groupFlags = new Uint8Array(this.numGroups);
    for (const g of this.groups.values()) {
      this.groupSlab[g.id] = g.slab;
      this.groupType[g.id] = g.type;
      this.groupFlags[g.id] = g.flags;
    }
    if (this.groupRows.every((r) => r !== null)) {
      this.rowCounts = new Uint32Array(this.numGroups * this.numSites);
      this.groupRows.forEach((r, g) => this.rowCounts!.set(r!, g * this.numSites));
    }
    this.groupRows = [];
    this.siteStart = new Uint32Array(this.numSites + 1);
    for (let k = 0; k < c; k++) this.siteStart[this.cellSite[k] + 1]++;
    for (let s = 0; s < this.numSites; s++) this.siteStart[s + 1] += this.siteStart[s];
    const fill = this.siteStart.slice(0, this.numSites);
    this.cellsOfSite = new Uint32Array(c);
    for (let k = 0; k < c; k++) this.cellsOfSite[fill[this.cellSite[k]]++] = k;
    this.exactPast53();
    // What only the build needed (the groups' look-ups: up to 64 MiB of dense arrays).
    this.groups.clear();
    this.groupList.length = 0;
    this.groupTable = null;
  }

  /** Bytes this index holds (QueryContext.heldBytes), its cells, bitmaps and per-object arrays; not the pid ids and grid rows, which are the context's own. */
  heldBytes(): number {
    let n = 0;
    for (const [key, v] of Object.entries(this)) if (ArrayBuffer.isView(v) && key !== 'pidId' && key !== 'gridRow') n += v.byteLength;
    return n;
  }

  /** Reads and writes of cells whose double sums passed 2^53 - 1, summed again exactly from the lines. */
  private exactPast53(): void {
    const wanted = new Map<number, ExactSum>();
    for (let k = 0; k < this.numCells; k++) {
      for (const f of [1, 2, 5, 6]) if (this.sums[k * NUM_SUMS + f] > MAX_EXACT) wanted.set(k * NUM_SUMS + f, new ExactSum());
    }
    if (wanted.size === 0) return;
    const store = this.store;
    const siteOf = this.ctx.sites().siteOf;
    for (let i = 0; i < store.numObjects; i++) {
      const [start, end] = store.accessRange(i);
      if (end === start) continue;
      const flags = (store.isLive(i) ? GROUP_LIVE : 0) | (this.sentinel[store.objects.allocIp.data[i]] === 1 ? GROUP_SENTINEL : 0);
      const g = this.groupOf(store.objects.slab.data[i], store.objects.type.data[i], flags);
      const owner = store.objects.pid.data[i] - OBJECT_PID_BIAS + ACCESS_PID_BIAS;
      for (let a = start; a < end; a++) {
        const s = siteOf[store.accesses.ip.data[a]];
        const cell = g.dense !== null ? g.dense[s] - 1 : g.map!.get(s)!;
        const code = store.accesses.pid.data[a];
        const other = code !== ACCESS_PID_NONE && code !== owner;
        for (const [f, col] of [[1, store.accesses.reads], [2, store.accesses.writes], [5, store.accesses.reads], [6, store.accesses.writes]] as const) {
          if (f >= 5 && !other) continue;
          const e = wanted.get(cell * NUM_SUMS + f);
          if (e) addEntry(e, col, a);
        }
      }
    }
    for (const [at, e] of wanted) this.exact.set(at, e.value);
  }

  /** The group of (slab, type, flags), made when new. */
  private groupOf(slab: number, type: number, flags: number): Group {
    // Most objects change group from the last: a dense look-up while the (slab, type) pairs are few.
    const t = this.groupTable;
    const at = t !== null && slab < this.tableSlabs && type < this.tableTypes ? (slab * this.tableTypes + type) * 4 + flags : -1;
    if (at >= 0 && t![at] > 0) return this.groupList[t![at] - 1];
    // Ids are below 2^20 (an interner's cap): the key stays an exact double.
    const key = (slab * 0x100000 + type) * 4 + flags;
    let g = this.groups.get(key);
    if (!g) {
      const dense = this.denseEntries + this.numSites <= this.maxDense;
      if (dense) this.denseEntries += this.numSites;
      g = { id: this.groups.size, slab, type, flags, dense: dense ? new Int32Array(this.numSites) : null, map: dense ? null : new Map() };
      this.groups.set(key, g);
      this.groupObjects.push(0);
      this.groupOtherObjects.push(0);
      this.groupRows.push((this.groups.size + 1) * this.numSites <= this.maxRowCounts ? new Uint32Array(this.numSites) : null);
      this.groupList.push(g);
    }
    if (at >= 0) t![at] = g.id + 1;
    return g;
  }

  private newCell(g: Group, site: number): number {
    const c = this.numCells++;
    if (g.dense !== null) g.dense[site] = c + 1;
    else g.map!.set(site, c);
    if (c === this.cellSite.length) this.resizeCells(c * 2);
    this.cellSite[c] = site;
    this.cellSlab[c] = g.slab;
    this.cellType[c] = g.type;
    this.cellFlags[c] = g.flags;
    this.cellGroup[c] = g.id;
    return c;
  }

  private resizeCells(capacity: number): void {
    this.cellSite = resized(this.cellSite, capacity);
    this.cellSlab = resized(this.cellSlab, capacity);
    this.cellType = resized(this.cellType, capacity);
    this.cellFlags = resized(this.cellFlags, capacity);
    this.cellGroup = resized(this.cellGroup, capacity);
    this.sums = resized(this.sums, capacity * NUM_SUMS);
    this.lastObject = resized(this.lastObject, capacity, -1);
    this.lastOtherObject = resized(this.lastOtherObject, capacity, -1);
    if (this.pidBits !== null) {
      if (capacity * this.pidWords * 32 > this.maxPidBits) {
        // Too many (cell, pid) pairs to keep as bits: the sites read the lines for their pids.
        this.pidBits = null;
        this.otherPidBits = null;
        this.pidsKnown = false;
      } else {
        this.pidBits = resized(this.pidBits, capacity * this.pidWords);
        this.otherPidBits = resized(this.otherPidBits!, capacity * this.pidWords);
      }
    }
  }
}

/** What an index is of: a store that grew (objects, lines or IPs: a file still loading) needs a new one. */
const stampOf = (ctx: QueryContext) => `${ctx.store.numObjects}:${ctx.store.numAccesses}:${ctx.store.ips.size}`;

/** Indexes begun in steps, per context (once done, the same object is the context's memo). */
const begun = new WeakMap<QueryContext, SiteCells>();

function cellsOf(ctx: QueryContext): SiteCells {
  let cells = begun.get(ctx);
  if (!cells || cells.stamp !== stampOf(ctx)) {
    cells = new SiteCells(ctx);
    begun.set(ctx, cells);
  }
  return cells;
}

/** The context's index, complete (the rest of a warm-up built at once). */
export function siteCells(ctx: QueryContext): SiteCells {
  return ctx.memo('siteCells', () => {
    const cells = cellsOf(ctx);
    cells.step(Number.POSITIVE_INFINITY);
    return cells;
  });
}

/** Objects the context's index has still to index: every object before it began, 0 once complete (or given up). */
export function siteCellsToGo(ctx: QueryContext): number {
  const cells = begun.get(ctx);
  return cells && cells.stamp === stampOf(ctx) ? cells.objectsToGo : ctx.store.numObjects;
}

/** Indexes the next `count` objects of the context's index (after the passes over every line it needs, `lines` a turn); true once it is complete (and the context's memo). */
export function warmSiteCells(ctx: QueryContext, count: number, lines = WARM_STEP_LINES): boolean {
  // First the passes over every line it begins with, in turns of their own (line-passes.ts).
  if (!densePidPass(ctx).step(lines) || !gridRowsPass(ctx).step(lines)) return false;
  const cells = cellsOf(ctx);
  if (!cells.step(count)) return false;
  siteCells(ctx);
  return true;
}
