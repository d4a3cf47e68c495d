// What an aggregate-only load keeps of the access lines instead of the lines
// themselves: a kmap too big for the tab can still be read whole when its
// access lines (most of its memory: 93.8 M of them at 5 GB) are summed as
// they are parsed.
//
// Kept, for every access line folded:
// - per object: the sums of its lines' reads and writes, and how many of its
//   lines are by a task other than the allocating one (an access pid that is
//   neither absent nor the object's own: the sites' otherTasks rule). Its
//   line count needs no column: the store's accessStart stays the running
//   count of lines, so accessRange() still gives how many an object has;
// - per cell (access IP, and the object's group: its slab cache, alloc type,
//   liveness at the end of the capture and whether its alloc IP is a
//   sentinel): access lines, reads, writes and distinct objects, once over
//   every line and once over the other-task lines only.
//
// So everything about objects stays exact under every filter (their sums are
// per object), and the access sites and the matrix can be answered for
// filters on caches, types, live or freed, sentinels and other tasks (a
// cell's objects share all four), by IP: an object's lines are contiguous, so a cell counts an
// object when its last-counted object differs. What is lost: each line's
// pid, reads and writes apart from its cell, the `caller:` IPs, and which
// objects share an IP with which (distinct objects of a site made of several
// IPs, as symbols make functions, cannot be told from per-IP counts).
//
// A fold made with sumsOnly() keeps the per-object part alone: no cells, and
// the lines' IPs are not even interned (sumLine). That is what the command
// line's object queries read (stats, breakdown, lifetimes, live, quality: all
// answered from per-object figures), at about 2 bytes a line against 12 for
// the lines kept. Its cells are empty, so nothing may ask it for sites: the
// cell queries refuse it (keepsCells).
//
// Invariants: `lines` is the number of lines folded and the store's
// numAccesses; a sum is a double while it stays at or below 2^53 - 1 and is
// kept exact beside it past that (per object in the column's `wide` map, per
// cell in `exact`), as the store's own columns do.

import { AdaptiveUintColumn, resized, type UintArray } from './columns.ts';
import { ExactSum, MAX_EXACT, type Exact } from './exact.ts';

/** Bytes a cell takes: eight 8-byte figures, its keys and flags, two last-object marks and an entry in a Map (an upper bound: most groups find cells in a dense array, counted apart). */
export const CELL_BYTES = 8 * 8 + 4 * 4 + 1 + 2 * 4 + 48;

/** Bits of a group's flags (AccessFold.cellFlags). */
export const GROUP_LIVE = 1;
export const GROUP_SENTINEL = 2;

/** The figures of a cell, in `sums` order. */
export const CELL_SUMS = ['lines', 'reads', 'writes', 'objects', 'otherLines', 'otherReads', 'otherWrites', 'otherObjects'] as const;
export type CellSum = (typeof CELL_SUMS)[number];
const READS = 1;
const WRITES = 2;
const OTHER_READS = 5;
const OTHER_WRITES = 6;
const NUM_SUMS = CELL_SUMS.length;

/** Entries of the groups' dense cell arrays in all (4 bytes each). */
const MAX_DENSE = 1 << 24;
/** The most the dense cell arrays take (the memory estimate's cap). */
export const MAX_DENSE_BYTES = MAX_DENSE * 4;

interface Group {
  readonly id: number;
  readonly slab: number;
  readonly type: number;
  readonly flags: number;
  dense: Int32Array | null;
  map: Map<number, number> | null;
}

/**
 * A fold as plain data, for structured clone (a parsing worker's range:
 * store/store-parts.ts): its per-object columns, its cells, and their exact
 * figures past 2^53 - 1 as [cell * CELL_SUMS.length + figure, value].
 */
