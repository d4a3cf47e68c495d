// The Parquet dataset's contract (docs/parquet-schema.md): its three tables'
// columns, defined once here (a test keeps the doc's tables equal to them),
// the shape of a block of rows that every writer consumes (the CLI's through
// DuckDB, src/cli/parquet-export.ts; the browser's through hyparquet-writer,
// ./parquet-hyparquet.ts; built by ./parquet-tables.ts), and the capture
// names that name the partition folders.
//
// Invariants:
// - every integer column is a signed 64-bit BIGINT. Kernel addresses and IPs
//   have the top bit set, so they read as negative numbers; the 64 bits are
//   the kmap's (two's complement), so `printf('%016x', address)` in DuckDB
//   gives the hex back and signed order is address order. Sizes, indices,
//   pids and counts are far below 2^63; a hostile value above wraps the same
//   way (the bits are kept, never rounded);
// - a block's BIGINT column is `words`: two Uint32 per row, low word first
//   (the bytes of a little-endian BigInt64Array), so no BigInt is made per
//   value; a VARCHAR column is ids into `dict`, the same array for every
//   block of a table (writers build their dictionary once);
// - the `capture` column is not in the files: engines read it from the
//   partition folder (`capture=NAME`), Hive-style.

/** Bumped when a column changes meaning or goes away (adding one does not). Written into each file's metadata. */
export const PARQUET_SCHEMA_VERSION = 1;

export type ParquetColumnType = 'BIGINT' | 'BOOLEAN' | 'VARCHAR';

export interface ParquetColumnDef {
  readonly name: string;
  readonly type: ParquetColumnType;
  readonly nullable: boolean;
  /** What the column holds, for docs/parquet-schema.md (a test checks the docs list every column). */
  readonly meaning: string;
}

export const PARQUET_TABLE_NAMES = ['objects', 'accesses', 'capmap'] as const;
export type ParquetTableName = (typeof PARQUET_TABLE_NAMES)[number];

/** The partition column: the folder `capture=NAME` under each table's folder. */
export const CAPTURE_COLUMN = 'capture';

const col = (name: string, type: ParquetColumnType, nullable: boolean, meaning: string): ParquetColumnDef => ({ name, type, nullable, meaning });

export const PARQUET_COLUMNS: Readonly<Record<ParquetTableName, readonly ParquetColumnDef[]>> = {
  objects: [
    col('idx', 'BIGINT', false, "the object's 0-based index in file order (accesses.idx refers to it)"),
    col('alloc_ip', 'BIGINT', false, 'the allocating instruction (signed 64 bits)'),
    col('alloc_fn', 'VARCHAR', false, 'the function alloc_ip resolves to with --symbols, else alloc_ip as 16 hex digits'),
    col('pid', 'BIGINT', false, 'the allocating pid (-1: no task context)'),
    col('address', 'BIGINT', false, "the object's virtual address (signed 64 bits)"),
    col('size', 'BIGINT', false, 'bytes'),
    col('alloc_index', 'BIGINT', true, 'the allocation index (null in variant A, which has none)'),
    col('free_index', 'BIGINT', true, 'the free index, 0 while live (null in variant A)'),
    col('free_ip', 'BIGINT', false, 'the freeing instruction (0 while live)'),
    col('free_fn', 'VARCHAR', false, 'the function free_ip resolves to, else free_ip as 16 hex digits'),
    col('alloc_type', 'VARCHAR', true, 'the alloc type (null in variants A and B)'),
    col('new_alloc_type', 'VARCHAR', true, 'the type an induced object was re-registered as (null before variant E)'),
    col('command', 'VARCHAR', false, 'the allocating task name'),
    col('slab', 'VARCHAR', true, 'the slab cache (null before variant D)'),
    col('live', 'BOOLEAN', false, 'not freed by the end of the capture'),
    col('access_lines', 'BIGINT', false, "the object's access lines"),
    col('reads', 'BIGINT', false, 'reads summed over its access lines'),
    col('writes', 'BIGINT', false, 'writes summed over its access lines'),
  ],
  accesses: [
    col('idx', 'BIGINT', false, 'the accessed object (objects.idx)'),
    col('access_ip', 'BIGINT', false, 'the accessing instruction (signed 64 bits)'),
    col('access_fn', 'VARCHAR', false, 'the function access_ip resolves to with --symbols, else access_ip as 16 hex digits'),
    col('pid', 'BIGINT', true, 'the accessing pid (null in variants C and D and on a from: line without one)'),
    col('reads', 'BIGINT', false, 'reads by this (object, ip, pid)'),
    col('writes', 'BIGINT', false, 'writes by this (object, ip, pid)'),
    col('slab', 'VARCHAR', true, "the object's slab cache"),
    col('alloc_type', 'VARCHAR', true, "the object's alloc type"),
    col('alloc_fn', 'VARCHAR', false, "the object's allocating function (as objects.alloc_fn)"),
    col('command', 'VARCHAR', false, "the object's allocating task name"),
  ],
  capmap: [
    col('access_fn', 'VARCHAR', false, 'the accessing function (as accesses.access_fn)'),
    col('slab', 'VARCHAR', true, 'the slab cache of the accessed objects'),
    col('alloc_type', 'VARCHAR', true, 'the alloc type of the accessed objects'),
    col('reads', 'BIGINT', false, 'reads summed'),
    col('writes', 'BIGINT', false, 'writes summed'),
    col('access_lines', 'BIGINT', false, 'access lines'),
    col('objects', 'BIGINT', false, 'distinct objects accessed'),
  ],
};

