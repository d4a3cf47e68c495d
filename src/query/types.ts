// The query vocabulary shared by the worker contract, the CLI and the view
// state: columns, sort specs, the structured object filter, and the rows the
// grouping queries return. Pure types and constants: no store access here.
// `src/worker-api.ts` re-exports these; nothing in query/ imports the contract.

import type { Exact } from '../store/exact.ts';
import type { ObjectRow } from './rows.ts';

/** Columns of the objects table; every one is sortable. */
export const OBJECT_COLUMNS = [
  'idx',
  'allocIp',
  'pid',
  'address',
  'size',
  'allocIndex',
  'freeIndex',
  'freeIp',
  'type',
  'command',
  'slab',
  'accessLines',
  'reads',
  'writes',
] as const;
export type ObjectColumn = (typeof OBJECT_COLUMNS)[number];

export const ACCESS_COLUMNS = ['ip', 'pid', 'reads', 'writes'] as const;
export type AccessColumn = (typeof ACCESS_COLUMNS)[number];

export interface SortSpec<K extends string> {
  key: K;
  desc: boolean;
}

/** Liveness at the end of the capture: live = never freed (free index 0). */
export const OBJECT_STATES = ['all', 'live', 'freed'] as const;
export type ObjectState = (typeof OBJECT_STATES)[number];

/**
 * What a window [start, end) on the index axis keeps (an object is live from
 * its alloc index up to, not including, its free index; a never-freed one to
 * the end of the capture):
 * - allocated: allocated in the window (start <= alloc < end);
 * - liveAtEnd: live at the window's last index, end - 1 (alloc < end, and
 *   never freed or freed at end or later);
 * - survived: allocated in the window and not freed in it (start <= alloc < end,
 *   and never freed or freed at end or later).
 */
export const WINDOW_MEANINGS = ['allocated', 'liveAtEnd', 'survived'] as const;
export type WindowMeaning = (typeof WINDOW_MEANINGS)[number];

/** The data-quality flags an object may have (quality.ts defines each). */
export const QUALITY_FLAGS = ['overlapped', 'nested', 'freeUnseen', 'ufo', 'preregistered', 'catchAll', 'unaccessed', 'readOnly', 'writeOnly'] as const;
export type QualityFlag = (typeof QUALITY_FLAGS)[number];

/**
 * A window on the index axis: [start, end), end > start. Indices are
 * compared as doubles, which is exact up to 2^53 - 1 (only a damaged file
 * holds larger ones).
 */
export interface IndexWindow {
  start: number;
  end: number;
  meaning: WindowMeaning;
}

/**
 * The structured filter every view and every aggregate takes. Lists are
 * ORed within a field and fields are ANDed; an empty list keeps all.
 * Names are exact (as the file spells them); `search` is the field-scoped
 * text of search-syntax.ts.
 */
export interface ObjectFilter {
  slabs: string[];
  types: string[];
  commands: string[];
  /** Allocating pids (the object line's pid). */
  pids: number[];
  state: ObjectState;
  /** Hides objects whose alloc IP is a sentinel: 0 (catch-all), a UFO type code, or feedbeef. */
  hideSentinels: boolean;
  /** Inclusive byte bounds; null = unbounded. */
  minSize: number | null;
  maxSize: number | null;
  /** Allocation sites (site keys: function name, or 16-digit hex IP). */
  allocSites: string[];
  /** Objects with at least one access line at one of these sites (site keys). */
  accessSites: string[];
  /**
   * Objects touched by a task other than the allocating one (an access
   * line whose pid differs from the object's pid); access-site counts then
   * include only such lines. Needs access pids (variants A, B, E).
   */
  otherTasks: boolean;
  /** A window on the index axis (the Lifetimes brush); null keeps all. Variant A has no indices: it keeps nothing. */
  window: IndexWindow | null;
  /** Only objects with this data-quality flag (quality.ts); null keeps all. */
  flag: QualityFlag | null;
  search: string;
}

export const EMPTY_FILTER: ObjectFilter = Object.freeze({
  slabs: [],
  types: [],
  commands: [],
  pids: [],
  state: 'all',
  hideSentinels: false,
  minSize: null,
  maxSize: null,
  allocSites: [],
  accessSites: [],
  otherTasks: false,
  window: null,
  flag: null,
  search: '',
}) as ObjectFilter;

export function emptyFilter(): ObjectFilter {
  return { ...EMPTY_FILTER, slabs: [], types: [], commands: [], pids: [], allocSites: [], accessSites: [] };
}