export interface FoldPart {
  readonly lines: number;
  readonly reads: { readonly data: UintArray; readonly length: number; readonly wide: ReadonlyMap<number, bigint> | null };
  readonly writes: { readonly data: UintArray; readonly length: number; readonly wide: ReadonlyMap<number, bigint> | null };
  readonly otherLines: { readonly data: UintArray; readonly length: number; readonly wide: ReadonlyMap<number, bigint> | null };
  readonly numCells: number;
  readonly cellIp: Uint32Array;
  readonly cellSlab: Uint32Array;
  readonly cellType: Uint32Array;
  readonly cellFlags: Uint8Array;
  readonly sums: Float64Array;
  readonly exact: readonly (readonly [number, bigint])[];
}

export class AccessFold {
  /** Access lines folded: the store's numAccesses. */
  lines = 0;
  /** Per object: the sum of its lines' reads. */
  readonly reads = new AdaptiveUintColumn(1024, 'u8');
  /** Per object: the sum of its lines' writes. */
  readonly writes = new AdaptiveUintColumn(1024, 'u8');
  /** Per object: its lines by a task other than the allocating one. */
  readonly otherLines = new AdaptiveUintColumn(1024, 'u8');

  /**
   * Cells: their IP id, slab id, type id, flags (GROUP_LIVE, GROUP_SENTINEL)
   * and group (a dense id per (slab, type, flags): an object is in one
   * group, so two cells of one group with other IPs may share objects, two
   * of different groups never), and NUM_SUMS figures each (CELL_SUMS order).
   */
  numCells = 0;
  cellIp = new Uint32Array(256);
  cellSlab = new Uint32Array(256);
  cellType = new Uint32Array(256);
  cellFlags = new Uint8Array(256);
  cellGroup = new Uint32Array(256);
  sums = new Float64Array(256 * NUM_SUMS);
  /** Exact figures of the cells whose sums passed 2^53 - 1, by cell * NUM_SUMS + figure. */
  private readonly exact = new Map<number, ExactSum>();
  /** The last object counted in each cell, over all its lines and over its other-task lines. */
  private lastObject = new Int32Array(256).fill(-1);
  private lastOtherObject = new Int32Array(256).fill(-1);
  /**
   * The group id and the cells of each (slab, type), by IP id: cell + 1 in a
   * dense array (0: none yet) while all groups' arrays together stay under
   * MAX_DENSE entries (a capture has thousands of IPs and about a hundred
   * groups), else in a Map (a file with very many of both).
   */
  private readonly groups = new Map<number | string, Group>();
  private denseEntries = 0;

  /**
   * `maxDense`: entries of the dense cell arrays in all before groups use
   * Maps (a test sets it low). `keepsCells`: false for sumsOnly().
   */
  constructor(
    private readonly maxDense = MAX_DENSE,
    readonly keepsCells = true,
  ) {}

  /** A fold of the per-object sums alone: lines go to sumLine(), no cells are kept (see the header). */
  static sumsOnly(): AccessFold {
    return new AccessFold(0, false);
  }

  // The object lines are folded into now.
  private object = -1;
  private owner = 0;
  private cells: Group | null = null;
  private objReads = 0;
  private objWrites = 0;
  private objExact: { reads: ExactSum; writes: ExactSum } | null = null;

  /**
   * Starts object `index` (the store's next): its slab and type ids as
   * stored, its access-pid code as an owner (pid + 2), and its flags
   * (GROUP_LIVE when never freed, GROUP_SENTINEL when its alloc IP is a
   * sentinel: the filters' rules, which the callers apply).
   */
  startObject(index: number, slab: number, type: number, ownerCode: number, flags: number): void {
    this.object = index;
    this.owner = ownerCode;
    this.reads.push(0);
    this.writes.push(0);
    this.otherLines.push(0);
    this.objReads = 0;
    this.objWrites = 0;
    this.objExact = null;
    if (!this.keepsCells) return;
    const g = this.cells;
    if (g === null || slab !== g.slab || type !== g.type || flags !== g.flags) this.cells = this.groupOf(slab, type, flags);
  }

