// The dashboard's Parquet writer: the tables of ./parquet-tables.ts as
// Parquet files through hyparquet-writer (pure JavaScript, so the data worker
// and a Node test run the same code). The CLI writes the same tables through
// DuckDB (src/cli/parquet-export.ts); a unit test reads both back with DuckDB
// and compares them row for row.
//
// Invariants (the same as the CLI's files, so that one reader reads both):
// - one file per block of `blockRows` rows (2^20 by default, the CLI's),
//   at `TABLE/capture=NAME/part-KKKKK.parquet`; a table without rows is one
//   file with the schema and no row group;
// - physical types: BIGINT -> INT64, BOOLEAN -> BOOLEAN, VARCHAR ->
//   BYTE_ARRAY annotated UTF8; REQUIRED or OPTIONAL from the column's
//   `nullable`; key-value metadata `kmap_parquet_schema` = the schema version;
// - the accesses rows keep the order of ParquetTables.accessesBlock (slab,
//   then access_fn); nothing here reorders rows.
//
// Speed: hyparquet-writer takes JS values, so the costs are per value. On
// the 100 MB benchmark kmap (414,228 objects, 2,140,151 access lines;
// `npx tsx bench/parquet-writers.ts FILE`, a shared 2-core machine under
// load, so CPU seconds of three runs): all three tables take 8.1-9.2 s with
// the statistics chosen here, 7.8-9.8 s with statistics on every column,
// 5.8-6.6 s with none; DuckDB's writer (the CLI) takes 4.3 s of CPU over its
// threads. Files: 25 MB here (Snappy) against DuckDB's 17.6 MB (zstd).
// Forcing PLAIN on BIGINT columns instead of the writer's own dictionary
// choice saved no time on the accesses table and made it 55% larger.
// - BIGINT columns go in as a BigInt64Array view of the block's words (no
//   copy, no BigInt made here); a column with nulls is an array with null in
//   those rows (only pid of accesses, and the all-null columns of older
//   variants).
// - VARCHAR columns go in as the dictionary's own strings (the same string
//   object for every row with that id) with `encoding: 'RLE_DICTIONARY'`:
//   forced dictionary encoding makes the writer UTF-8-encode each distinct
//   string once (the dictionary page) instead of every value, and skips its
//   sampling.
// - statistics (min, max, null count per row group) cost a comparison per
//   value, and a string comparison in code points for VARCHAR. They are kept
//   where a reader uses them to skip row groups: the accesses table's sort
//   keys (slab, access_fn) and every table's idx (objects and accesses are
//   in idx order within a slab group, so idx ranges prune joins), and
//   capmap's access_fn. Dropping them all saves about 2 s of the 8 above
//   (a profile of one accesses block: 0.26 s of 2.1 s in statistics, most of
//   it comparing the two string keys); adding every other column was not
//   measurably slower under that load. They stay off elsewhere anyway: in
//   columns the rows are not sorted by, each row group's range spans nearly
//   every value, so they would rarely let a reader skip anything.
// - Snappy (built in) compresses pages; DuckDB's writer uses zstd, so these
//   files are somewhat larger.

import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import { type ParquetTables } from './parquet-tables.ts';
import { PARQUET_COLUMNS, PARQUET_SCHEMA_VERSION, PARQUET_TABLE_NAMES, STATS_COLUMNS, type BlockColumn, type ParquetColumnDef, type ParquetTableName, type TableBlock } from './parquet-schema.ts';

/** Rows per file: the CLI's EXPORT_BLOCK_ROWS (src/cli/parquet-export.ts). */
export const PARQUET_BLOCK_ROWS = 1 << 20;
/**
 * Rows per row group: DuckDB's default, which the CLI's objects files keep
 * (its accesses and capmap files are one row group each, with exact
 * statistics per file: src/cli/parquet-block-scan.ts). Here every row group
 * has its own exact statistics on the sort keys, so smaller groups prune finer.
 */
export const PARQUET_ROW_GROUP_ROWS = 122_880;

/**
 * Which columns get row-group statistics: 'keys' (STATS_COLUMNS, what the
 * export uses); 'all' and 'none' exist for measuring (bench and tests).
 */
export type StatisticsChoice = 'keys' | 'all' | 'none';

export interface ParquetWriteOptions {
  /** Rows per file (tests use small ones so that a table spans several files). */
  blockRows?: number;
  statistics?: StatisticsChoice;
}

export interface ParquetFileOut {
  readonly table: ParquetTableName;
  /** `TABLE/capture=NAME/part-KKKKK.parquet`. */
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly rows: number;
}

export interface ParquetWriteProgress {
  readonly table: ParquetTableName;
  /** Rows of this table written so far, and its rows in all. */
  readonly rowsDone: number;
  readonly rows: number;
}

/** The path of one file of a table inside the dataset. */
export function parquetFilePath(table: ParquetTableName, capture: string, part: number): string {
  return `${table}/capture=${capture}/part-${String(part).padStart(5, '0')}.parquet`;
}

