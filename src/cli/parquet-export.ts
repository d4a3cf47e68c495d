// `kmap export FILE --parquet DIR`: the tables of query/parquet-tables.ts
// written as Parquet through DuckDB's own writer (COPY ... TO, zstd), one
// capture into DIR/TABLE/capture=NAME/part-K.parquet for each table.
//
// How rows reach DuckDB: table functions (kmap_objects(), ...;
// ./parquet-block-scan.ts) hand DuckDB the blocks of ParquetTables straight
// from their typed arrays, and `COPY (SELECT * FROM kmap_TABLE()) TO file`
// streams them into one Parquet file per block of EXPORT_BLOCK_ROWS rows.
// Nothing is staged in a DuckDB table (an appender into one cost three times
// as much, measured), so memory is the parsed store (what every kmap command
// holds), the accesses' sort order, a few pieces of a block and DuckDB's row
// group being written. String columns reach DuckDB as ENUM columns built once
// per dictionary (a name costs an id per row, and names never pass through
// SQL text) and are cast to VARCHAR in the COPY (selectList: why).
//
// A capture is written beside its final folders (`.capture=NAME.partial`)
// and renamed into place when all three tables are done: re-exporting a
// capture replaces it, and an interrupted export leaves no half partition
// that a reader of `*/*.parquet` would pick up.
//
// DuckDB is loaded only by this command and `kmap query` (a dynamic import:
// the other commands start without it).

import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { PARQUET_COLUMNS, PARQUET_SCHEMA_VERSION, PARQUET_TABLE_NAMES, sliceBlock, type ParquetTableName, type ParquetTables } from '../query/parquet-tables.ts';
import { BlockScan } from './parquet-block-scan.ts';

/** Rows per Parquet file (and per staging block). */
export const EXPORT_BLOCK_ROWS = 1 << 20;

export interface ExportedTable {
  readonly table: ParquetTableName;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
}

export interface ExportProgress {
  readonly table: ParquetTableName;
  readonly rowsDone: number;
  readonly rows: number;
}

export type DuckApi = typeof import('@duckdb/node-api');
export type Bindings = typeof import('@duckdb/node-bindings');

/** A SQL string literal (single quotes doubled): only for paths and names this module chose. */
function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * The COPY's select list: string columns cast from their ENUM to VARCHAR.
 * DuckDB writes an ENUM column with its whole dictionary in every row group
 * and that dictionary's range as every row group's min/max, so no row group
 * could be skipped (and a file repeated every name); cast, each row group
 * gets its own names and its own range.
 */
function selectList(table: ParquetTableName): string {
  return PARQUET_COLUMNS[table].map((c) => (c.type === 'VARCHAR' ? `${c.name}::VARCHAR AS ${c.name}` : c.name)).join(', ');
}

/** The partition folder of a capture in a table. */
export function partitionDir(dir: string, table: ParquetTableName, capture: string): string {
  return path.join(dir, table, `capture=${capture}`);
}

export async function loadDuckDb(): Promise<{ api: DuckApi; bindings: Bindings }> {
  const api = await import('@duckdb/node-api');
  const mod = (await import('@duckdb/node-bindings')) as Bindings & { default?: Bindings };
  const bindings = mod.default ?? mod;
  return { api, bindings };
}

/**
 * Writes the capture's three tables under `dir`. `blockRows` sets rows per
 * file and `pieceRows` rows per piece of a file (./parquet-block-scan.ts);
 * tests use small ones.
 */
export async function exportParquet(
  tables: ParquetTables,
  dir: string,
  capture: string,
  opts: { blockRows?: number; pieceRows?: number; onProgress?: (p: ExportProgress) => void } = {},
): Promise<ExportedTable[]> {
  const blockRows = opts.blockRows ?? EXPORT_BLOCK_ROWS;
  const { api, bindings } = await loadDuckDb();
  const instance = await api.DuckDBInstance.create(':memory:', { threads: String(Math.max(1, availableParallelism())) });
  const con = await instance.connect();
  const partial = (t: ParquetTableName) => path.join(dir, t, `.capture=${capture}.partial`);
  try {
    const scan = new BlockScan(api, bindings, opts.pieceRows);
    for (const table of PARQUET_TABLE_NAMES) scan.register(con, table);
    const out: ExportedTable[] = [];
    for (const table of PARQUET_TABLE_NAMES) {
      const target = partial(table);
      await rm(target, { recursive: true, force: true });
      await mkdir(target, { recursive: true });
      const capmap = table === 'capmap' ? tables.capmapBlock() : null;
      const numRows = capmap ? capmap.numRows : tables.numRows(table as 'objects' | 'accesses');
      const make = capmap ? (s: number, e: number) => sliceBlock(capmap, s, e) : (s: number, e: number) => (table === 'objects' ? tables.objectsBlock(s, e) : tables.accessesBlock(s, e));
      // The capmap is one file (thousands of rows); the other tables a file per block.
      const fileRows = capmap ? Math.max(1, numRows) : blockRows;
      const numFiles = Math.max(1, Math.ceil(numRows / fileRows));
      scan.beginTable(table, numRows, fileRows, make);
      for (let k = 0; k < numFiles; k++) {
        const file = path.join(target, `part-${String(k).padStart(5, '0')}.parquet`);
        scan.startFile(k);
        const meta = `KV_METADATA {kmap_parquet_schema: ${sqlString(String(PARQUET_SCHEMA_VERSION))}}`;
        await con.run(`COPY (SELECT ${selectList(table)} FROM kmap_${table}()) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd, ${meta})`);
        opts.onProgress?.({ table, rowsDone: Math.min(numRows, (k + 1) * fileRows), rows: numRows });
      }
      scan.endTable();
      const rows = numRows;
      const files = numFiles;
      let bytes = 0;
      for (const f of await readdir(target)) bytes += (await stat(path.join(target, f))).size;
      out.push({ table, rows, files, bytes });
    }
    // All three written: swap them in.
    for (const table of PARQUET_TABLE_NAMES) {
      const final = partitionDir(dir, table, capture);
      await rm(final, { recursive: true, force: true });
      await rename(partial(table), final);
    }
    return out;
  } catch (e) {
    for (const table of PARQUET_TABLE_NAMES) await rm(partial(table), { recursive: true, force: true });
    throw e;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