  /**
   * Folds one access line of the current object. pidCode: the stored access
   * pid (0 for none); `bigWrites` and `bigReads`: exact values of counts
   * above 2^53 - 1 (else ignored).
   */
  line(ip: number, pidCode: number, writes: number, reads: number, bigWrites: bigint, bigReads: bigint): void {
    if (!this.keepsCells) return this.sumLine(pidCode, writes, reads, bigWrites, bigReads);
    this.lines++;
    const o = this.object;
    // A line follows its object's startObject (a later range of a parallel parse starts at an object line).
    // cellAt's dense look-up inline first: a call a line cost the fold 5% of the parse.
    const g = this.cells!;
    const dense = g.dense;
    const known = dense !== null && ip < dense.length ? dense[ip] - 1 : -1;
    const cell = known >= 0 ? known : this.cellAt(g, ip);
    const s = this.sums;
    const base = cell * NUM_SUMS;
    s[base]++;
    this.addSum(cell, READS, reads, bigReads);
    this.addSum(cell, WRITES, writes, bigWrites);
    if (this.lastObject[cell] !== o) {
      this.lastObject[cell] = o;
      s[base + 3]++;
    }
    if (pidCode !== 0 && pidCode !== this.owner) {
      s[base + 4]++;
      this.addSum(cell, OTHER_READS, reads, bigReads);
      this.addSum(cell, OTHER_WRITES, writes, bigWrites);
      if (this.lastOtherObject[cell] !== o) {
        this.lastOtherObject[cell] = o;
        s[base + 7]++;
      }
      this.otherLines.set(o, this.otherLines.data[o] + 1);
    }
    this.addToObject(o, reads, writes, bigReads, bigWrites);
  }

  /**
   * Folds one access line of the current object into its sums alone (a fold
   * that keeps no cells: the line's IP is not needed, so the parser does not
   * intern it). Arguments as line().
   */
  sumLine(pidCode: number, writes: number, reads: number, bigWrites: bigint, bigReads: bigint): void {
    this.lines++;
    const o = this.object;
    if (pidCode !== 0 && pidCode !== this.owner) this.otherLines.set(o, this.otherLines.data[o] + 1);
    this.addToObject(o, reads, writes, bigReads, bigWrites);
  }

  private addToObject(o: number, reads: number, writes: number, bigReads: bigint, bigWrites: bigint): void {
    const r = this.objReads + reads;
    const w = this.objWrites + writes;
    if (r <= MAX_EXACT && w <= MAX_EXACT && this.objExact === null) {
      this.objReads = r;
      this.objWrites = w;
      this.reads.set(o, r);
      this.writes.set(o, w);
    } else {
      this.objectPastExact(reads, writes, bigReads, bigWrites);
    }
  }

  /** Room for `objects` objects' sums (appends up to them copy no column). */
  reserveObjects(objects: number): void {
    this.reads.reserve(objects);
    this.writes.reserve(objects);
    this.otherLines.reserve(objects);
  }

  /**
   * This fold as plain data; its per-object columns are taken, not copied
   * (the fold must not be used after they are transferred), its cells copied
   * to their count (their arrays double as they fill: half of what would be
   * transferred, and held at the stitch, could be slack).
   */
  toPart(): FoldPart {
    const col = (c: AdaptiveUintColumn) => ({ data: c.data, length: c.length, wide: c.wide });
    return {
      lines: this.lines,
      reads: col(this.reads),
      writes: col(this.writes),
      otherLines: col(this.otherLines),
      numCells: this.numCells,
      cellIp: this.cellIp.slice(0, this.numCells),
      cellSlab: this.cellSlab.slice(0, this.numCells),
      cellType: this.cellType.slice(0, this.numCells),
      cellFlags: this.cellFlags.slice(0, this.numCells),
      sums: this.sums.slice(0, this.numCells * NUM_SUMS),
      exact: [...this.exact].map(([at, e]) => [at, BigInt(e.value)] as const),
    };
  }