/** True when the filter keeps every object. */
export function isEmptyFilter(f: ObjectFilter): boolean {
  return filterKey(f) === filterKey(EMPTY_FILTER);
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A canonical string of the filter (list order and duplicates do not matter): the worker's cache key. */
export function filterKey(f: ObjectFilter): string {
  const list = (xs: readonly string[]) => [...new Set(xs)].sort(byCodeUnit);
  return JSON.stringify([
    list(f.slabs),
    list(f.types),
    list(f.commands),
    [...new Set(f.pids)].sort((a, b) => a - b),
    f.state,
    f.hideSentinels,
    f.minSize,
    f.maxSize,
    list(f.allocSites),
    list(f.accessSites),
    f.otherTasks,
    f.window ? [f.window.start, f.window.end, f.window.meaning] : null,
    f.flag,
    f.search.trim(),
  ]);
}

export interface ViewQuery {
  filter: ObjectFilter;
  sort: SortSpec<ObjectColumn> | null;
  /**
   * Also answer the new selection's first rows, [0, firstRows), in
   * QueryResult.firstRows: a new filter or sort shows the table's top, so
   * the page need not ask rows() for them in a second round trip.
   */
  firstRows?: number;
}

export interface QueryResult {
  /** Rows in the selection. */
  total: number;
  /** Objects in the store when the query ran (grows while loading). */
  numObjects: number;
  /** Names in the filter that the file does not have, as "slab cache \"x\"". */
  unknownNames: string[];
  /** Problems with the search text (a bad address, an unknown field value), for the user. */
  searchErrors: string[];
  /** Rows [0, ViewQuery.firstRows) of the selection, as rows() gives them; absent when not asked. */
  firstRows?: ObjectRow[];
}

/**
 * Sizes and read/write counts are 64-bit: an Exact is a number up to
 * 2^53 - 1 and a bigint above (../store/exact.ts). Counts of objects and
 * lines are plain numbers.
 */
export type { Exact } from '../store/exact.ts';

/** Totals over the filtered objects (the summary strip's "filtered" column, `stats` with filters). */
export interface FilteredTotals {
  objects: number;
  liveObjects: number;
  bytes: Exact;
  liveBytes: Exact;
  accesses: number;
  reads: Exact;
  writes: Exact;
}

export const BREAKDOWN_KEYS = ['type', 'slab', 'command', 'pid', 'site'] as const;
export type BreakdownKey = (typeof BREAKDOWN_KEYS)[number];

/** One group of the Breakdown view; the CSV columns are exactly these keys. */
export interface BreakdownRow {
  key: string;
  objects: number;
  live: number;
  bytes: Exact;
  liveBytes: Exact;
  accessLines: number;
  reads: Exact;
  writes: Exact;
}
export const BREAKDOWN_CSV_COLUMNS = ['key', 'objects', 'live', 'bytes', 'liveBytes', 'accessLines', 'reads', 'writes'] as const;

/** One accessing function (or IP) of the Access-sites view. */
export interface SiteRow {
  site: string;
  reads: Exact;
  writes: Exact;
  accessLines: number;
  /** Distinct objects it accessed; null when not known (an aggregate-only load: query/cell-queries.ts). */
  objects: number | null;
  /** Distinct access pids (-1 counts as one; 0 when access lines carry no pid); null when not kept (an aggregate-only load). */
  pids: number | null;
  /** The caches it touched, by access lines, most first (at most 8), and how many in all. */
  caches: { name: string; accessLines: number }[];
  numCaches: number;
}

/** One site in depth (siteDetail): every pid that accessed through it, with its task name. */
export interface SiteDetail {
  site: string;
  pids: { pid: number; command: string | null; accessLines: number; reads: Exact; writes: Exact }[];
}
export const SITE_CSV_COLUMNS = ['site', 'reads', 'writes', 'accessLines', 'objects', 'pids'] as const;

/** One cell of the type -> cache -> site hierarchy (the Breakdown chart). */
export interface HierarchyCell {
  type: string;
  slab: string;
  site: string;
  objects: number;
  bytes: Exact;
}

/** A name with its object count, for the filter pickers. */
export interface NameOption {
  name: string;
  objects: number;
}

/** What lifetimes and the Lifetimes charts group by. */
export const LIFETIME_GROUPINGS = ['slab', 'type'] as const;
export type LifetimeGrouping = (typeof LIFETIME_GROUPINGS)[number];

/**
 * One lifetime bucket of one group (`kmap lifetimes`): the freed objects
 * whose lifetime (free index - alloc index) is in [bucketLow, bucketHigh):
 * [0, 1), then [2^k, 2^(k+1)) for k >= 0. Bounds at or above 2^53 are bigints.
 */
export interface LifetimeRow {
  group: string;
  bucketLow: Exact;
  bucketHigh: Exact;
  objects: number;
  bytes: Exact;
}
export const LIFETIME_CSV_COLUMNS = ['group', 'bucketLow', 'bucketHigh', 'objects', 'bytes'] as const;

/** One bin of the index axis (`kmap live`): the most objects and the most bytes live at any index in [binStart, binEnd). */
export interface LiveBin {
  binStart: number;
  binEnd: number;
  maxLiveObjects: number;
  maxLiveBytes: Exact;
}
export const LIVE_CSV_COLUMNS = ['binStart', 'binEnd', 'maxLiveObjects', 'maxLiveBytes'] as const;

/** The matrix's columns: slab caches or alloc types. */
export const MATRIX_COLUMN_KINDS = ['slab', 'type'] as const;
export type MatrixColumnKind = (typeof MATRIX_COLUMN_KINDS)[number];

/** One (accessing site, cache or type) pair of the access matrix (`kmap matrix`). */
export interface MatrixRow {
  site: string;
  column: string;
  reads: Exact;
  writes: Exact;
  accessLines: number;
  /** Distinct objects of that column accessed through that site; null when not known (an aggregate-only load: query/cell-queries.ts). */
  objects: number | null;
}
export const MATRIX_CSV_COLUMNS = ['site', 'column', 'reads', 'writes', 'accessLines', 'objects'] as const;