/**
 * The columns whose row-group min/max statistics let a reader skip row
 * groups: the accesses' sort keys (slab, access_fn), every table's idx
 * (objects and accesses are in idx order within a slab group, so idx ranges
 * prune joins) and capmap's access_fn. Both writers make these exact per row
 * group. Elsewhere the rows are not sorted, a row group's range spans nearly
 * every value, and a writer may leave statistics out (the browser's) or
 * write a wider range that still bounds every value (the CLI's string
 * columns: the range of the column's dictionary).
 */
export const STATS_COLUMNS: Readonly<Record<ParquetTableName, ReadonlySet<string>>> = {
  objects: new Set(['idx']),
  accesses: new Set(['idx', 'slab', 'access_fn']),
  capmap: new Set(['access_fn']),
};

export interface BlockColumn {
  readonly def: ParquetColumnDef;
  /** BIGINT: words (2 per row, low first); BOOLEAN: 0/1 per row; VARCHAR: ids into dict. */
  readonly data: Uint32Array | Uint8Array;
  /** VARCHAR only: the table's dictionary (shared by all its blocks). */
  readonly dict: readonly string[] | null;
  /** 1 where the row's value is null; null when no row of the block is. */
  readonly nulls: Uint8Array | null;
}

export interface TableBlock {
  readonly numRows: number;
  /** In PARQUET_COLUMNS order. */
  readonly columns: readonly BlockColumn[];
}

/**
 * A capture name usable as a partition folder: letters, digits, '.', '_',
 * '-', at most 128, not starting with '.', and not a name Hive-style readers
 * take for a null partition (`null`, `__HIVE_DEFAULT_PARTITION__`, in any
 * case), which would merge captures.
 */
export const CAPTURE_NAME = /^(?!(?:null|__hive_default_partition__)$)[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/i;

/** What CAPTURE_NAME asks, in words (the CLI's and the dashboard's message). */
export const CAPTURE_NAME_RULE = "1 to 128 letters, digits, '.', '_' or '-', not starting with '.', and not null or __HIVE_DEFAULT_PARTITION__";

/** Memorizer's own file names: as a capture name they say nothing (every run's file is called kmap). */
const GENERIC_NAMES = /^(kmap|kmap_stream|allocations|accesses)$/i;

/**
 * The default capture name of an input: the file's base name without .gz
 * and .kmap/.txt/.csv, other characters as '_'. Memorizer's own names (a
 * `kmap` file, the `allocations` + `accesses` pair) take their folder's name
 * in front (`run1/kmap` -> `run1-kmap`; the pair: the folder's name alone),
 * so that two runs' files do not default to one capture.
 */
export function captureNameOf(fileName: string, pair = false): string {
  const parts = fileName.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  const base = parts.pop() ?? '';
  const stem = base.replace(/\.gz$/i, '').replace(/\.(kmap|txt|csv)$/i, '');
  const folder = parts.pop() ?? '';
  const raw = pair ? folder || 'capture' : GENERIC_NAMES.test(stem) && folder ? `${folder}-${stem}` : stem;
  const name = raw.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 128);
  if (name === '') return 'capture';
  return CAPTURE_NAME.test(name) ? name : `_${name}`.slice(0, 128);
}

/** Rows [start, end) of a block, sharing its arrays (no copy). */
export function sliceBlock(block: TableBlock, start: number, end: number): TableBlock {
  return {
    numRows: end - start,
    columns: block.columns.map((c) => ({
      ...c,
      data: c.def.type === 'BIGINT' ? c.data.subarray(2 * start, 2 * end) : c.data.subarray(start, end),
      nulls: c.nulls ? c.nulls.subarray(start, end) : null,
    })),
  };
}
