// The one typed contract between the UI and the data worker (comlink).
// Everything that crosses it is small and structured-cloneable: a summary,
// a window of rows, one object's accesses. Bulk data never leaves the worker.

import type { KmapSummary } from './query/summary.ts';
import type { AccessRow, ObjectRow, SentinelInfo } from './query/rows.ts';

export type { AccessRow, KmapSummary, ObjectRow, SentinelInfo };

export type KmapSource =
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'url'; url: string; name: string };

export interface LoadProgress {
  name: string;
  bytesRead: number;
  /** null when the size is unknown (a fetch without Content-Length). */
  totalBytes: number | null;
  /** Mean rate since the load started. */
  bytesPerSecond: number;
  objects: number;
  accesses: number;
  badLines: number;
  done: boolean;
}

export type OpenResult =
  | { ok: true; summary: KmapSummary; seconds: number }
  | {
      ok: false;
      cancelled: boolean;
      error: string;
      /**
       * True when the file failed (or was cancelled) before it showed that it
       * is a kmap and the previously loaded kmap is queryable again.
       */
      previousKept: boolean;
    };

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

export interface ViewQuery {
  /** Slab cache names to keep; empty keeps all. */
  slabs: string[];
  /** Case-insensitive substring over command, slab and type; empty keeps all. */
  search: string;
  sort: SortSpec<ObjectColumn> | null;
}

export interface QueryResult {
  /** Rows in the selection. */
  total: number;
  /** Objects in the store when the query ran (grows while loading). */
  numObjects: number;
  /** Slab names in the query that the file does not have. */
  unknownSlabs: string[];
}

export interface SlabOption {
  name: string;
  objects: number;
}

export interface KmapWorkerApi {
  /**
   * Loads a kmap, replacing (and freeing) any loaded before once the new file
   * is known to be a kmap (its variant detected); until then queries see
   * nothing, and a failure gives the previous kmap back (previousKept).
   */
  open(source: KmapSource, onProgress: (p: LoadProgress) => void): Promise<OpenResult>;
  /** Stops a load in progress; open() then resolves with cancelled: true. */
  cancel(): void;
  /** Frees the loaded kmap. */
  close(): void;
  summary(): KmapSummary | null;
  slabOptions(): SlabOption[];
  /** Filters and sorts; the result becomes the selection rows() reads. */
  query(q: ViewQuery): QueryResult;
  rows(start: number, count: number): ObjectRow[];
  /** Position of object idx in the current selection, or -1. */
  positionOf(idx: number): number;
  object(idx: number): ObjectRow | null;
  accesses(idx: number, sort: SortSpec<AccessColumn> | null): AccessRow[];
}
