// The SQL of `kmap export`'s COPYs (./parquet-export.ts): how each table's
// columns reach DuckDB's Parquet writer (ENUM or VARCHAR), the writer's
// dictionary limit, and literals for the paths and names the export chose.

import { PARQUET_COLUMNS, STATS_COLUMNS, type ParquetTableName } from '../query/parquet-schema.ts';

/** A SQL string literal (single quotes doubled): only for paths and names this module chose. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * DuckDB's DICTIONARY_SIZE_LIMIT for every COPY. Its default grows with the
 * row group (2^20 rows per accesses file), and up to it DuckDB keeps trying
 * a dictionary for a column of mostly distinct values before it falls back
 * to plain: the accesses' idx, hashed row by row for nothing. At this limit
 * that column is plain from the start and every other column of the 1 GB
 * benchmark kmap keeps its encoding (parquet_metadata); the export took
 * 0.35 s and 0.5 CPU-s less (4 interleaved rounds: 9.73-10.57 -> 9.61-10.04
 * s) and the dataset 6% less room (168.7 -> 159.0 MB). A capture without
 * symbols and with tens of thousands of accessing IPs writes access_ip
 * plain too (zstd still packs it).
 */
export const DICTIONARY_LIMIT = 10_000;

/** An ENUM column's dictionary is written whole into every row group: past this many names a column is cast to VARCHAR instead. */
const ENUM_NAMES_MAX = 4096;

/**
 * The COPY's select list. String columns reach DuckDB as ENUMs, and DuckDB
 * writes an ENUM column with its whole dictionary in every row group and
 * that dictionary's range as every row group's min/max. The sort keys that
 * readers prune by (STATS_COLUMNS: slab and access_fn of the accesses,
 * access_fn of the capmap) are ENUMs of the names of their own file, one
 * row group per file (./parquet-block-scan.ts), so their range is exact.
 * Another string column whose dictionary passes ENUM_NAMES_MAX (a capture without symbols
 * and with very many allocating IPs: repeating its dictionary per row group
 * made files several times bigger) is cast to VARCHAR. The other string
 * columns stay ENUMs: their rows are not sorted, so their exact range would
 * span nearly every value anyway, and the cast with the VARCHAR writer's
 * per-value dictionary hashing was most of DuckDB's time (the 1 GB benchmark
 * kmap's accesses from a DuckDB table, 2 threads: the five string columns as
 * VARCHAR took 6.0 s to write, as ENUMs 0.44 s). alloc_fn and free_fn have
 * dictionaries of the functions that column uses (ParquetTables), not of
 * every accessing IP.
 */
export function selectList(table: ParquetTableName, dictionarySize: (column: string) => number): string {
  const keys = STATS_COLUMNS[table];
  const cast = (name: string) => !keys.has(name) && dictionarySize(name) > ENUM_NAMES_MAX;
  return PARQUET_COLUMNS[table].map((c) => (c.type === 'VARCHAR' && cast(c.name) ? `${c.name}::VARCHAR AS ${c.name}` : c.name)).join(', ');
}

/** The distinct values of ids, in first-seen order. */
export function distinctIds(ids: Uint32Array | Uint8Array): Uint32Array {
  return Uint32Array.from(new Set(ids));
}