  /**
   * Appends the fold of the range after this one (its objects follow this
   * fold's; no object has lines in both, so distinct objects add up): its
   * per-object sums, and its cells merged into this fold's by (IP, slab,
   * type, flags) through the stitch's id maps (null: the variant has no such
   * field, and both hold 0).
   */
  appendPart(part: FoldPart, ips: Uint32Array, slabs: Uint32Array | null, types: Uint32Array | null): void {
    if (!this.keepsCells && part.numCells > 0) throw new Error('a fold of sums alone cannot take a part with cells');
    this.reads.appendData(part.reads.data, part.reads.length, part.reads.wide);
    this.writes.appendData(part.writes.data, part.writes.length, part.writes.wide);
    this.otherLines.appendData(part.otherLines.data, part.otherLines.length, part.otherLines.wide);
    this.lines += part.lines;
    const exact = new Map(part.exact);
    for (let pc = 0; pc < part.numCells; pc++) {
      const g = this.groupOf(slabs ? slabs[part.cellSlab[pc]] : part.cellSlab[pc], types ? types[part.cellType[pc]] : part.cellType[pc], part.cellFlags[pc]);
      const c = this.cellAt(g, ips[part.cellIp[pc]]);
      for (let k = 0; k < NUM_SUMS; k++) {
        const from = pc * NUM_SUMS + k;
        this.addAt(c * NUM_SUMS + k, part.sums[from], exact.get(from) ?? null);
      }
    }
    // No line is folded after a stitch; an object id of the part would not be this fold's anyway.
    this.lastObject.fill(-1);
    this.lastOtherObject.fill(-1);
    this.cells = null;
  }

  /** The exact value of figure `sum` of `cell`. */
  cellValue(cell: number, sum: CellSum): Exact {
    const k = CELL_SUMS.indexOf(sum);
    return this.exact.get(cell * NUM_SUMS + k)?.value ?? this.sums[cell * NUM_SUMS + k];
  }

  /** Bytes held: the per-object columns and the cells. */
  get byteLength(): number {
    return this.reads.byteLength + this.writes.byteLength + this.otherLines.byteLength + this.cellIp.length * CELL_BYTES + this.denseBytes;
  }

  /** Bytes of the groups' dense cell look-up arrays. */
  get denseBytes(): number {
    return this.denseEntries * 4;
  }

  /** Bytes of what is used (per-object entries and cells, without room reserved beyond them). */
  get usedBytes(): number {
    const used = (c: AdaptiveUintColumn) => c.length * c.data.BYTES_PER_ELEMENT;
    return used(this.reads) + used(this.writes) + used(this.otherLines) + this.numCells * CELL_BYTES + this.denseBytes;
  }

  /** Drops growth slack once the file is complete (the cells' arrays too). */
  trim(): void {
    this.reads.trim();
    this.writes.trim();
    this.otherLines.trim();
    if (this.cellIp.length > this.numCells) this.resizeCells(Math.max(16, this.numCells));
  }

  /** The group of (slab, type, flags), made when new. */
  private groupOf(slab: number, type: number, flags: number): Group {
    // A number while both ids are below 2^21 (names are capped at 2^20 a table: always, in a kmap's store).
    const key = slab < 0x200000 && type < 0x200000 ? (slab * 0x200000 + type) * 4 + flags : `${slab},${type},${flags}`;
    let g = this.groups.get(key);
    if (!g) {
      const dense = this.denseEntries + 64 <= this.maxDense;
      this.groups.set(key, (g = { id: this.groups.size, slab, type, flags, dense: dense ? new Int32Array(64) : null, map: dense ? null : new Map() }));
      if (dense) this.denseEntries += 64;
    }
    return g;
  }