function schemaElement(def: ParquetColumnDef): SchemaElement {
  const repetition_type = def.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (def.type) {
    case 'BIGINT':
      return { name: def.name, type: 'INT64', repetition_type };
    case 'BOOLEAN':
      return { name: def.name, type: 'BOOLEAN', repetition_type };
    case 'VARCHAR':
      return { name: def.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
  }
}

function parquetSchema(table: ParquetTableName): SchemaElement[] {
  const defs = PARQUET_COLUMNS[table];
  return [{ name: 'root', num_children: defs.length }, ...defs.map(schemaElement)];
}

/** A block column as the values hyparquet-writer takes (see the header: no copy for BIGINT without nulls). */
function columnValues(col: BlockColumn, n: number): ColumnSource['data'] {
  const nulls = col.nulls;
  switch (col.def.type) {
    case 'BIGINT': {
      const words = col.data as Uint32Array;
      const big =
        words.byteOffset % 8 === 0 ? new BigInt64Array(words.buffer, words.byteOffset, n) : new BigInt64Array(words.slice(0, 2 * n).buffer);
      if (!nulls) return big;
      const out: (bigint | null)[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = nulls[k] ? null : big[k];
      return out;
    }
    case 'BOOLEAN': {
      const out: (boolean | null)[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = nulls?.[k] ? null : col.data[k] !== 0;
      return out;
    }
    case 'VARCHAR': {
      const dict = col.dict!;
      const ids = col.data;
      const out: (string | null)[] = new Array(n);
      if (nulls) for (let k = 0; k < n; k++) out[k] = nulls[k] ? null : dict[ids[k]];
      else for (let k = 0; k < n; k++) out[k] = dict[ids[k]];
      return out;
    }
  }
}

/**
 * One Parquet file of a table: the rows of `block`, or none (null: the
 * schema alone, for a table without rows).
 */
export function blockToParquet(table: ParquetTableName, block: TableBlock | null, statistics: StatisticsChoice = 'keys'): Uint8Array {
  const writer = new ByteWriter(block ? Math.max(1024, block.numRows * 8) : 1024);
  const pw = new ParquetWriter({
    writer,
    schema: parquetSchema(table),
    codec: 'SNAPPY',
    statistics: statistics !== 'none',
    kvMetadata: [{ key: 'kmap_parquet_schema', value: String(PARQUET_SCHEMA_VERSION) }],
    createdBy: 'kmap explorer (hyparquet-writer)',
  });
  if (block && block.numRows > 0) {
    const keys = STATS_COLUMNS[table];
    const columnData: ColumnSource[] = block.columns.map((col) => ({
      name: col.def.name,
      data: columnValues(col, block.numRows),
      nullable: col.def.nullable,
      statistics: statistics === 'all' || (statistics === 'keys' && keys.has(col.def.name)),
      ...(col.def.type === 'VARCHAR' ? { encoding: 'RLE_DICTIONARY' as const } : {}),
    }));
    void pw.write({ columnData, rowGroupSize: PARQUET_ROW_GROUP_ROWS });
  }
  void pw.finish();
  return new Uint8Array(writer.getBuffer());
}

/**
 * Every file of the three tables, in order (objects, accesses, capmap), one
 * block at a time: the caller holds the store, the block being written and
 * what it kept of the files before. `progress` is the state after the file.
 */
export function* parquetFiles(
  tables: ParquetTables,
  capture: string,
  opts: ParquetWriteOptions = {},
): Generator<{ file: ParquetFileOut; progress: ParquetWriteProgress }> {
  const blockRows = Math.max(1, opts.blockRows ?? PARQUET_BLOCK_ROWS);
  const stats = opts.statistics ?? 'keys';
  for (const table of PARQUET_TABLE_NAMES) {
    if (table === 'capmap') {
      const block = tables.capmapBlock();
      const file = { table, path: parquetFilePath(table, capture, 0), bytes: blockToParquet(table, block, stats), rows: block.numRows };
      yield { file, progress: { table, rowsDone: block.numRows, rows: block.numRows } };
      continue;
    }
    const rows = tables.numRows(table);
    if (rows === 0) {
      yield { file: { table, path: parquetFilePath(table, capture, 0), bytes: blockToParquet(table, null, stats), rows: 0 }, progress: { table, rowsDone: 0, rows } };
      continue;
    }
    let part = 0;
    for (let start = 0; start < rows; start += blockRows) {
      const end = Math.min(rows, start + blockRows);
      const block = table === 'objects' ? tables.objectsBlock(start, end) : tables.accessesBlock(start, end);
      const bytes = blockToParquet(table, block, stats);
      yield { file: { table, path: parquetFilePath(table, capture, part++), bytes, rows: end - start }, progress: { table, rowsDone: end, rows } };
    }
    if (table === 'accesses') tables.releaseAccesses();
  }
}