  /** The cell of `ip` in group g, made when new. */
  private cellAt(g: Group, ip: number): number {
    const dense = g.dense;
    // A dense array too short for `ip` has no cell for it yet (newCell grows it); a Map holds its cells itself.
    const cell = dense !== null ? (ip < dense.length ? dense[ip] - 1 : -1) : (g.map!.get(ip) ?? -1);
    return cell >= 0 ? cell : this.newCell(g, ip);
  }

  private newCell(g: Group, ip: number): number {
    const c = this.numCells++;
    if (g.dense !== null && ip >= g.dense.length) {
      const size = Math.max(ip + 1, g.dense.length * 2);
      if (this.denseEntries + size - g.dense.length <= this.maxDense) {
        const next = new Int32Array(size);
        next.set(g.dense);
        this.denseEntries += size - g.dense.length;
        g.dense = next;
      } else {
        g.map = new Map();
        for (let i = 0; i < g.dense.length; i++) if (g.dense[i] > 0) g.map.set(i, g.dense[i] - 1);
        this.denseEntries -= g.dense.length;
        g.dense = null;
      }
    }
    if (g.dense !== null) g.dense[ip] = c + 1;
    else g.map!.set(ip, c);
    if (c === this.cellIp.length) this.resizeCells(c * 2);
    this.cellIp[c] = ip;
    this.cellSlab[c] = g.slab;
    this.cellType[c] = g.type;
    this.cellFlags[c] = g.flags;
    this.cellGroup[c] = g.id;
    return c;
  }

  private resizeCells(capacity: number): void {
    this.cellIp = resized(this.cellIp, capacity);
    this.cellSlab = resized(this.cellSlab, capacity);
    this.cellType = resized(this.cellType, capacity);
    this.cellFlags = resized(this.cellFlags, capacity);
    this.cellGroup = resized(this.cellGroup, capacity);
    this.sums = resized(this.sums, capacity * NUM_SUMS);
    this.lastObject = resized(this.lastObject, capacity, -1);
    this.lastOtherObject = resized(this.lastOtherObject, capacity, -1);
  }

  /** Adds v (exact value `big` when above 2^53 - 1) to a cell's figure, exact past 2^53 - 1. */
  private addSum(cell: number, k: number, v: number, big: bigint): void {
    this.addAt(cell * NUM_SUMS + k, v, v > MAX_EXACT ? big : null);
  }

  /**
   * Adds `near` to sums[at]: the double while the sum stays at or below
   * 2^53 - 1, and from there on an exact sum beside it (begun at the double,
   * still exact then), to which `exact` is added when given (a value, or a
   * sum, past 2^53 - 1), else `near` (exact itself).
   */
  private addAt(at: number, near: number, exact: Exact | null): void {
    const next = this.sums[at] + near;
    if (exact === null && next <= MAX_EXACT) {
      this.sums[at] = next;
      return;
    }
    let e = this.exact.get(at);
    if (!e) {
      this.exact.set(at, (e = new ExactSum()));
      e.add(this.sums[at]);
    }
    e.addExact(exact ?? near);
    this.sums[at] = next;
  }

  /** The current object's sums passed 2^53 - 1: kept exact from here on, beside the columns' near values. */
  private objectPastExact(reads: number, writes: number, bigReads: bigint, bigWrites: bigint): void {
    const o = this.object;
    if (this.objExact === null) {
      this.objExact = { reads: new ExactSum(), writes: new ExactSum() };
      this.objExact.reads.add(this.objReads);
      this.objExact.writes.add(this.objWrites);
    }
    this.objExact.reads.add(reads, bigReads);
    this.objExact.writes.add(writes, bigWrites);
    this.objReads += reads;
    this.objWrites += writes;
    for (const [col, sum] of [[this.reads, this.objExact.reads], [this.writes, this.objExact.writes]] as const) {
      const v = sum.value;
      col.set(o, Number(v));
      if (typeof v === 'bigint') (col.wide ??= new Map()).set(o, v);
      else col.wide?.delete(o);
    }
  }
}
